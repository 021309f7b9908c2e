// Keyset (cursor) pagination for every list that can grow. A cursor is the opaque base64url of the
// last item's sort-key values plus its _id; the next page is "strictly after" that tuple in the sort
// order (sort on scalar fields, not dates: ObjectIds already order by creation), so inserts and deletes between pages never duplicate or skip items (unlike skip/offset).
import { mongoose, Types } from '@tonearm/db';
import { AppError, type Page } from '@tonearm/validators';
import type { Model } from 'mongoose';

type Scalar = string | number | null;
export type SortField = { field: string; dir: 1 | -1 };
export type PageRequest = { cursor?: string | undefined; limit: number };

const trusted = <T>(o: T): T => mongoose.trusted(o);

export function encodeCursor(values: Scalar[], id: string): string {
  return Buffer.from(JSON.stringify([...values, id])).toString('base64url');
}

/** Decodes a cursor made for `fields`; anything else is a client error naming the field. */
export function decodeCursor(cursor: string, fields: number): { values: Scalar[]; id: Types.ObjectId } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const ok =
    Array.isArray(parsed) &&
    parsed.length === fields + 1 &&
    parsed
      .slice(0, fields)
      .every((v) => v === null || (typeof v === 'string' && v.length <= 200) || Number.isFinite(v)) &&
    typeof parsed[fields] === 'string' &&
    /^[0-9a-f]{24}$/.test(parsed[fields] as string);
  if (!ok) throw AppError.badRequest('Invalid cursor', { field: 'cursor' });
  const arr = parsed as Scalar[];
  return { values: arr.slice(0, fields), id: new Types.ObjectId(arr[fields] as string) };
}

/** The full sort: the given fields, then _id (in the last field's direction) as the tiebreak. */
function sortKeys(sort: SortField[]): SortField[] {
  if (sort.at(-1)?.field === '_id') return sort;
  return [...sort, { field: '_id', dir: sort.at(-1)?.dir ?? 1 }];
}

/** Builds the "strictly after (values…, id)" filter for a lexicographic sort over keys. */
function afterFilter(keys: SortField[], vals: unknown[]): Record<string, unknown> {
  const branches: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i++) {
    const branch: Record<string, unknown> = {};
    for (let j = 0; j < i; j++) branch[keys[j]!.field] = vals[j];
    const { field, dir } = keys[i]!;
    const v = vals[i];
    if (v === null) {
      // Nulls sort first ascending: everything non-null is after; nothing is after a null descending.
      if (dir === -1) continue;
      branch[field] = trusted({ $ne: null });
    } else {
      branch[field] = trusted(dir === 1 ? { $gt: v } : { $lt: v });
    }
    branches.push(branch);
  }
  return { $or: branches };
}

/** One page of `model` matching `filter` in `sort` order, each document mapped by `map`. */
export async function findPage<TDoc extends { _id: Types.ObjectId }, TOut>(
  // biome-ignore lint/suspicious/noExplicitAny: works over any model
  model: Model<any>,
  filter: Record<string, unknown>,
  sort: SortField[],
  page: PageRequest,
  map: (doc: TDoc) => TOut,
): Promise<Page<TOut>> {
  const keys = sortKeys(sort);
  const fields = keys.slice(0, -1);
  const q: Record<string, unknown> = { ...filter };
  if (page.cursor) {
    const { values, id } = decodeCursor(page.cursor, fields.length);
    q.$and = [afterFilter(keys, [...values, id])];
  }
  const order: Record<string, 1 | -1> = {};
  for (const k of keys) order[k.field] = k.dir;
  const docs = (await model
    .find(q)
    .sort(order)
    .limit(page.limit + 1)
    .lean()) as TDoc[];
  const hasMore = docs.length > page.limit;
  const items = hasMore ? docs.slice(0, page.limit) : docs;
  const last = items.at(-1);
  const nextCursor =
    hasMore && last
      ? encodeCursor(
          fields.map((s) => {
            const v = (last as Record<string, unknown>)[s.field];
            return v === undefined || v === null ? null : (v as Scalar);
          }),
          String(last._id),
        )
      : null;
  return { items: items.map(map), nextCursor };
}

/** The cache id of a page: scope, size and cursor (cursors are bounded by the validator). */
export const pageKey = (scope: string, page: PageRequest) => `${scope}:${page.limit}:${page.cursor ?? ''}`;
