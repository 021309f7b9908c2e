// Every cache namespace and list tag the core services read and invalidate, in one place: a write in
// one module (a song update, the worker publishing a transcode) drops what another module cached.
// Namespaces key one entry per id; tags are generation counters shared by every cached page of a list.

export const CacheNs = {
  song: 'song',
  topSongs: 'songs:top',
  songPage: 'songs:page',
  album: 'album',
  albumPage: 'albums:page',
  artist: 'artist',
  artistPage: 'artists:page',
} as const;

/** List tags: invalidating one drops every cached page of that list. */
export const CacheTag = {
  songs: 'songs',
  songsOfAlbum: (albumId: string) => `songs:album:${albumId}`,
  songsOfArtist: (artistId: string) => `songs:artist:${artistId}`,
  albums: 'albums',
  albumsOfArtist: (artistId: string) => `albums:artist:${artistId}`,
  artists: 'artists',
} as const;

export const PlaylistCache = {
  ns: 'playlist',
  pageNs: 'playlists:page',
  ofUser: (userId: string) => `playlists:user:${userId}`,
} as const;

export const LikesCache = {
  pageNs: 'likes:page',
  ofUser: (userId: string) => `likes:user:${userId}`,
} as const;

export const SocialCache = {
  profile: 'user:profile',
  followPageNs: 'follows:page',
  /** Profiles are cached by handle; this tag names the user so a follow drops their profile too. */
  ofUser: (userId: string) => `follows:user:${userId}`,
} as const;
