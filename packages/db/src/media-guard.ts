// The invariant "no song is ever ready without media", enforced where songs are written, not left to
// convention: a song whose media.status is 'ready' must carry an HLS prefix and at least one rendition
// in the same document. Mongoose's document and query middleware run it on every save, insertMany,
// update and bulkWrite of the Song model (mongoose 9 passes the documents / operations, no next); code that writes through the native driver (the catalog
// generator's bulk insert) calls assertPlayableMedia itself. A violation throws, so the write fails.
import type { Schema } from 'mongoose';

export class ReadyWithoutMediaError extends Error {
  constructor(where: string) {
    super(`a song cannot be marked ready without media (${where}): set media.hlsPrefix and media.renditions`);
    this.name = 'ReadyWithoutMediaError';
  }
}

type MediaLike = { status?: unknown; hlsPrefix?: unknown; renditions?: unknown } | null | undefined;

function playable(m: MediaLike): boolean {
  return (
    typeof m?.hlsPrefix === 'string' &&
    m.hlsPrefix.length > 0 &&
    Array.isArray(m.renditions) &&
    m.renditions.length > 0
  );
}

/** Throws when a whole song document says ready without a prefix and renditions. */
export function assertPlayableMedia(doc: { media?: MediaLike; _id?: unknown }): void {
  if (doc.media?.status === 'ready' && !playable(doc.media))
    throw new ReadyWithoutMediaError(`song ${String(doc._id ?? '(new)')}`);
}

/**
 * Throws when an update sets media.status to 'ready' without setting a non-empty prefix and
 * renditions in the same update (a whole `media` object is checked as a document).
 */
export function assertUpdateKeepsMedia(update: unknown): void {
  if (!update || typeof update !== 'object' || Array.isArray(update)) return;
  const u = update as Record<string, unknown>;
  const set = {
    ...(u as object),
    ...((u.$set as object | undefined) ?? {}),
    ...((u.$setOnInsert as object | undefined) ?? {}),
  } as Record<string, unknown>;
  if (set.media && typeof set.media === 'object') assertPlayableMedia({ media: set.media as MediaLike });
  if (set['media.status'] === 'ready') {
    const prefix = set['media.hlsPrefix'];
    const renditions = set['media.renditions'];
    if (!playable({ hlsPrefix: prefix, renditions })) throw new ReadyWithoutMediaError('update');
  }
}

/** Registers the guard on the Song schema (models.ts). */
export function guardSongMedia(schema: Schema): void {
  schema.pre('save', function () {
    assertPlayableMedia(this as never);
  });
  schema.pre('insertMany', (docs: unknown) => {
    for (const d of Array.isArray(docs) ? docs : [docs]) assertPlayableMedia(d as never);
  });
  schema.pre(['updateOne', 'updateMany', 'findOneAndUpdate', 'replaceOne', 'findOneAndReplace'], function () {
    assertUpdateKeepsMedia((this as unknown as { getUpdate(): unknown }).getUpdate());
  });
  schema.pre('bulkWrite', (ops: unknown) => {
    for (const op of (ops as Record<string, { document?: never; update?: unknown; replacement?: never }>[]) ??
      []) {
      if (op.insertOne?.document) assertPlayableMedia(op.insertOne.document);
      for (const k of ['updateOne', 'updateMany'] as const)
        if (op[k]?.update) assertUpdateKeepsMedia(op[k]!.update);
      if (op.replaceOne?.replacement) assertPlayableMedia(op.replaceOne.replacement);
    }
  });
}
