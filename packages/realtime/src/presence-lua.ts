// Lua scripts of the presence store (see presence.ts for the model). One script call per heartbeat,
// disconnect, private toggle, sweep or bulk read: each is atomic, so two servers never interleave
// half-updates of one user, and each costs one round trip.
// Every key a script touches is declared in KEYS (Redis Cluster routes by them): a user's keys and
// the deadline set of the user's bucket share the bucket's hash tag (presence.ts), so each script
// runs on one slot. The sweeper reads due deadlines with a plain ZRANGEBYSCORE, then expires each
// user with a script over that user's declared keys.

// KEYS of every per-user script: conns hash, bucket deadline set, view, recent list, private flag.
const common = `
local CK, DL, VK, RK, PK = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local function nowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function num(n) return string.format('%.0f', n) end
local function ident(p)
  if p.state == 'streaming' then
    return 's|' .. p.songId .. '|' .. num(p.startedAt) .. '|' .. tostring(p.isPaused) .. '|' .. p.device
  elseif p.state == 'online' then
    return 'o|' .. p.device
  end
  return 'x'
end

-- Merges a user's live connections into one state, masks it when private, records a new play in the
-- recent list, stores the view and bumps its seq when what followers see has changed.
-- Returns { changed (0/1), publicJson, playStarted (0/1) }.
local function recompute(uid, now, recentMax)
  local vals = redis.call('HVALS', CK)
  local best, bestAt, online, onlineAt, exp, private = nil, 0, nil, -1, 0, false
  for _, raw in ipairs(vals) do
    local c = cjson.decode(raw)
    if c.exp > now then
      if c.exp > exp then exp = c.exp end
      if c.p == 1 then private = true end
      local a = c.a
      if a.state == 'streaming' then
        local better = false
        if best == nil then
          better = true
        elseif best.isPaused and not a.isPaused then
          better = true
        elseif best.isPaused == a.isPaused and (a.startedAt > best.startedAt or (a.startedAt == best.startedAt and c.at > bestAt)) then
          better = true
        end
        if better then best = a; bestAt = c.at end
      elseif c.at > onlineAt then
        online = a; onlineAt = c.at
      end
    end
  end
  if redis.call('EXISTS', PK) == 1 then private = true end
  local real
  if best then
    real = { state = 'streaming', songId = best.songId, startedAt = best.startedAt, positionSec = best.positionSec,
             isPaused = best.isPaused, device = best.device, reportedAt = bestAt }
  elseif online then
    real = { state = 'online', device = online.device }
  else
    real = { state = 'offline' }
  end
  local shown = real
  if private then shown = { state = 'offline' } end

  local oldRaw = redis.call('GET', VK)
  local old
  if oldRaw then old = cjson.decode(oldRaw) else old = { seq = 0, p = { state = 'offline' }, lp = '' } end
  local changed = ident(old.p) ~= ident(shown)
  local started = 0
  local lp = old.lp or ''
  if real.state == 'streaming' then
    local playId = real.songId .. '|' .. num(real.startedAt)
    if playId ~= lp then
      lp = playId
      if not private then
        redis.call('LPUSH', RK, cjson.encode({ songId = real.songId, startedAt = real.startedAt }))
        redis.call('LTRIM', RK, 0, recentMax - 1)
        redis.call('PEXPIRE', RK, 2592000000)
        started = 1
      end
    end
  end
  local seq = old.seq
  if changed then seq = seq + 1 end
  local pv = 0
  if private then pv = 1 end
  -- 7 days: the view outlives an offline user long enough to keep seq increasing across sessions.
  redis.call('SET', VK, cjson.encode({ p = shown, seq = seq, exp = exp, lp = lp, pv = pv }), 'PX', 604800000)
  local out = cjson.encode({ userId = uid, presence = shown, seq = seq, at = now })
  if changed then return { 1, out, started } end
  return { 0, out, started }
end
`;

/** KEYS: see common. ARGV: unused, uid, connId, sid, activityJson, ttlMs, isStickyPrivate(0/1), recentMax, maxConns */
export const HEARTBEAT = `${common}
local uid, conn, sid, ttl = ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[6])
local ck = CK
if redis.call('HEXISTS', ck, conn) == 0 and redis.call('HLEN', ck) >= tonumber(ARGV[9]) then
  return { -1, '', 0 }
end
local now = nowMs()
local exp = now + ttl
local entry = { sid = sid, exp = exp, at = now, a = cjson.decode(ARGV[5]), p = tonumber(ARGV[7]) }
redis.call('HSET', ck, conn, cjson.encode(entry))
redis.call('PEXPIRE', ck, ttl * 3)
redis.call('ZADD', DL, exp, uid .. '|' .. conn)
return recompute(uid, now, tonumber(ARGV[8]))
`;

/** KEYS: see common. ARGV: unused, uid, connId, sid, recentMax. Removes the connection only if the same socket owns it. */
export const LEAVE = `${common}
local uid, conn, sid = ARGV[2], ARGV[3], ARGV[4]
local raw = redis.call('HGET', CK, conn)
if not raw then return { 0, '', 0 } end
if cjson.decode(raw).sid ~= sid then return { 0, '', 0 } end
redis.call('HDEL', CK, conn)
redis.call('ZREM', DL, uid .. '|' .. conn)
return recompute(uid, nowMs(), tonumber(ARGV[5]))
`;

/** KEYS: see common. ARGV: unused, uid, isPrivate(0/1), ttlMs of the private session, recentMax. */
export const SET_PRIVATE = `${common}
local uid = ARGV[2]
if ARGV[3] == '1' then
  redis.call('SET', PK, '1', 'PX', tonumber(ARGV[4]))
else
  redis.call('DEL', PK)
end
return recompute(uid, nowMs(), tonumber(ARGV[5]))
`;

/**
 * KEYS: see common (one user). ARGV: unused, uid, recentMax, connId1, connId2, ... — connections the
 * sweeper found past their deadline. Claims each one atomically (ZREM: a connection is swept by
 * exactly one server, and one that heartbeated since keeps its new deadline), drops it if still
 * expired, and returns { changed, publicJson, 0 } or { 0, '', 0 } when nothing was claimed.
 */
export const EXPIRE = `${common}
local uid = ARGV[2]
local now = nowMs()
local claimed = false
for i = 4, #ARGV do
  local member = uid .. '|' .. ARGV[i]
  local score = redis.call('ZSCORE', DL, member)
  if score and tonumber(score) <= now and redis.call('ZREM', DL, member) == 1 then
    claimed = true
    local raw = redis.call('HGET', CK, ARGV[i])
    if raw and cjson.decode(raw).exp <= now then redis.call('HDEL', CK, ARGV[i]) end
  end
end
if not claimed then return { 0, '', 0 } end
return recompute(uid, now, tonumber(ARGV[3]))
`;

/**
 * KEYS: view, private flag, recent list of each user, in triples (users of one bucket).
 * ARGV: recentLimit, uid1, uid2, ... One call per bucket for a whole friend list: for each user,
 * { publicJson, recentJson1, ... } with recent plays hidden while the user is private.
 */
export const READ_MANY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local n = tonumber(ARGV[1])
local out = {}
for i = 2, #ARGV do
  local uid = ARGV[i]
  local k = (i - 2) * 3
  local raw = redis.call('GET', KEYS[k + 1])
  local row = {}
  local private = redis.call('EXISTS', KEYS[k + 2]) == 1
  if raw then
    local v = cjson.decode(raw)
    if v.pv == 1 then private = true end
    local p = v.p
    -- Every server died before sweeping: the deadline itself says the user is gone.
    if v.exp <= now or private then p = { state = 'offline' } end
    table.insert(row, cjson.encode({ userId = uid, presence = p, seq = v.seq, at = now }))
  else
    table.insert(row, cjson.encode({ userId = uid, presence = { state = 'offline' }, seq = 0, at = now }))
  end
  if not private and n > 0 then
    for _, r in ipairs(redis.call('LRANGE', KEYS[k + 3], 0, n - 1)) do table.insert(row, r) end
  end
  table.insert(out, row)
end
return out
`;
