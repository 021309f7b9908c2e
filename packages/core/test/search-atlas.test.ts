// The Atlas Search adapter cannot run here (Atlas only), so its generated pipelines are asserted,
// checked against the committed index definition, and its result mapping is fed Atlas-shaped rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '@tonearm/config';
import { describe, expect, it } from 'vitest';
import { ATLAS_INDEX, type AtlasAggregate, AtlasSearch, atlasSpans, buildAtlasPipeline } from '../src/search';

type Def = {
  collection: string;
  name: string;
  definition: { mappings: { fields: Record<string, unknown> }; analyzers: { name: string }[] };
};
const defs = JSON.parse(readFileSync(join(repoRoot(), 'ops/atlas/search-index.json'), 'utf8')) as Def[];

// biome-ignore lint/suspicious/noExplicitAny: walking an untyped pipeline
const searchStage = (p: any[]) => p[0].$search;

describe('buildAtlasPipeline', () => {
  it('searches songs with fuzzy text (2 edits, prefixLength 0) on boosted title, artist and album', () => {
    const p = buildAtlasPipeline('song', 'Bad Bony', 10);
    const s = searchStage(p);
    expect(s.index).toBe('tonearm_songs');
    const texts = s.compound.should
      .filter((c: { text?: unknown }) => c.text)
      .map((c: { text: unknown }) => c.text);
    const fuzzy = texts.filter((t: { fuzzy?: unknown }) => t.fuzzy);
    expect(fuzzy.map((t: { path: string }) => t.path)).toEqual(['title', 'artistName', 'albumTitle']);
    for (const t of fuzzy) {
      expect(t.fuzzy).toEqual({ maxEdits: 2, prefixLength: 0, maxExpansions: 100 });
      expect(t.query).toBe('Bad Bony');
    }
    expect(fuzzy.map((t: { score: { boost: { value: number } } }) => t.score.boost.value)).toEqual([
      3, 1.5, 1,
    ]);
    expect(s.compound.minimumShouldMatch).toBe(1);
    expect(s.compound.filter).toEqual([{ equals: { path: 'media.status', value: 'ready' } }]);
    expect(s.highlight.path).toEqual(['title', 'artistName', 'albumTitle']);
    expect(s.sort).toEqual({ score: { $meta: 'searchScore', order: -1 }, playCount: -1 });
    expect(p[1]).toEqual({ $limit: 10 });
    expect(p[2]).toMatchObject({
      $project: { score: { $meta: 'searchScore' }, highlights: { $meta: 'searchHighlights' }, title: 1 },
    });
  });

  it('adds the joined-form, phrase and autocomplete clauses and a bounded popularity factor', () => {
    const s = searchStage(buildAtlasPipeline('artist', 'acdc', 5));
    expect(s.index).toBe('tonearm_artists');
    expect(s.compound.should).toContainEqual({
      text: { query: 'acdc', path: { value: 'name', multi: 'joined' }, score: { boost: { value: 6 } } },
    });
    expect(s.compound.should).toContainEqual({
      phrase: { query: 'acdc', path: 'name', score: { boost: { value: 6 } } },
    });
    const ac = s.compound.should.find((c: { autocomplete?: unknown }) => c.autocomplete).autocomplete;
    expect(ac).toMatchObject({ query: 'acdc', path: 'name', fuzzy: { maxEdits: 1 } });
    expect(JSON.stringify(s.compound.score)).toContain(
      '"log1p":{"path":{"value":"playCount","undefined":0}}',
    );
    expect(s.compound.filter).toBeUndefined();
  });

  it('keeps user input a value: operators in the query stay text', () => {
    const q = '{"$where":"sleep(1)"} $gt';
    const p = buildAtlasPipeline('album', q, 3);
    const json = JSON.stringify(p);
    expect(json).not.toContain('"$where":');
    expect(searchStage(p).compound.should[0].text.query).toBe(q);
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
        score: 7.5,
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
      highlights: { artistName: [[4, 9]], title: [] },
    });
    expect(r.albums).toEqual([]);
    const onlySongs = await new AtlasSearch(aggregate).search({ q: 'x', kinds: ['song'] });
    expect(onlySongs.artists).toEqual([]);
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
