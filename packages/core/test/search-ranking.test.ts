// The ranking rules (packages/core/src/search/rank.ts, docs/SEARCH.md "Ranking"), each on the real
// embedded index (MiniSearch underneath) with the near-collisions that broke them before: whole
// names before names that contain them, typo budgets by word length, typo expansion of words that
// exist in the catalog, prefixes no better than a one-letter typo, folded punctuation, a top result
// across kinds, groups in the order of their best score, and nothing below the relevance floor.
import { generateCatalog } from '@tonearm/db';
import { describe, expect, it } from 'vitest';
import { EmbeddedSearchIndex, fold, type IndexEntry, type SearchResults } from '../src/search';
import { numberKey } from '../src/search/normalize';
import { entriesOf } from './search-entries';

let n = 0;
const oid = () => (++n).toString(16).padStart(24, '0');
const artist = (name: string, playCount = 100): IndexEntry => ({
  kind: 'artist',
  id: oid(),
  name,
  playCount,
});
const album = (title: string, artistName: string, playCount = 100): IndexEntry => ({
  kind: 'album',
  id: oid(),
  title,
  artistId: oid(),
  artistName,
  playCount,
});
const song = (
  title: string,
  artistName: string,
  playCount = 100,
  albumTitle: string | null = null,
): IndexEntry => ({
  kind: 'song',
  id: oid(),
  title,
  artistId: oid(),
  artistName,
  albumId: albumTitle ? oid() : null,
  albumTitle,
  playCount,
});
const index = (entries: IndexEntry[]) => {
  const idx = new EmbeddedSearchIndex();
  idx.upsert(entries);
  return idx;
};
const names = (r: SearchResults) => ({
  artists: r.artists.map((a) => a.name),
  songs: r.songs.map((s) => s.title),
  albums: r.albums.map((a) => a.title),
});
const topName = (r: SearchResults) =>
  !r.top ? null : r.top.kind === 'artist' ? r.top.hit.name : r.top.hit.title;

describe('whole names before names that contain them', () => {
  const idx = index([
    artist('The Beatles', 5_000),
    artist('The Beatles with Billy Preston', 800),
    artist('Beatles Revival Band', 50),
    song('Get Back', 'The Beatles with Billy Preston', 4_000),
    song('Let It Be', 'The Beatles', 3_000),
    artist('Beyoncé', 5_000),
    artist('Beyoncé e Lady Gaga', 2_000),
    artist('Beyoncé feat. Jay-Z', 2_000),
    artist('Shakira & Beyoncé', 1_500),
  ]);

  it('"Beatles" ranks The Beatles (a leading article aside, the whole name) first, in its group and overall', () => {
    const r = idx.searchSync({ q: 'Beatles' });
    expect(names(r).artists[0]).toBe('The Beatles');
    expect(names(r).artists.indexOf('The Beatles with Billy Preston')).toBeGreaterThan(0);
    expect(r.top).toMatchObject({ kind: 'artist', hit: { name: 'The Beatles' } });
  });

  it('a misspelt "Beyonsé" and a folded "beyonce" rank the artist above her collaborations', () => {
    for (const q of ['beyonse', 'Beyonce', 'BEYONCÉ']) {
      const r = idx.searchSync({ q, kinds: ['artist'] });
      expect(names(r).artists[0], q).toBe('Beyoncé');
    }
  });
});

describe('typo budgets by word length (none below 5 letters, one from 5, two from 9)', () => {
  const idx = index([
    artist('Bad Bunny', 9_000),
    song("Don't", 'Ed Sheeran', 2_000),
    song('Bone Dry', 'Eels', 50),
    song('Thunderstruck', 'AC/DC', 900),
    song('Hurricane', 'Bob Dylan', 400),
  ]);

  it('a four-letter word matches only as typed or as the start of a word', () => {
    const r = idx.searchSync({ q: 'bony' });
    expect(names(r).songs).not.toContain("Don't");
    expect(names(r).songs).not.toContain('Bone Dry');
    expect(idx.searchSync({ q: 'bon' }).songs.map((s) => s.title)).toEqual(['Bone Dry']);
  });

  it('one typo from five letters, two from nine', () => {
    expect(names(idx.searchSync({ q: 'hurricaen' })).songs).toEqual(['Hurricane']); // 9 letters, a swap
    expect(names(idx.searchSync({ q: 'thundrstruk' })).songs).toEqual(['Thunderstruck']); // 2 dropped
    // A word of 8 letters takes one typo, not two (the whole name "hurricane" is not what was typed).
    expect(names(idx.searchSync({ q: 'huricane dylan' })).songs).toEqual(['Hurricane']);
    expect(names(idx.searchSync({ q: 'hurrkane dylan' })).songs).toEqual([]);
  });

  it('the whole name carries its own budget: "Bad Bony" reaches Bad Bunny', () => {
    const r = idx.searchSync({ q: 'Bad Bony' });
    expect(r.top).toMatchObject({ kind: 'artist', hit: { name: 'Bad Bunny' } });
    expect(names(r).songs).toEqual([]);
  });
});

describe('words that exist in the catalog are still typo-expanded', () => {
  const idx = index([
    song('Vicious Rumors', 'Vicious Rumors', 20),
    album('Rumours', 'Fleetwood Mac', 9_000),
    artist('Metalica', 5),
    artist('Metallica', 9_000),
  ]);

  it('"Rumors" finds the album Rumours though a song is titled "Vicious Rumors"', () => {
    const r = idx.searchSync({ q: 'Rumors' });
    expect(names(r).albums).toEqual(['Rumours']);
    expect(names(r).songs).toEqual(['Vicious Rumors']);
  });

  it('an artist literally named "Metalica" does not hide Metallica', () => {
    const r = idx.searchSync({ q: 'Metalica', kinds: ['artist'] });
    expect(names(r).artists).toEqual(['Metalica', 'Metallica']);
  });
});

describe('a prefix of a longer word is no better than a one-letter typo', () => {
  it('"Eminen": Eminem before Eminence at equal popularity; popularity decides between them', () => {
    const idx = index([artist('Eminence', 100), artist('Eminem', 100)]);
    expect(names(idx.searchSync({ q: 'Eminen' })).artists).toEqual(['Eminem', 'Eminence']);
    const popular = index([artist('Eminence', 10), artist('Eminem', 50_000)]);
    expect(names(popular.searchSync({ q: 'Eminen' })).artists[0]).toBe('Eminem');
  });

  it('an exact word still beats both, and the word being typed still completes', () => {
    const idx = index([artist('Honey', 10_000), song('Honest Man', 'X', 5_000), song('Hone', 'Y', 1)]);
    expect(names(idx.searchSync({ q: 'hone' })).songs[0]).toBe('Hone');
    expect(topName(idx.searchSync({ q: 'hone' }))).toBe('Hone');
    expect(names(idx.searchSync({ q: 'hon' })).artists).toEqual(['Honey']);
  });
});

describe('punctuation and diacritics are folded', () => {
  const idx = index([
    artist('R.E.M.', 3_000),
    artist('REM Sleep', 6_000),
    song('Losing My Religion', 'R.E.M.', 5_000),
    song('Stay (Remix)', 'DJ Rem', 8_000),
    song('Remember', 'Someone', 8_000),
  ]);

  it.each(['r.e.m', 'R.E.M.', 'rem', 'R E M'])('%s → R.E.M. is the top result', (q) => {
    const r = idx.searchSync({ q });
    expect(topName(r), q).toBe('R.E.M.');
    expect(names(r).artists[0]).toBe('R.E.M.');
  });
});

describe('a top result across kinds, groups by their best score', () => {
  it('ranks equal matches artist over song title over album, and by popularity within a kind', () => {
    const idx = index([
      album('Yellow', 'Somebody', 100),
      song('Yellow', 'Coldplay', 100),
      artist('Yellow', 100),
      song('Yellow', 'Cover Band', 10),
    ]);
    const r = idx.searchSync({ q: 'yellow' });
    expect(r.order).toEqual(['artist', 'song', 'album']);
    expect(r.top?.kind).toBe('artist');
    expect(r.songs.map((s) => s.artistName)).toEqual(['Coldplay', 'Cover Band']);
  });

  it('puts a song first when the song is what was typed', () => {
    const idx = index([
      song('Tití Me Preguntó', 'Bad Bunny', 5_000),
      artist('Bad Bunny', 9_000),
      artist('Pregunto', 5),
    ]);
    const r = idx.searchSync({ q: 'titi me pregunto' });
    expect(r.top).toMatchObject({ kind: 'song', hit: { title: 'Tití Me Preguntó' } });
    expect(r.order?.[0]).toBe('song');
  });

  it('on the generated catalog, "Bad Bony" puts the artist Bad Bunny first and her songs before decoys', () => {
    const idx = index(entriesOf(generateCatalog({ seed: 42, songs: 5_000 })));
    const r = idx.searchSync({ q: 'Bad Bony' });
    expect(r.top).toMatchObject({ kind: 'artist', hit: { name: 'Bad Bunny' } });
    expect(r.order?.[0]).toBe('artist');
    expect(r.songs.slice(0, 3).every((s) => s.artistName === 'Bad Bunny')).toBe(true);
  });
});

describe('an honest empty result below the relevance floor', () => {
  const idx = index([
    song('Swift Wind', 'Aeolian', 9_000),
    artist('Taylor Dayne', 900),
    song('Shake It Off', 'Someone Else', 10),
  ]);

  it('someone not in the catalog returns nothing, not songs sharing one word', () => {
    const r = idx.searchSync({ q: 'Taylor Swift' });
    expect(r.songs.length + r.artists.length + r.albums.length).toBe(0);
    expect(r.top).toBeNull();
    expect(r.order).toEqual([]);
  });

  it('but one word of a two-word query still finds its name when the other is being typed', () => {
    expect(names(idx.searchSync({ q: 'taylor d' })).artists).toEqual(['Taylor Dayne']);
  });
});

describe('a person’s name with one word past its typo budget', () => {
  const idx = index([
    artist('Moya Brennan', 300),
    artist('Ala Janosz', 50),
    artist('Taylor Dayne', 900),
    song('Brennan Road', 'Someone', 5_000),
  ]);

  it('finds the name when the other word has the same initial ("Maire Brennan" → Moya Brennan)', () => {
    expect(names(idx.searchSync({ q: 'Maire Brennan' })).artists).toEqual(['Moya Brennan']);
    expect(names(idx.searchSync({ q: 'Alicja Janosz' })).artists).toEqual(['Ala Janosz']);
  });

  it('a different initial is someone else, and songs sharing one word stay out', () => {
    const r = idx.searchSync({ q: 'Taylor Swift' });
    expect(r.artists).toEqual([]);
    expect(names(idx.searchSync({ q: 'Maire Brennan' })).songs).toEqual([]);
  });
});

describe('numbers: digits, number words and roman numerals are one word', () => {
  const idx = index([
    artist('Close II You', 10),
    artist('Close Your Eyes', 5_000),
    artist('United States 3', 10),
    artist('The Presidents of the United States of America', 9_000),
    song('Rocky II', 'Bill Conti', 10),
    song('Rocky Road', 'Someone', 5_000),
    artist('Twenty One Pilots', 100),
    artist('Malcolm X', 100),
  ]);

  it('"Close 2 You" and "close two you" are the whole name Close II You', () => {
    for (const q of ['Close 2 You', 'close two you', 'close ii you']) {
      const r = idx.searchSync({ q, kinds: ['artist'] });
      expect(names(r).artists[0], q).toBe('Close II You');
    }
  });

  it('"united states three" → United States 3 before the far more played name containing its words', () => {
    expect(names(idx.searchSync({ q: 'united states three' })).artists[0]).toBe('United States 3');
  });

  it('"rocky 2" → Rocky II; "21 pilots" → Twenty One Pilots', () => {
    expect(names(idx.searchSync({ q: 'rocky 2' })).songs[0]).toBe('Rocky II');
    expect(names(idx.searchSync({ q: 'rocky two' })).songs[0]).toBe('Rocky II');
    expect(names(idx.searchSync({ q: '21 pilots' })).artists).toEqual(['Twenty One Pilots']);
  });

  it('a lone I, V or X stays a letter; only II to XXXIX are numerals', () => {
    expect(['i', 'v', 'x', 'mix', 'xl', 'ii', 'iv', 'xxxix', 'two', 'twenty', '007'].map(numberKey)).toEqual([
      null,
      null,
      null,
      null,
      null,
      '2',
      '4',
      '39',
      '2',
      '20',
      '7',
    ]);
  });
});

describe('look-alike letters and symbols inside a word fold like accents', () => {
  const idx = index([
    artist('KoЯn', 5_000),
    artist('Korn Ferry Band', 9_000),
    artist('P!nk', 5_000),
    artist('Pink Floyd', 9_000),
    artist('Ke$ha', 3_000),
    artist('Кино', 2_000),
    song('$5 Cover', 'Somebody', 10),
  ]);

  it('"korn" is the whole name KoЯn (a Cyrillic Я inside a Latin word reads as R)', () => {
    const r = idx.searchSync({ q: 'korn', kinds: ['artist'] });
    expect(names(r).artists[0]).toBe('KoЯn');
    expect(r.artists[0]?.highlights.name).toEqual([[0, 4]]);
  });

  it('"pink" is P!nk and "kesha" is Ke$ha, before longer names with the word', () => {
    expect(names(idx.searchSync({ q: 'pink', kinds: ['artist'] })).artists[0]).toBe('P!nk');
    expect(names(idx.searchSync({ q: 'kesha', kinds: ['artist'] })).artists).toEqual(['Ke$ha']);
  });

  it('a Cyrillic name stays Cyrillic, and "$5" stays a price', () => {
    expect(names(idx.searchSync({ q: 'кино' })).artists).toEqual(['Кино']);
    expect(names(idx.searchSync({ q: 'kuho' })).artists).toEqual([]);
    expect(fold('$5 Cover')).toBe('$5 cover');
    expect(fold('Ke$ha / $ign / P!nk / R@ndom')).toBe('kesha / sign / pink / random');
  });
});

describe('punctuated words match by their parts too', () => {
  const idx = index([
    artist('Buddy Holly & The Crickets', 10),
    artist('Buddy Holly', 9_000),
    artist('Capone-N-Noreaga', 100),
  ]);

  it('"Buddy Holly/Cricketts": the parts of a slashed word each match (as "AC/DC" = "ac dc")', () => {
    expect(names(idx.searchSync({ q: 'Buddy Holly/Cricketts' })).artists[0]).toBe(
      'Buddy Holly & The Crickets',
    );
  });

  it('a part of a hyphenated name is one of its words ("noreaga" → Capone-N-Noreaga)', () => {
    expect(names(idx.searchSync({ q: 'noreaga' })).artists).toEqual(['Capone-N-Noreaga']);
  });
});

describe('closest matches when nothing clears the floor, kept apart from the results', () => {
  const idx = index([
    artist('The Chipmunks', 100),
    artist('Calvin Harris', 9_000),
    artist('Taylor Dayne', 900),
    song('Swift Wind', 'Aeolian', 9_000),
  ]);

  it('a word of the other spelling must not be one another query word matched ("alvin" ≈ Calvin)', () => {
    const r = idx.searchSync({ q: 'Alvin & The Chipmunks' });
    expect(names(r).artists).toEqual([]);
    expect(r.top).toBeNull();
  });

  it('lists the name the query contains first among the closest matches, marked apart', () => {
    const r = idx.searchSync({ q: 'Alvin & The Chipmunks' });
    expect(r.closest?.artists.map((a) => a.name)).toEqual(['The Chipmunks', 'Calvin Harris']);
    expect(r.closest?.order).toEqual(['artist']);
  });

  it('"Taylor Swift": no result and no top result; the closest matches say what shares a word', () => {
    const r = idx.searchSync({ q: 'Taylor Swift' });
    expect(r.songs.length + r.artists.length + r.albums.length).toBe(0);
    expect(r.top).toBeNull();
    expect(r.closest?.artists.map((a) => a.name)).toEqual(['Taylor Dayne']);
    expect(r.closest?.songs.map((s) => s.title)).toEqual(['Swift Wind']);
  });

  it('nothing at all when no typed word matches anything, and none when there are results', () => {
    expect(idx.searchSync({ q: 'zzqx wwvvq' }).closest ?? null).toBeNull();
    expect(idx.searchSync({ q: 'zzqx' }).closest ?? null).toBeNull();
    expect(idx.searchSync({ q: 'Calvin Harris' }).closest ?? null).toBeNull();
  });
});
