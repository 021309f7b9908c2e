// Demo catalog generator: realistic artist, album and song names, deterministic from a seed, from a
// 200-song demo to a 100,000-song benchmark. It includes well-known names with punctuation and
// diacritics (AC/DC, R.E.M., a-ha, Björk) and near-collision distractors (Bad Bonny beside Bad Bunny)
// that search must rank correctly. Edit the word lists to change the flavour; keep output deterministic.
// Size: About 650 lines, mostly word lists (names, titles, genres) the generator draws from; the code
// is the last third.

import { Types, trusted } from 'mongoose';
import { assertPlayableMedia } from './media-guard';
import { Album, Artist, Song } from './models';
import { recordSearchChanges } from './models-search';
import { SKELETON_CATALOG } from './seed';

// --- deterministic randomness ----------------------------------------------------------

/** mulberry32: tiny, fast, good enough for fixtures; the same seed always gives the same stream. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Rand = ReturnType<typeof rng>;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
export const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

/** An ObjectId fixed by (seed, kind, index): re-running the generator yields the same ids. */
function fixedId(seed: number, kind: number, i: number): Types.ObjectId {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(1_767_225_600 + (seed % 1_000_000), 0); // 2026-01-01 + seed seconds
  b.writeUInt8(0xca, 4);
  b.writeUInt8(kind, 5);
  b.writeUInt16BE(seed & 0xffff, 6);
  b.writeUInt32BE(i, 8);
  return new Types.ObjectId(b);
}

// --- vocabulary -------------------------------------------------------------------------

export const GENRES = [
  'rock',
  'pop',
  'hip-hop',
  'electronic',
  'jazz',
  'reggaeton',
  'indie',
  'metal',
  'folk',
  'soul',
  'classical',
  'country',
  'ambient',
  'punk',
  'latin',
  'blues',
] as const;

const ADJ = `Blue Golden Silent Broken Electric Wild Velvet Neon Crimson Hollow Burning Frozen Lonely Secret
Sweet Bitter Endless Fading Falling Rising Paper Glass Silver Savage Gentle Restless Midnight Summer Winter
Northern Southern Little Big Lost Last First Final Hidden Empty Heavy Quiet Loud Strange Lucky Holy Dirty
Shiny Dusty Crystal Cosmic Distant Faded Fragile Golden Honest Lazy Magnetic Modern Naked Pale Perfect
Purple Radiant Rusty Sacred Scarlet Shallow Shattered Sleepy Slow Solid Sonic Static Stolen Stormy Sunny
Tender Tidal Twisted Urban Violet Wasted Weightless Wicked Wooden Young Amber Ashen Bright Cold Dark Deep
Dizzy Dream Easy Famous Fierce Free Green Grey Happy Hazy Hungry Infinite Iron Jaded Kind Lunar Mellow`
  .split(/\s+/)
  .filter(Boolean);

const NOUN = `Heart Fire River Dream Night Light Shadow Ocean Storm Rain City Road Star Moon Sun Sky Mirror
Garden Window Door Ghost Angel Devil Wolf Tiger Lion Bird Crow Raven Rose Flower Stone Bone Blood Tear Kiss
Love Lie Truth Song Dance Echo Wave Wind Thunder Lightning Snow Ice Smoke Ash Dust Gold Silver Diamond
Machine Engine Radio Signal Satellite Rocket Planet Galaxy Comet Horizon Island Desert Forest Mountain Valley
Canyon Harbor Highway Avenue Street Alley Bridge Tower Castle Palace Temple Church Prison Hotel Motel Cafe
Bar Club Party Parade Circus Carnival Festival Summer Winter Autumn Spring Morning Evening Sunset Sunrise
Twilight Midnight Daylight Memory Promise Secret Mystery Miracle Wonder Silence Noise Rhythm Melody Harmony
Chorus Anthem Ballad Lullaby Hymn Prayer Sermon Letter Postcard Photograph Picture Portrait Shadow Whisper
Scream Laugh Smile Frown Eye Hand Mouth Lip Skin Bones Soul Mind Spirit Body Blade Arrow Crown Throne Kingdom
Empire Nation Revolution Riot Rebel Outlaw Stranger Lover Sinner Saint Prophet Poet Painter Dancer Drifter`
  .split(/\s+/)
  .filter(Boolean);

const VERB = `Run Fall Dance Sing Burn Fly Drive Hold Break Shine Wait Dream Cry Hide Stay Leave Breathe Fight
Follow Chase Catch Kiss Walk Swim Sleep Wake Remember Forget Believe Pretend Surrender Rise Shake Move Turn`
  .split(/\s+/)
  .filter(Boolean);

const FIRST = `Maya Leo Nina Oscar Iris Felix Luna Hugo Zoë Chloé José Søren Amélie Noah Elena Marco Ava Ezra
Jade Milo Cleo Theo Rosa Jonas Lena Omar Sofia Ivan Anya Kai Nora Elias Freya Dario Ines Mateo Lucía Björn
Aksel Ingrid Renée François Ramón Zoey Malik Amara Yuki Kenji Priya Ravi Tariq Leila Mira Sasha Dmitri Olga`
  .split(/\s+/)
  .filter(Boolean);

const LAST = `Stone Rivers Vance Moreau Castillo Lindqvist Okafor Nakamura Hart Wilde Fontaine Reyes Blackwood
Marsh Ashford Delgado Novak Kowalski Andersen Haddad Ferreira Sato Kaur Brennan Quinn Mercer Sterling Lowe
Hale Fox Gray Lang Price Rhodes Santos Valdez Weiss Young Zhou Park Kim Silva Costa Rossi Müller Dubois Núñez`
  .split(/\s+/)
  .filter(Boolean);

const PLURAL =
  `Wolves Ravens Tigers Ghosts Angels Strangers Lovers Drifters Rebels Saints Sinners Kings Queens
Machines Engines Satellites Comets Shadows Echoes Mirrors Roses Thieves Pilots Sailors Dreamers Poets Monks
Foxes Owls Sparrows Horses Giants Robots Twins Brothers Sisters Orphans Cowboys Astronauts Hearts Bones`
    .split(/\s+/)
    .filter(Boolean);

const SUFFIX = `Collective Society Orchestra Club Project Experience Syndicate Union Parade Band Ensemble Trio
Quartet Sound System Theory Machine Brigade Family Company`
  .split(/\s+/)
  .filter(Boolean);

/**
 * Well-known names the benchmark and the demo rely on: punctuation, diacritics and near-collisions.
 * Popularity is a rank (0 = most played); distractors are deliberately obscure.
 */
type Curated = { artist: string; genre: string; rank: number; albums: { title: string; songs: string[] }[] };

const CURATED: Curated[] = [
  ...SKELETON_CATALOG.map((e, i) => ({
    artist: e.artist,
    genre: e.genre,
    rank: i,
    albums: [{ title: e.album, songs: e.songs }],
  })),
  {
    artist: 'Bad Bunny',
    genre: 'reggaeton',
    rank: 0,
    albums: [{ title: 'YHLQMDLG', songs: ['Safaera', 'Yo Perreo Sola', 'Vete', 'Si Veo a Tu Mamá'] }],
  },
  {
    artist: 'Björk',
    genre: 'electronic',
    rank: 5,
    albums: [{ title: 'Post', songs: ['Army of Me', 'Hyperballad', 'Isobel', "It's Oh So Quiet"] }],
  },
  {
    artist: 'AC/DC',
    genre: 'rock',
    rank: 2,
    albums: [{ title: 'Highway to Hell', songs: ['Highway to Hell', 'Touch Too Much', 'Night Prowler'] }],
  },
  {
    artist: 'R.E.M.',
    genre: 'rock',
    rank: 3,
    albums: [
      { title: 'Automatic for the People', songs: ['Everybody Hurts', 'Man on the Moon', 'Nightswimming'] },
      { title: 'Out of Time', songs: ['Losing My Religion', 'Shiny Happy People', 'Near Wild Heaven'] },
    ],
  },
  {
    artist: 'a-ha',
    genre: 'pop',
    rank: 4,
    albums: [{ title: 'Hunting High and Low', songs: ['Take On Me', 'The Sun Always Shines on T.V.'] }],
  },
  {
    artist: 'Sigur Rós',
    genre: 'ambient',
    rank: 9,
    albums: [{ title: 'Ágætis byrjun', songs: ['Svefn-g-englar', 'Starálfur', 'Olsen Olsen'] }],
  },
  {
    artist: 'Motörhead',
    genre: 'metal',
    rank: 8,
    albums: [{ title: 'Ace of Spades', songs: ['Ace of Spades', 'Love Me Like a Reptile'] }],
  },
  {
    artist: 'Beyoncé',
    genre: 'pop',
    rank: 1,
    albums: [{ title: 'Lemonade', songs: ['Formation', 'Hold Up', 'Sorry', 'Freedom'] }],
  },
  {
    artist: "Guns N' Roses",
    genre: 'rock',
    rank: 6,
    albums: [{ title: 'Appetite for Destruction', songs: ['Welcome to the Jungle', "Sweet Child o' Mine"] }],
  },
  {
    artist: 'Florence + the Machine',
    genre: 'indie',
    rank: 10,
    albums: [{ title: 'Lungs', songs: ['Dog Days Are Over', 'Rabbit Heart (Raise It Up)'] }],
  },
  {
    artist: 'Earth, Wind & Fire',
    genre: 'soul',
    rank: 11,
    albums: [{ title: 'I Am', songs: ['September', 'Boogie Wonderland'] }],
  },
  {
    artist: 'Blink-182',
    genre: 'punk',
    rank: 12,
    albums: [{ title: 'Enema of the State', songs: ['All the Small Things', "What's My Age Again?"] }],
  },
  {
    artist: 'Jay-Z',
    genre: 'hip-hop',
    rank: 7,
    albums: [{ title: 'The Blueprint', songs: ['Izzo (H.O.V.A.)', 'Girls, Girls, Girls'] }],
  },
  {
    artist: 'Rosalía',
    genre: 'latin',
    rank: 13,
    albums: [{ title: 'El Mal Querer', songs: ['Malamente', 'Pienso en Tu Mirá', 'Di Mi Nombre'] }],
  },
  {
    artist: 'Daft Punk',
    genre: 'electronic',
    rank: 14,
    albums: [
      { title: 'Discovery', songs: ['One More Time', 'Digital Love', 'Harder, Better, Faster, Stronger'] },
    ],
  },
  {
    artist: 'Mötley Crüe',
    genre: 'metal',
    rank: 15,
    albums: [{ title: 'Dr. Feelgood', songs: ['Kickstart My Heart', 'Dr. Feelgood'] }],
  },
  {
    artist: 'Coldplay',
    genre: 'pop',
    rank: 16,
    albums: [{ title: 'Parachutes', songs: ['Yellow', 'Trouble', 'Shiver'] }],
  },
  {
    artist: 'Metallica',
    genre: 'metal',
    rank: 17,
    albums: [{ title: 'Master of Puppets', songs: ['Master of Puppets', 'Battery', 'Orion'] }],
  },
  // Near-collision distractors: obscure, so the popular name must win a fuzzy tie.
  {
    artist: 'Bad Bonny',
    genre: 'indie',
    rank: 900,
    albums: [{ title: 'Bonny Tales', songs: ['Bonny Blue'] }],
  },
  { artist: 'Bad Bunnies', genre: 'punk', rank: 950, albums: [{ title: 'Carrot Riot', songs: ['Hop Hop'] }] },
  { artist: 'Bjork', genre: 'folk', rank: 920, albums: [{ title: 'Fjord Songs', songs: ['Jogga'] }] },
  { artist: 'Björn Again', genre: 'pop', rank: 930, albums: [{ title: 'Again', songs: ['Homogeneous'] }] },
  { artist: 'AC/DK', genre: 'punk', rank: 940, albums: [{ title: 'Back in Blank', songs: ['Hell Bells'] }] },
  {
    artist: 'REM Sleep',
    genre: 'ambient',
    rank: 960,
    albums: [{ title: 'Out of Tune', songs: ['Everybody Hums'] }],
  },
  {
    artist: 'Aha Shake',
    genre: 'indie',
    rank: 970,
    albums: [{ title: 'Heartbreak', songs: ['Take Me On'] }],
  },
  {
    artist: 'Metalica',
    genre: 'metal',
    rank: 980,
    albums: [{ title: 'Master of Muppets', songs: ['Battery Low'] }],
  },
  { artist: 'Cold Play Kids', genre: 'pop', rank: 990, albums: [{ title: 'Parachute', songs: ['Yelow'] }] },
];

/** Well-known names (the benchmark's targets) and their obscure near-collision twins (distractors). */
export const FAMOUS_ARTISTS = [...new Set(CURATED.filter((c) => c.rank < 100).map((c) => c.artist))];
export const DISTRACTOR_ARTISTS = [...new Set(CURATED.filter((c) => c.rank >= 100).map((c) => c.artist))];

/** Names that have a near-collision twin in the catalog, for the typo benchmark. */
export const NEAR_COLLISIONS: [string, string][] = [
  ['Bad Bunny', 'Bad Bonny'],
  ['Bad Bunny', 'Bad Bunnies'],
  ['Björk', 'Bjork'],
  ['AC/DC', 'AC/DK'],
  ['R.E.M.', 'REM Sleep'],
  ['a-ha', 'Aha Shake'],
  ['Metallica', 'Metalica'],
  ['Coldplay', 'Cold Play Kids'],
];

// --- generation -------------------------------------------------------------------------

export type GenArtist = {
  _id: Types.ObjectId;
  name: string;
  genres: string[];
  playCount: number;
};
export type GenAlbum = {
  _id: Types.ObjectId;
  title: string;
  artistId: Types.ObjectId;
  artistName: string;
  year: number;
  genre: string;
  playCount: number;
};
export type GenSong = {
  _id: Types.ObjectId;
  title: string;
  artistId: Types.ObjectId;
  artistName: string;
  albumId: Types.ObjectId;
  albumTitle: string;
  trackNumber: number;
  discNumber: number;
  durationSec: number;
  genre: string;
  playCount: number;
  likeCount: number;
  media: { status: 'ready' | 'transcoding' | 'failed' };
};
export type Catalog = { artists: GenArtist[]; albums: GenAlbum[]; songs: GenSong[] };

export type CatalogOptions = {
  seed?: number;
  /** Target song count (the curated part counts towards it; at least the curated songs are made). */
  songs?: number;
  /** Share of generated songs whose media is not ready (transcoding or failed). */
  unreadyShare?: number;
};

function artistName(r: Rand): string {
  switch (int(r, 0, 9)) {
    case 0:
      return `The ${pick(r, ADJ)} ${pick(r, PLURAL)}`;
    case 1:
    case 2:
      return `${pick(r, FIRST)} ${pick(r, LAST)}`;
    case 3:
      return `${pick(r, ADJ)} ${pick(r, NOUN)}`;
    case 4:
      return `${pick(r, NOUN)} ${pick(r, SUFFIX)}`;
    case 5:
      return `${pick(r, FIRST)} & the ${pick(r, PLURAL)}`;
    case 6:
      return `${pick(r, ['DJ', 'MC', 'Lil', 'Young', 'Big'])} ${pick(r, NOUN)}`;
    case 7:
      return `${pick(r, NOUN)}${pick(r, ['', '-'])}${pick(r, NOUN).toLowerCase()}`;
    case 8:
      return `${pick(r, ADJ)} ${pick(r, NOUN)} ${pick(r, SUFFIX)}`;
    default:
      return `${pick(r, PLURAL)} of ${pick(r, NOUN)}`;
  }
}

function songTitle(r: Rand): string {
  switch (int(r, 0, 11)) {
    case 0:
    case 1:
      return `${pick(r, ADJ)} ${pick(r, NOUN)}`;
    case 2:
      return `${pick(r, NOUN)} of ${pick(r, NOUN)}`;
    case 3:
      return `The ${pick(r, NOUN)}`;
    case 4:
      return `${pick(r, VERB)} ${pick(r, ['to', 'with', 'for', 'into', 'through', 'under'])} the ${pick(r, NOUN)}`;
    case 5:
      return `Don't ${pick(r, VERB)}`;
    case 6:
      return `${pick(r, NOUN)} ${pick(r, NOUN)}`;
    case 7:
      return `${pick(r, VERB)} ${pick(r, ['Me', 'You', 'Away', 'Again', 'Tonight', 'Forever'])}`;
    case 8:
      return `${pick(r, ADJ)} ${pick(r, NOUN)} (${pick(r, ['Live', 'Remix', 'Acoustic', 'Demo', 'Radio Edit'])})`;
    case 9:
      return `${pick(r, NOUN)} in the ${pick(r, NOUN)}`;
    case 10:
      return `${pick(r, ADJ)} ${pick(r, ADJ)} ${pick(r, NOUN)}`;
    default:
      return `${pick(r, NOUN)}, ${pick(r, NOUN)} & ${pick(r, NOUN)}`;
  }
}

function albumTitle(r: Rand): string {
  switch (int(r, 0, 5)) {
    case 0:
      return `${pick(r, ADJ)} ${pick(r, PLURAL)}`;
    case 1:
      return `${pick(r, NOUN)}s & ${pick(r, NOUN)}s`;
    case 2:
      return `The ${pick(r, ADJ)} ${pick(r, NOUN)}`;
    case 3:
      return `${pick(r, NOUN)} ${pick(r, ['Sessions', 'Tapes', 'Diaries', 'Chronicles', 'Vol. 1', 'Vol. II'])}`;
    case 4:
      return `${pick(r, ADJ)} ${pick(r, NOUN)}`;
    default:
      return `${pick(r, NOUN)}`;
  }
}

/** Zipf-like play counts: rank 0 is the most played; a long tail stays in the tens or hundreds. */
const playsForRank = (rank: number, r: Rand) => Math.round(5_000_000 / (1 + rank) ** 1.1 + r() * 50);

/** Generates a catalog of about `songs` songs. Pure and deterministic: same options, same catalog. */
export function generateCatalog(opts: CatalogOptions = {}): Catalog {
  const seed = opts.seed ?? 42;
  const target = Math.max(1, opts.songs ?? 200);
  const unready = opts.unreadyShare ?? 0.03;
  const r = rng(seed);
  const artists: GenArtist[] = [];
  const albums: GenAlbum[] = [];
  const songs: GenSong[] = [];
  const byArtist = new Map<string, GenArtist>();

  const addArtist = (name: string, genre: string, rank: number) => {
    const existing = byArtist.get(name);
    if (existing) return existing;
    const a: GenArtist = { _id: fixedId(seed, 1, artists.length), name, genres: [genre], playCount: 0 };
    a.playCount = playsForRank(rank, r);
    artists.push(a);
    byArtist.set(name, a);
    return a;
  };
  const addAlbum = (a: GenArtist, title: string, genre: string) => {
    const al: GenAlbum = {
      _id: fixedId(seed, 2, albums.length),
      title,
      artistId: a._id,
      artistName: a.name,
      year: int(r, 1965, 2026),
      genre,
      playCount: 0,
    };
    albums.push(al);
    return al;
  };
  const addSong = (
    a: GenArtist,
    al: GenAlbum,
    title: string,
    track: number,
    genre: string,
    isCurated: boolean,
  ) => {
    const plays = Math.max(1, Math.round((a.playCount / (track + 1)) * (0.3 + r())));
    const status = !isCurated && r() < unready ? (r() < 0.5 ? 'transcoding' : 'failed') : 'ready';
    const s: GenSong = {
      _id: fixedId(seed, 3, songs.length),
      title,
      artistId: a._id,
      artistName: a.name,
      albumId: al._id,
      albumTitle: al.title,
      trackNumber: track,
      discNumber: 1,
      durationSec: int(r, 95, 420),
      genre,
      playCount: plays,
      likeCount: Math.round(plays * 0.02 * r()),
      media: { status },
    };
    songs.push(s);
    al.playCount += plays;
  };

  for (const c of CURATED) {
    const a = addArtist(c.artist, c.genre, c.rank);
    for (const alb of c.albums) {
      if (albums.some((x) => x.artistId.equals(a._id) && x.title === alb.title)) continue;
      const al = addAlbum(a, alb.title, c.genre);
      for (const [i, t] of alb.songs.entries()) addSong(a, al, t, i + 1, c.genre, true);
    }
  }

  let rank = 20;
  while (songs.length < target) {
    let name = artistName(r);
    for (let tries = 0; byArtist.has(name) && tries < 5; tries++) name = artistName(r);
    if (byArtist.has(name)) name = `${name} ${int(r, 2, 99)}`;
    const genre = pick(r, GENRES);
    const a = addArtist(name, genre, rank++ + int(r, 0, 40));
    const nAlbums = int(r, 1, 4);
    for (let k = 0; k < nAlbums && songs.length < target; k++) {
      const al = addAlbum(a, albumTitle(r), r() < 0.85 ? genre : pick(r, GENRES));
      const nSongs = Math.min(int(r, 6, 14), target - songs.length);
      const seen = new Set<string>();
      for (let t = 1; t <= nSongs; t++) {
        let title = songTitle(r);
        while (seen.has(title)) title = songTitle(r);
        seen.add(title);
        addSong(a, al, title, t, al.genre, false);
      }
    }
  }
  return { artists, albums, songs };
}

// --- insertion --------------------------------------------------------------------------

const CHUNK = 5_000;

async function insertAll(
  collection: { insertMany(docs: object[], opts: { ordered: false }): Promise<unknown> },
  docs: object[],
) {
  let inserted = 0;
  for (let i = 0; i < docs.length; i += CHUNK) {
    const chunk = docs.slice(i, i + CHUNK);
    try {
      await collection.insertMany(chunk, { ordered: false });
      inserted += chunk.length;
    } catch (e) {
      // Re-seeding with the same seed: fixed ids collide (E11000); everything else still went in.
      const err = e as { code?: number; writeErrors?: { code?: number }[] };
      const writeErrors = err.writeErrors ?? [];
      const onlyDuplicates =
        (writeErrors.length > 0 && writeErrors.every((w) => w.code === 11000)) ||
        (writeErrors.length === 0 && err.code === 11000);
      if (!onlyDuplicates) throw e;
      // Counted from the write errors: the stand-in's insertedCount includes the duplicates.
      inserted += chunk.length - writeErrors.length;
    }
  }
  return inserted;
}

/**
 * The media every generated song marked ready carries: one real ladder shared by the whole synthetic
 * catalog (scripts/seed.ts transcodes a generated tone through the real pipeline to this prefix and
 * passes the record it got; see scripts/lib/seed-media.ts), so no seeded song is ready without audio
 * behind it. SEED_MEDIA is the record of that ladder as the pipeline builds it today, the default for
 * suites that insert a catalog only to query it; the playable-media check in CI fetches what the seed
 * recorded.
 */
export type SeedMedia = {
  hlsPrefix: string;
  durationSec: number;
  record: {
    renditions: {
      name: string;
      bitrateKbps: number;
      bandwidth: number;
      averageBandwidth: number;
      codecs: string;
      primingSamples: number;
      paddingSamples: number;
      frames: number;
      gaplessSource: 'elst' | 'metadata';
      playlist: string | null;
    }[];
    sampleRate: number;
    sourceSamples: number;
    loudnessLufs: number | null;
    truePeakDb: number | null;
    loudnessRangeLu: number | null;
  };
};
export const SEED_MEDIA_PREFIX = 'seed/shared/hls/v1/';
const seedRendition = (kbps: number) => ({
  name: `aac_${kbps}k`,
  bitrateKbps: kbps,
  bandwidth: kbps * 1100,
  averageBandwidth: kbps * 1000,
  codecs: 'mp4a.40.2',
  primingSamples: 1024,
  paddingSamples: 0,
  frames: 0,
  gaplessSource: 'elst' as const,
  playlist: `aac_${kbps}k/index.m3u8`,
});
export const SEED_MEDIA: SeedMedia = {
  hlsPrefix: SEED_MEDIA_PREFIX,
  durationSec: 30,
  record: {
    renditions: [64, 128, 192, 320].map(seedRendition),
    sampleRate: 44_100,
    sourceSamples: 30 * 44_100,
    loudnessLufs: null,
    truePeakDb: null,
    loudnessRangeLu: null,
  },
};

/**
 * Bulk-inserts a generated catalog (insertMany, unordered, 5,000 per batch, no per-document
 * validation). Idempotent: ids are fixed by the seed, so a second run inserts nothing new. A curated
 * artist, album or song that already exists by name (the skeleton seed) is reused, not duplicated.
 */
export async function insertCatalog(
  catalog: Catalog,
  opts: { media?: SeedMedia } = {},
): Promise<{ artists: number; albums: number; songs: number }> {
  const shared = opts.media ?? SEED_MEDIA;
  const now = new Date();
  const curatedNames = CURATED.map((c) => c.artist);
  const existing = await Artist.find({ name: trusted({ $in: curatedNames }) }, { _id: 1, name: 1 }).lean();
  const remap = new Map<string, Types.ObjectId>();
  for (const e of existing) {
    const gen = catalog.artists.find((a) => a.name === e.name);
    if (gen && !gen._id.equals(e._id)) remap.set(String(gen._id), e._id);
  }
  const artists = catalog.artists.filter((a) => !remap.has(String(a._id)));
  const artistId = (id: Types.ObjectId) => remap.get(String(id)) ?? id;

  const existingAlbums = remap.size
    ? await Album.find(
        { artistId: trusted({ $in: [...remap.values()] }) },
        { _id: 1, title: 1, artistId: 1 },
      ).lean()
    : [];
  const albumRemap = new Map<string, Types.ObjectId>();
  for (const al of catalog.albums) {
    const hit = existingAlbums.find((e) => e.artistId.equals(artistId(al.artistId)) && e.title === al.title);
    if (hit && !hit._id.equals(al._id)) albumRemap.set(String(al._id), hit._id);
  }
  const existingSongs = albumRemap.size
    ? await Song.find(
        { albumId: trusted({ $in: [...albumRemap.values()] }) },
        { title: 1, albumId: 1 },
      ).lean()
    : [];
  const songExists = (s: GenSong) => {
    const alId = albumRemap.get(String(s.albumId));
    return !!alId && existingSongs.some((e) => e.albumId?.equals(alId) && e.title === s.title);
  };

  const stamp = <T extends object>(d: T) => ({ ...d, createdAt: now, updatedAt: now });
  const nArtists = await insertAll(
    Artist.collection,
    artists.map((a) => stamp({ ...a, bio: '', imageKey: null })),
  );
  const nAlbums = await insertAll(
    Album.collection,
    catalog.albums
      .filter((al) => !albumRemap.has(String(al._id)))
      .map((al) => stamp({ ...al, artistId: artistId(al.artistId), coverKey: null })),
  );
  const nSongs = await insertAll(
    Song.collection,
    catalog.songs
      .filter((s) => !songExists(s))
      .map((s) =>
        stamp({
          ...s,
          artistId: artistId(s.artistId),
          albumId: albumRemap.get(String(s.albumId)) ?? s.albumId,
          uploaderId: null,
          ...(s.media.status === 'ready' ? { durationSec: shared.durationSec } : {}),
          media:
            s.media.status === 'ready'
              ? { ...shared.record, hlsPrefix: shared.hlsPrefix, status: 'ready', progress: 1 }
              : { ...s.media, renditions: [], progress: 0 },
        }),
      )
      .map((d) => {
        assertPlayableMedia(d);
        return d;
      }),
  );
  // The native driver bypasses the models' outbox middleware: announce the rows to search here.
  await recordSearchChanges(
    'artist',
    artists.map((a) => String(a._id)),
  );
  await recordSearchChanges(
    'album',
    catalog.albums.filter((al) => !albumRemap.has(String(al._id))).map((al) => String(al._id)),
  );
  await recordSearchChanges(
    'song',
    catalog.songs.filter((s) => !songExists(s)).map((s) => String(s._id)),
  );
  return { artists: nArtists, albums: nAlbums, songs: nSongs };
}
