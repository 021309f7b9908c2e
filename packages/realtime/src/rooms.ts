// socket.io room names, the cross-team contract: every authenticated socket sits in `user:<id>`
// (workers push to it with the emitter); a follower's sockets sit in `audience:<followeeId>` for each
// followee whose activity they may see. Client-safe.

/** Every socket of one user (all tabs and devices). */
export const userRoom = (userId: string) => `user:${userId}`;

/** The followers allowed to see userId's activity. */
export const audienceRoom = (userId: string) => `audience:${userId}`;
