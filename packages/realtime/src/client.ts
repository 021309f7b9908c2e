// A typed socket.io client for the web player (issue 8) and tests. Client-safe: no Node imports.
// It keeps one connection id per tab across reconnects (so presence resumes instead of duplicating),
// re-sends the last heartbeat as soon as it is back, heartbeats at the pace the server asks, and
// keeps the merged friends' presence (dropping events older than what it shows).
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';
import type {
  Activity,
  ClientToServerEvents,
  PresenceChanged,
  RealtimeReady,
  ServerToClientEvents,
} from './events';

export type RealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export type RealtimeClientOptions = {
  /** Server URLs: the first is used; on connection failure the client rotates to the next. */
  urls: string[];
  /** Node only (tests, bots): browsers send the session cookie by themselves (withCredentials). */
  headers?: Record<string, string>;
  connId?: string;
  /** Device label shown to friends. */
  device?: string;
  socketOptions?: Partial<ManagerOptions & SocketOptions>;
};

export type RealtimeClient = {
  socket: RealtimeSocket;
  connId: string;
  /** Friends' presence as last heard (snapshot on every (re)connect + live changes). */
  friends: Map<string, PresenceChanged>;
  /** Reports what this tab does (null: just online); repeated automatically until changed. */
  setActivity(activity: Activity | null): void;
  setPrivate(isPrivate: boolean): Promise<void>;
  subscribe(userId: string): Promise<PresenceChanged>;
  onFriend(cb: (p: PresenceChanged) => void): () => void;
  onReady(cb: (r: RealtimeReady) => void): () => void;
  close(): void;
};

const randomId = () =>
  Array.from(globalThis.crypto.getRandomValues(new Uint8Array(12)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

export function createRealtimeClient(opts: RealtimeClientOptions): RealtimeClient {
  const connId = opts.connId ?? randomId();
  let urlIndex = 0;
  let activity: Activity | null = null;
  const device = opts.device ?? 'web';
  const current = (): Activity => activity ?? { state: 'online', device };
  const socket: RealtimeSocket = io(opts.urls[0]!, {
    transports: ['websocket'],
    withCredentials: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 2_000,
    randomizationFactor: 0.3,
    // Evaluated on every (re)connect: the server resumes this tab's activity in the handshake, so a
    // reconnect never flashes "online" between two "streaming" states.
    auth: (cb) => cb({ connId, activity: current() }),
    ...(opts.headers ? { extraHeaders: opts.headers } : {}),
    ...opts.socketOptions,
  });
  // The Manager builds a new engine from `uri` on every attempt: rotating it fails over.
  socket.io.on('reconnect_attempt', () => {
    if (opts.urls.length > 1) {
      urlIndex = (urlIndex + 1) % opts.urls.length;
      (socket.io as unknown as { uri: string }).uri = opts.urls[urlIndex]!;
    }
  });

  const friends = new Map<string, PresenceChanged>();
  const friendListeners = new Set<(p: PresenceChanged) => void>();
  const readyListeners = new Set<(r: RealtimeReady) => void>();
  let timer: ReturnType<typeof setInterval> | undefined;
  let heartbeatMs = 15_000;

  let selfId: string | null = null;
  const apply = (p: PresenceChanged) => {
    // The user's own sockets also hear their merged presence (other tabs): not a friend.
    if (p.userId === selfId) return;
    const cur = friends.get(p.userId);
    if (cur && cur.seq > p.seq) return;
    friends.set(p.userId, p);
    for (const cb of friendListeners) cb(p);
  };
  const beat = () => {
    if (socket.connected) socket.emit('presence:heartbeat', current());
  };
  const schedule = () => {
    clearInterval(timer);
    timer = setInterval(beat, heartbeatMs);
  };

  socket.on('realtime:ready', (r) => {
    heartbeatMs = r.heartbeatMs;
    selfId = r.userId;
    for (const f of r.friends) apply(f);
    // The handshake already carried the current activity: just resume the rhythm.
    schedule();
    for (const cb of readyListeners) cb(r);
  });
  socket.on('presence:changed', apply);
  socket.on('disconnect', () => clearInterval(timer));

  return {
    socket,
    connId,
    friends,
    setActivity(a) {
      activity = a;
      beat();
      schedule();
    },
    async setPrivate(isPrivate) {
      const res = await socket.timeout(5_000).emitWithAck('presence:private', { isPrivate });
      if (!res.ok) throw new Error(`${res.code}: ${res.message}`);
    },
    async subscribe(userId) {
      const res = await socket.timeout(5_000).emitWithAck('presence:subscribe', { userId });
      if (!res.ok) throw Object.assign(new Error(res.message), { code: res.code });
      apply(res.presence);
      return res.presence;
    },
    onFriend(cb) {
      friendListeners.add(cb);
      return () => friendListeners.delete(cb);
    },
    onReady(cb) {
      readyListeners.add(cb);
      return () => readyListeners.delete(cb);
    },
    close() {
      clearInterval(timer);
      socket.close();
    },
  };
}
