// socket.io on the standalone server: the sharded Redis adapter (Redis 7 sharded pub/sub, so a Redis
// Cluster routes each room's channel to one node) makes N server processes one; the handshake
// authenticates like HTTP (session cookie or x-api-key); every socket joins `user:<id>` and the
// audience rooms of the followees it may watch; heartbeats feed the presence store, and every
// visible change fans out to the owner's audience room minus blocked users. A sweeper (on every
// server; claims are atomic) turns missed heartbeats into "offline".
import type { Server as HttpServer, IncomingHttpHeaders } from 'node:http';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { createRedis } from '@tonearm/cache';
import {
  assertCanWatch,
  authenticateHeaders,
  blockedPeers,
  type CoreDeps,
  isActivityPrivate,
  privateAmong,
  socialGraphOf,
} from '@tonearm/core';
import { metrics } from '@tonearm/observability';
import {
  type AckErr,
  audienceRoom,
  type ClientToServerEvents,
  type InterServerEvents,
  PresenceLimitError,
  type PresenceStore,
  type PresenceUpdate,
  type ServerToClientEvents,
  userRoom,
  ZActivity,
  ZHeartbeat,
  ZSetPrivate,
  ZSubscribe,
} from '@tonearm/realtime';
import { AppError, isAppError } from '@tonearm/validators';
import { Server, type Socket } from 'socket.io';

type SocketData = { userId: string; connId: string; isStickyPrivate: boolean };
type IO = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
type TonearmSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export type RealtimeOptions = {
  presence: PresenceStore;
  corsOrigins?: string[];
  /** How often this server sweeps expired presence (default: a quarter of the TTL, 100 ms–1 s). */
  sweepMs?: number;
};

export type Realtime = { io: IO; close(): Promise<void> };

const CONN_ID = /^[A-Za-z0-9_-]{8,64}$/;

function headerGetter(h: IncomingHttpHeaders): { get(name: string): string | null } {
  return {
    get(name) {
      const v = h[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

function toAck(err: unknown): AckErr {
  if (isAppError(err)) return { ok: false, code: err.code, message: err.expose ? err.message : err.code };
  if (err instanceof PresenceLimitError)
    return { ok: false, code: 'TOO_MANY_REQUESTS', message: err.message };
  return { ok: false, code: 'INTERNAL_SERVER_ERROR', message: 'Internal server error' };
}

export function attachRealtime(server: HttpServer, deps: CoreDeps, opts: RealtimeOptions): Realtime {
  const { presence } = opts;
  // The adapter's subscriber must queue commands while (re)connecting, unlike request-path clients.
  const adapterRedis = { enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined };
  const pub = createRedis(adapterRedis);
  const sub = createRedis(adapterRedis);
  for (const c of [pub, sub]) c.on('error', (err) => deps.log.warn({ err }, 'socket.io redis error'));

  const io: IO = new Server(server, {
    // "dynamic": a broadcast to one room goes to that room's channel, which only the servers holding
    // a socket in it subscribe to. Workers publish in the same format (ShardedEmitter).
    adapter: createShardedAdapter(pub, sub, { subscriptionMode: 'dynamic' }),
    cors: { origin: opts.corsOrigins ?? [], credentials: true },
    // Cross-site sockets (docs/SECURITY.md): a browser always sends Origin with the handshake; one
    // not in the allowed list is refused, so another site's page cannot connect as its visitor.
    // Non-browser clients (no Origin) carry no victim's cookie and are let through.
    allowRequest: (req, cb) => {
      const origin = req.headers.origin;
      cb(null, !origin || (opts.corsOrigins ?? []).includes(origin));
    },
    serveClient: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    maxHttpBufferSize: 16_384,
  });
  let closing = false;

  /** Fans a write's result out: followers (minus blocked users) and the user's own other tabs. */
  async function publish(
    userId: string,
    update: PresenceUpdate | null,
    knownBlocked?: string[],
  ): Promise<void> {
    if (!update || (!update.changed && !update.playStarted)) return;
    // Read at emit time (not cached): a block takes effect on the very next event.
    const blocked = (knownBlocked ?? (await blockedPeers(userId))).map(userRoom);
    const target = io.to([audienceRoom(userId), userRoom(userId)]).except(blocked);
    if (update.changed) target.emit('presence:changed', update.view);
    if (update.playStarted && update.view.presence.state === 'streaming') {
      const p = update.view.presence;
      target.emit('play:started', { userId, songId: p.songId, startedAt: p.startedAt });
    }
  }

  // A user's listening visibility changed (people.ts setPrivacy, from any process): this server's
  // sockets of that user take the new sticky flag, and a heartbeat re-merges their presence with it.
  io.on('tonearm:privacy', (userId, isPrivate) => {
    void io.local
      .in(userRoom(userId))
      .fetchSockets()
      .then(async (sockets) => {
        for (const s of sockets) {
          s.data.isStickyPrivate = isPrivate;
        }
      })
      .catch((err: unknown) => deps.log.warn({ err }, 'privacy update failed'));
  });

  io.use((socket, next) => {
    void (async () => {
      const auth = await authenticateHeaders(deps.redis, headerGetter(socket.handshake.headers));
      const userId = auth.session?.userId ?? auth.apiKey?.userId;
      if (!userId) throw AppError.unauthorized();
      const raw = (socket.handshake.auth as { connId?: unknown }).connId;
      const connId = typeof raw === 'string' && CONN_ID.test(raw) ? raw : socket.id;
      socket.data = { userId, connId, isStickyPrivate: await isActivityPrivate(userId) };
    })().then(
      () => next(),
      (err: unknown) => {
        if (!isAppError(err)) deps.log.error({ err }, 'socket handshake failed');
        next(new Error(isAppError(err) ? err.code : 'INTERNAL_SERVER_ERROR'));
      },
    );
  });

  io.on('connection', (socket: TonearmSocket) => {
    metrics.socketConnections.inc();
    const { userId, connId } = socket.data;
    const conn = () => ({ connId, sid: socket.id, isStickyPrivate: socket.data.isStickyPrivate });
    const log = deps.log.child({ 'user.id': userId, 'socket.id': socket.id });
    const fail = (err: unknown) => {
      if (!isAppError(err) && !(err instanceof PresenceLimitError))
        log.error({ err }, 'socket handler failed');
      return toAck(err);
    };

    socket.on('disconnect', () => {
      metrics.socketConnections.dec();
      // On a graceful shutdown the client reconnects elsewhere with the same connId: keep its presence.
      if (closing) return;
      presence.leave(userId, { connId, sid: socket.id }).then(
        (u) => publish(userId, u),
        (err: unknown) => log.warn({ err }, 'presence leave failed'),
      );
    });

    // Heartbeats come every TTL/3; state changes (play, pause, seek, skip) come faster but in bursts.
    // A token bucket per socket (10 burst, 2/s) keeps a misbehaving client from flooding Redis.
    let tokens = 10;
    let refilledAt = Date.now();
    const allow = () => {
      const now = Date.now();
      tokens = Math.min(10, tokens + ((now - refilledAt) / 1000) * 2);
      refilledAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    };

    socket.on('presence:heartbeat', (payload, ack) => {
      if (!allow()) return ack?.({ ok: false, code: 'TOO_MANY_REQUESTS', message: 'Slow down' });
      const parsed = ZHeartbeat.safeParse(payload);
      if (!parsed.success) return ack?.({ ok: false, code: 'BAD_REQUEST', message: 'Invalid heartbeat' });
      presence
        .heartbeat(userId, conn(), parsed.data)
        .then((u) => publish(userId, u))
        .then(
          () => ack?.({ ok: true }),
          (err: unknown) => ack?.(fail(err)),
        );
    });

    socket.on('presence:private', (payload, ack) => {
      if (!allow()) return ack?.({ ok: false, code: 'TOO_MANY_REQUESTS', message: 'Slow down' });
      const parsed = ZSetPrivate.safeParse(payload);
      if (!parsed.success) return ack?.({ ok: false, code: 'BAD_REQUEST', message: 'Invalid payload' });
      presence
        .setPrivate(userId, parsed.data.isPrivate)
        .then((u) => publish(userId, u))
        .then(
          () => ack?.({ ok: true }),
          (err: unknown) => ack?.(fail(err)),
        );
    });

    socket.on('presence:subscribe', (payload, ack) => {
      if (typeof ack !== 'function') return;
      if (!allow()) return ack({ ok: false, code: 'TOO_MANY_REQUESTS', message: 'Slow down' });
      const parsed = ZSubscribe.safeParse(payload);
      if (!parsed.success) return ack({ ok: false, code: 'BAD_REQUEST', message: 'Invalid user id' });
      const target = parsed.data.userId;
      assertCanWatch(userId, target)
        .then(async () => {
          await socket.join(audienceRoom(target));
          const view = (await presence.readMany([target], 0)).get(target)!;
          const hidden = await isActivityPrivate(target);
          const { recent: _recent, ...rest } = view;
          ack({ ok: true, presence: hidden ? { ...rest, presence: { state: 'offline' } } : rest });
        })
        .catch((err: unknown) => ack(fail(err)));
    });

    socket.on('presence:unsubscribe', (payload, ack) => {
      const parsed = ZSubscribe.safeParse(payload);
      if (!parsed.success) return ack?.({ ok: false, code: 'BAD_REQUEST', message: 'Invalid user id' });
      void Promise.resolve(socket.leave(audienceRoom(parsed.data.userId))).then(() => ack?.({ ok: true }));
    });

    void (async () => {
      await socket.join(userRoom(userId));
      const { followees, blocked } = await socialGraphOf(userId);
      if (followees.length) await socket.join(followees.map(audienceRoom));
      const initial = ZActivity.safeParse((socket.handshake.auth as { activity?: unknown }).activity);
      const update = await presence.heartbeat(
        userId,
        conn(),
        initial.success ? initial.data : { state: 'online', device: 'web' },
      );
      await publish(userId, update, blocked);
      const snapshot = await presence.readMany(followees, 0);
      const hiddenIds = new Set(await privateAmong(followees));
      socket.emit('realtime:ready', {
        userId,
        heartbeatMs: presence.heartbeatMs,
        ttlMs: presence.ttlMs,
        isPrivate: socket.data.isStickyPrivate || (await presence.isPrivate(userId)),
        friends: [...snapshot.values()].map(({ recent: _recent, ...p }) =>
          hiddenIds.has(p.userId) ? { ...p, presence: { state: 'offline' as const } } : p,
        ),
      });
    })().catch((err: unknown) => {
      log.error({ err }, 'socket setup failed');
      socket.disconnect(true);
    });
  });

  const sweepMs = opts.sweepMs ?? Math.min(1_000, Math.max(100, Math.floor(presence.ttlMs / 4)));
  let sweeping = false;
  const sweeper = setInterval(() => {
    if (sweeping || closing) return;
    sweeping = true;
    presence
      .sweep()
      .then((changed) =>
        Promise.all(changed.map((view) => publish(view.userId, { changed: true, playStarted: false, view }))),
      )
      .catch((err: unknown) => deps.log.warn({ err }, 'presence sweep failed'))
      .finally(() => {
        sweeping = false;
      });
  }, sweepMs);
  sweeper.unref();

  return {
    io,
    async close() {
      closing = true;
      clearInterval(sweeper);
      await io.close();
      pub.disconnect();
      sub.disconnect();
    },
  };
}
