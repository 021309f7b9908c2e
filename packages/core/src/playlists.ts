// Playlists: ordered, public or private, edited only by their owner. Every edit is ONE atomic
// update conditioned on the revision the client saw ({ _id, ownerId, revision } → $inc revision), so
// two concurrent edits never interleave: the second gets CONFLICT and re-reads. No transactions.
// A private playlist is NOT_FOUND for everyone but its owner, so its existence does not leak.
import { Playlist, type PlaylistDoc, Types } from '@tonearm/db';
import {
  type AddSongsInput,
  AppError,
  type CreatePlaylistInput,
  type MoveEntryInput,
  type Page,
  PLAYLIST_MAX_ENTRIES,
  type UpdatePlaylistInput,
} from '@tonearm/validators';
import { PlaylistCache } from './cache-keys';
import { existingSongIds, getSongsByIds } from './catalog';
import type { CoreDeps } from './deps';
import {
  type PlaylistDto,
  type PlaylistSummaryDto,
  type PlaylistWithSongsDto,
  toPlaylistDto,
  toPlaylistSummaryDto,
} from './dto';
import { findPage, type PageRequest, pageKey } from './pagination';

export type PlaylistWithSongs = PlaylistWithSongsDto;

async function loadPlaylist(deps: CoreDeps, id: string): Promise<PlaylistDto | null> {
  return deps.cache.getOrLoad(PlaylistCache.ns, id, async () => {
    const doc = await Playlist.findById(id).lean<PlaylistDoc>();
    return doc ? toPlaylistDto(doc) : null;
  });
}

/** A playlist as `viewerId` may see it, with its songs; private ones are NOT_FOUND to others. */
export async function getPlaylist(
  deps: CoreDeps,
  id: string,
  viewerId: string | null,
): Promise<PlaylistWithSongs> {
  const p = await loadPlaylist(deps, id);
  if (!p || (!p.isPublic && p.ownerId !== viewerId)) throw AppError.notFound('Playlist');
  const songs = await getSongsByIds(
    deps,
    p.entries.map((e) => e.songId),
  );
  return { ...p, entries: p.entries.map((e, i) => ({ ...e, song: songs[i] ?? null })) };
}

function listOf(
  deps: CoreDeps,
  ownerId: string,
  onlyPublic: boolean,
  page: PageRequest,
): Promise<Page<PlaylistSummaryDto>> {
  const filter: Record<string, unknown> = { ownerId };
  if (onlyPublic) filter.isPublic = true;
  return deps.cache.getOrLoad(
    PlaylistCache.pageNs,
    pageKey(`${ownerId}:${onlyPublic ? 'public' : 'all'}`, page),
    () => findPage(Playlist, filter, [{ field: '_id', dir: -1 }], page, toPlaylistSummaryDto),
    { tags: [PlaylistCache.ofUser(ownerId)] },
  );
}

export const myPlaylists = (deps: CoreDeps, userId: string, page: PageRequest) =>
  listOf(deps, userId, false, page);
export const publicPlaylistsOf = (deps: CoreDeps, userId: string, page: PageRequest) =>
  listOf(deps, userId, true, page);

export async function createPlaylist(
  deps: CoreDeps,
  userId: string,
  input: CreatePlaylistInput,
): Promise<PlaylistDto> {
  const doc = await Playlist.create({ ...input, ownerId: userId, entries: [], revision: 0 });
  await deps.cache.invalidateTags(PlaylistCache.ofUser(userId));
  return toPlaylistDto(doc.toObject() as PlaylistDoc);
}

/**
 * Explains why a conditional write matched nothing: absent or private-and-not-yours → NOT_FOUND,
 * someone else's → FORBIDDEN, otherwise the revision moved on → CONFLICT with the current one.
 */
async function whyNotWritten(id: string, userId: string, extra?: () => AppError | null): Promise<never> {
  const doc = await Playlist.findById(id, { ownerId: 1, isPublic: 1, revision: 1 }).lean<PlaylistDoc>();
  if (!doc || (!doc.isPublic && String(doc.ownerId) !== userId)) throw AppError.notFound('Playlist');
  if (String(doc.ownerId) !== userId) throw AppError.forbidden('Only the owner edits a playlist');
  const e = extra?.();
  if (e) throw e;
  throw new AppError('CONFLICT', {
    message: 'The playlist changed since you read it',
    details: { currentRevision: doc.revision ?? 0 },
  });
}

/** The owner's playlist at exactly `revision`, or the reason it is not. */
async function readForEdit(id: string, userId: string, revision: number): Promise<PlaylistDoc> {
  const doc = await Playlist.findOne({ _id: id, ownerId: userId, revision }).lean<PlaylistDoc>();
  return doc ?? whyNotWritten(id, userId);
}

/** Applies one conditional update; on success drops the cached playlist and its owner's lists. */
async function applyEdit(
  deps: CoreDeps,
  userId: string,
  id: string,
  revision: number,
  update: Record<string, unknown>,
  extraFilter: Record<string, unknown> = {},
  explain?: () => AppError | null,
): Promise<PlaylistDto> {
  const doc = await Playlist.findOneAndUpdate(
    { _id: id, ownerId: userId, revision, ...extraFilter },
    { ...update, $inc: { revision: 1 } },
    { returnDocument: 'after' },
  ).lean<PlaylistDoc>();
  if (!doc) {
    // A missing entry is a client error only if the revision still matches.
    const current = await Playlist.exists({ _id: id, ownerId: userId, revision });
    if (current && explain) throw explain() ?? AppError.notFound('Entry');
    return whyNotWritten(id, userId);
  }
  await deps.cache.invalidate(PlaylistCache.ns, id);
  await deps.cache.invalidateTags(PlaylistCache.ofUser(userId));
  return toPlaylistDto(doc);
}

export function updatePlaylist(deps: CoreDeps, userId: string, input: UpdatePlaylistInput) {
  const { id, revision, ...set } = input;
  return applyEdit(deps, userId, id, revision, { $set: set });
}

export function setPlaylistVisibility(
  deps: CoreDeps,
  userId: string,
  input: { id: string; revision: number; isPublic: boolean },
) {
  return applyEdit(deps, userId, input.id, input.revision, { $set: { isPublic: input.isPublic } });
}

export async function addSongs(deps: CoreDeps, userId: string, input: AddSongsInput): Promise<PlaylistDto> {
  const current = await readForEdit(input.id, userId, input.revision);
  const count = current.entries?.length ?? 0;
  if (count + input.songIds.length > PLAYLIST_MAX_ENTRIES)
    throw AppError.badRequest(`A playlist holds at most ${PLAYLIST_MAX_ENTRIES} songs`, { field: 'songIds' });
  const known = await existingSongIds(input.songIds);
  const unknown = input.songIds.filter((s) => !known.has(s));
  if (unknown.length) throw AppError.badRequest('Unknown songs', { field: 'songIds', songIds: unknown });
  const now = new Date();
  const entries = input.songIds.map((songId) => ({ _id: new Types.ObjectId(), songId, addedAt: now }));
  const position = input.position === undefined ? undefined : Math.min(input.position, count);
  return applyEdit(deps, userId, input.id, input.revision, {
    $push: { entries: position === undefined ? { $each: entries } : { $each: entries, $position: position } },
  });
}

export function removeEntry(
  deps: CoreDeps,
  userId: string,
  input: { id: string; revision: number; entryId: string },
): Promise<PlaylistDto> {
  return applyEdit(
    deps,
    userId,
    input.id,
    input.revision,
    { $pull: { entries: { _id: new Types.ObjectId(input.entryId) } } },
    { 'entries._id': new Types.ObjectId(input.entryId) },
    () => AppError.notFound('Entry'),
  );
}

/** Moves one entry to `toIndex` (clamped): the whole new order is written in one conditional $set. */
export async function moveEntry(deps: CoreDeps, userId: string, input: MoveEntryInput): Promise<PlaylistDto> {
  const current = await readForEdit(input.id, userId, input.revision);
  const entries = [...(current.entries ?? [])];
  const from = entries.findIndex((e) => String(e._id) === input.entryId);
  if (from < 0) throw AppError.notFound('Entry');
  const [moved] = entries.splice(from, 1);
  entries.splice(Math.min(input.toIndex, entries.length), 0, moved!);
  return applyEdit(deps, userId, input.id, input.revision, { $set: { entries } });
}

export async function deletePlaylist(
  deps: CoreDeps,
  userId: string,
  input: { id: string; revision: number },
): Promise<{ id: string }> {
  const res = await Playlist.deleteOne({ _id: input.id, ownerId: userId, revision: input.revision });
  if (res.deletedCount === 0) await whyNotWritten(input.id, userId);
  await deps.cache.invalidate(PlaylistCache.ns, input.id);
  await deps.cache.invalidateTags(PlaylistCache.ofUser(userId));
  return { id: input.id };
}
