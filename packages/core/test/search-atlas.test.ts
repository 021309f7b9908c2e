// The Atlas Search adapter cannot run here (Atlas only), so its generated pipelines are asserted,
// checked against the committed index definition, and its result mapping is fed Atlas-shaped rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tonearm/config';
import { describe, expect, it } from 'vitest';
import {
  ATLAS_INDEX,
  ATLAS_OVERFETCH,
  type AtlasAggregate,
  AtlasSearch,
  atlasSpans,
  buildAtlasPipeline,
  numberVariants,
} from '../src/search';

type Def = {
  collection: string;
  name: string;
  definition: { mappings: { fields: Record<string, unknown> }; analyzers: { name: string }[] };
};
const defs = JSON.parse(readFileSync(join(repoRoot(), 'ops/atlas/search-index.json'), 'utf8')) as Def[];

// biome-ignore lint/suspicious/noExplicitAny: walking an untyped pipeline
const searchStage = (p: any[]) => p[0].$search;

describe('buildAtlasPipeline', () => {
  it("searches songs with exact word clauses and fuzzy ones within each word's typo budget", () => {
    const p = buildAtlasPipeline('song', 'Bad Bony Rumors thunderstrck', 10);
    const s = searchStage(p);
    expect(s.index).toBe('tonearm_songs');
    const texts = s.compound.should
      .filter((c: { text?: unknown }) => c.text)
      .map((c: { text: unknown }) => c.text);
    const exact = texts.filter(
      (t: { fuzzy?: unknown; path: unknown }) => !t.fuzzy && typeof t.path === 'string',
    );
    expect(exact.map((t: { query: string; path: string }) => `${t.path}:${t.query}`)).toEqual(
      ['title', 'artistName', 'albumTitle'].flatMap((p) =>
        ['bad', 'bony', 'rumors', 'thunderstrck'].map((w) => `${p}:${w}`),
      ),
    );
    // Field boosts ×10 for exact words: title 30, artist 15, album 10.
    expect(exact[0].score.boost.value).toBe(30);
    const fuzzy = texts.filter(
      (t: { fuzzy?: unknown; path: unknown }) => t.fuzzy && typeof t.path === 'string',
    );
    // "bad" and "bony" (under 5 letters) get no fuzzy clause; "rumors" one edit, "thunderstrck" two.
    expect(
      fuzzy.map((t: { query: string; fuzzy: { maxEdits: number } }) => `${t.query}/${t.fuzzy.maxEdits}`),
    ).toEqual(['rumors/1', 'thunderstrck/2', 'rumors/1', 'thunderstrck/2', 'rumors/1', 'thunderstrck/2']);
    for (const t of fuzzy) expect(t.fuzzy.prefixLength).toBe(0);
    expect(s.compound.minimumShouldMatch).toBe(1);
    expect(s.compound.filter).toEqual([{ equals: { path: 'media.status', value: 'ready' } }]);
    expect(s.highlight.path).toEqual(['title', 'artistName', 'albumTitle']);
    expect(s.sort).toEqual({ score: { $meta: 'searchScore', order: -1 }, playCount: -1 });
    expect(p[1]).toEqual({ $limit: 10 * ATLAS_OVERFETCH });
    expect(p[2]).toMatchObject({
      $project: { score: { $meta: 'searchScore' }, highlights: { $meta: 'searchHighlights' }, title: 1 },
    });
  });

  it('puts the exact whole name far above its typo form, and gives the whole name its own budget', () => {
    const s = searchStage(buildAtlasPipeline('artist', 'Bad Bony', 5));
    expect(s.index).toBe('tonearm_artists');
    const joined = s.compound.should.filter(
      (c: { text?: { path: unknown } }) => typeof c.text?.path === 'object',
    );
    expect(joined).toEqual([
      {
        text: {
          query: 'Bad Bony',
          path: { value: 'name', multi: 'joined' },
          score: { boost: { value: 100 } },
        },
      },
      {
        text: {
          query: 'Bad Bony',
          path: { value: 'name', multi: 'joined' },
          fuzzy: { maxEdits: 2, prefixLength: 0, maxExpansions: 50 },
          score: { boost: { value: 5 } },
        },
      },
    ]);
    expect(s.compound.should).toContainEqual({
      phrase: { query: 'Bad Bony', path: 'name', score: { boost: { value: 30 } } },
    });
    const ac = s.compound.should.find((c: { autocomplete?: unknown }) => c.autocomplete).autocomplete;
    expect(ac).toMatchObject({ query: 'Bad Bony', path: 'name' });
    expect(ac.fuzzy).toBeUndefined();
    expect(JSON.stringify(s.compound.score)).toContain(
      '"log1p":{"path":{"value":"playCount","undefined":0}}',
    );
    expect(s.compound.filter).toBeUndefined();
    // A three-letter query: no whole-name fuzzy clause at all.
    const short = searchStage(buildAtlasPipeline('artist', 'rem', 5));
    expect(short.compound.should.filter((c: { text?: { fuzzy?: unknown } }) => c.text?.fuzzy)).toEqual([]);
  });

  it('keeps user input a value: operators in the query stay text', () => {
    const q = '{"$where":"sleep(1)"} $gt';
    const p = buildAtlasPipeline('album', q, 3);
    const json = JSON.stringify(p);
    expect(json).not.toContain('"$where":');
    expect(searchStage(p).compound.should[0].text.query).toBe(q);
    for (const c of searchStage(p).compound.should)
      expect(typeof (c.text ?? c.phrase ?? c.autocomplete).query).toBe('string');
  });

  it('only references paths, multis and field types that the committed index defines', () => {
    for (const kind of ['song', 'artist', 'album'] as const) {
      const def = defs.find((d) => d.name === ATLAS_INDEX[kind])!;
      expect(def, kind).toBeDefined();
      const fields = def.definition.mappings.fields as Record<
        string,
        { type: string; multi?: Record<string, unknown> }[] | { type: string }
      >;
      const s = searchStage(buildAtlasPipeline(kind, 'x y', 1));
      for (const c of s.compound.should) {
        const op = c.text ?? c.phrase ?? c.autocomplete;
        const path = typeof op.path === 'string' ? op.path : op.path.value;
        const mapping = fields[path] as { type: string; multi?: Record<string, unknown> }[];
        expect(Array.isArray(mapping), `${kind}.${path}`).toBe(true);
        if (c.autocomplete) expect(mapping.some((m) => m.type === 'autocomplete')).toBe(true);
        else expect(mapping.some((m) => m.type === 'string')).toBe(true);
        if (typeof op.path !== 'string') expect(mapping.some((m) => m.multi?.[op.path.multi])).toBe(true);
      }
      expect((fields.playCount as { type: string }).type).toBe('number');
      expect(def.definition.analyzers.map((a) => a.name)).toEqual(['folding', 'joined']);
    }
    const songs = defs.find((d) => d.name === 'tonearm_songs')!.definition.mappings.fields as Record<
      string,
      { fields: Record<string, { type: string }> }
    >;
    expect(songs.media!.fields.status!.type).toBe('token');
  });
});

describe('AtlasSearch', () => {
  it('runs one pipeline per kind and maps Atlas rows, scores and highlights to the port shape', async () => {
    const calls: string[] = [];
    const aggregate: AtlasAggregate = async (kind, pipeline) => {
      calls.push(`${kind}:${(pipeline[0] as { $search: { index: string } }).$search.index}`);
      if (kind === 'artist')
        return [
          {
            _id: 'a1',
            name: 'Bad Bunny',
            playCount: 900,
            score: 7.5,
            highlights: [
              {
                path: 'name',
                texts: [
                  { value: 'Bad', type: 'hit' },
                  { value: ' ', type: 'text' },
                  { value: 'Bunny', type: 'hit' },
                ],
              },
            ],
          },
        ];
      if (kind === 'song')
        return [
          {
            _id: 's1',
            title: 'Safaera',
            artistId: 'a1',
            artistName: 'Bad Bunny',
            albumId: null,
            playCount: 5,
            score: 2,
            highlights: [{ path: 'artistName', texts: [{ value: 'Bunny', type: 'hit' }] }],
          },
        ];
      return [];
    };
    const r = await new AtlasSearch(aggregate).search({ q: 'bad bony', limit: 5 });
    expect(calls.sort()).toEqual(['album:tonearm_albums', 'artist:tonearm_artists', 'song:tonearm_songs']);
    expect(r.engine).toBe('atlas');
    expect(r.artists).toEqual([
      {
        id: 'a1',
        name: 'Bad Bunny',
        playCount: 900,
        // Re-ranked: the shared rules' score replaces Atlas's relevance.
        score: expect.any(Number),
        highlights: {
          name: [
            [0, 3],
            [4, 9],
          ],
        },
      },
    ]);
    expect(r.songs[0]).toMatchObject({
      id: 's1',
      albumId: null,
      albumTitle: null,
      // The artist field matched as a whole name ("bad bony" ≈ "Bad Bunny"), so all of it lights up.
      highlights: {
        artistName: [
          [0, 3],
          [4, 9],
        ],
        title: [],
      },
    });
    expect(r.albums).toEqual([]);
    const onlySongs = await new AtlasSearch(aggregate).search({ q: 'x', kinds: ['song'] });
    expect(onlySongs.artists).toEqual([]);
  });

  it('orders rows by the same ranking rules as the embedded index, with a top result and a floor', async () => {
    const rows: Record<string, Record<string, unknown>[]> = {
      artist: [
        // Atlas's BM25 can prefer the longer credit; the shared rules put the whole name first.
        { _id: 'c', name: 'The Beatles with Billy Preston', playCount: 900, score: 12 },
        { _id: 'b', name: 'The Beatles', playCount: 5_000, score: 9 },
      ],
      song: [
        {
          _id: 's',
          title: 'Let It Be',
          artistId: 'b',
          artistName: 'The Beatles',
          albumId: null,
          playCount: 99,
          score: 20,
        },
      ],
      album: [],
    };
    const aggregate: AtlasAggregate = async (kind) => rows[kind] ?? [];
    const r = await new AtlasSearch(aggregate).search({ q: 'Beatles' });
    expect(r.artists.map((a) => a.name)).toEqual(['The Beatles', 'The Beatles with Billy Preston']);
    expect(r.top).toMatchObject({ kind: 'artist', hit: { name: 'The Beatles' } });
    expect(r.order).toEqual(['artist', 'song']);

    // Rows sharing one word of a two-word query are under the floor: nothing matched.
    const none = await new AtlasSearch(async (kind) =>
      kind === 'song'
        ? [
            {
              _id: 'x',
              title: 'Swift Wind',
              artistId: 'a',
              artistName: 'Aeolian',
              albumId: null,
              playCount: 9,
              score: 3,
            },
          ]
        : [],
    ).search({ q: 'Taylor Swift' });
    expect(none.songs).toEqual([]);
    expect(none.top).toBeNull();
  });

  it('applies the new folding rules to its rows and keeps closest matches apart, as the embedded index', async () => {
    const artistRows = (names: [string, number, number][]) => async (kind: string) =>
      kind === 'artist'
        ? names.map(([name, playCount, score], i) => ({ _id: `a${i}`, name, playCount, score }))
        : [];
    // BM25 prefers the exact word in the longer name; the shared rules read "KoЯn" as the whole name.
    const korn = await new AtlasSearch(
      artistRows([
        ['Korn Ferry Band', 9_000, 14],
        ['KoЯn', 5_000, 4],
      ]),
    ).search({
      q: 'korn',
    });
    expect(korn.artists.map((a) => a.name)).toEqual(['KoЯn', 'Korn Ferry Band']);
    const close = await new AtlasSearch(
      artistRows([
        ['Close Your Eyes', 5_000, 14],
        ['Close II You', 10, 9],
      ]),
    ).search({ q: 'Close 2 You' });
    expect(close.artists[0]?.name).toBe('Close II You');
    // Nothing clears the floor: the closest matches among the same rows, apart, no top result.
    const chip = await new AtlasSearch(
      artistRows([
        ['Calvin Harris', 9_000, 8],
        ['The Chipmunks', 100, 6],
      ]),
    ).search({ q: 'Alvin & The Chipmunks' });
    expect(chip.artists).toEqual([]);
    expect(chip.top).toBeNull();
    expect(chip.closest?.artists.map((a) => a.name)).toEqual(['The Chipmunks', 'Calvin Harris']);
    expect(chip.closest?.order).toEqual(['artist']);
  });

  it('queries the other spellings of a number with the exact clauses ("Close 2 You" → "close ii you")', () => {
    expect(numberVariants('Close 2 You')).toEqual(['close two you', 'close ii you']);
    expect(numberVariants('united states three')).toEqual(['united states 3', 'united states iii']);
    expect(numberVariants('Bad Bunny')).toEqual([]);
    const s = searchStage(buildAtlasPipeline('artist', 'Close 2 You', 10));
    const joined = s.compound.should
      .filter(
        (c: { text?: { path: unknown; fuzzy?: unknown } }) =>
          c.text && typeof c.text.path === 'object' && !c.text.fuzzy,
      )
      .map((c: { text: { query: string; score: { boost: { value: number } } } }) => [
        c.text.query,
        c.text.score.boost.value,
      ]);
    expect(joined).toEqual([
      ['Close 2 You', 100],
      ['close two you', 100],
      ['close ii you', 100],
    ]);
  });

  it('turns Atlas highlight passages into spans of the field value', () => {
    expect(
      atlasSpans('Hells Bells', 'title', [
        {
          path: 'title',
          texts: [
            { value: 'Hells', type: 'hit' },
            { value: ' ', type: 'text' },
            { value: 'Bells', type: 'hit' },
          ],
        },
        { path: 'artistName', texts: [{ value: 'AC', type: 'hit' }] },
      ]),
    ).toEqual([
      [0, 5],
      [6, 11],
    ]);
    expect(atlasSpans(null, 'title', [])).toEqual([]);
  });
});
