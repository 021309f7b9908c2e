// Play statistics: one job per stored PlayEvent adds it to Song/Artist/Album playCount and to the
// daily aggregates per song, artist and user — exactly once, without transactions (the stand-in has
// none), even when a worker dies half-way through an event (`pnpm drill worker` killed one mid-burst
// and lost plays with the earlier claim-first design):
//   1. each counter update is guarded by the event's id in that document's `pendingPlays` and adds it
//      there in the same single-document update, so a retried job skips what was already applied;
//   2. PlayEvent.countedAt is set where null (one run wins: duplicates and replays count nothing);
//   3. the ids are pulled from `pendingPlays` again (only in-flight events stay there).
// A retry after a crash at any point redoes only what is missing. Left open: two live runs of one
// event at once (a stalled job whose worker is alive) could both pass a guard after the other's pull.
import { Album, Artist, mongoose, PlayDaily, PlayEvent, Song, type Types } from '@tonearm/db';
import { metrics } from '@tonearm/observability';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

// sanitizeFilter strips operators unless marked trusted: this filter is ours, not user input.
const notApplied = (eventId: string) => mongoose.trusted({ $ne: eventId }) as unknown as string;

type DailyKey = { kind: 'song' | 'artist' | 'user'; refId: Types.ObjectId; day: string };

async function bumpDaily(key: DailyKey, eventId: string, sec: number) {
  const filter = { ...key, pendingPlays: notApplied(eventId) };
  const update = { $inc: { plays: 1, playedSec: sec }, $push: { pendingPlays: eventId } };
  try {
    await PlayDaily.updateOne(filter, update, { upsert: true });
  } catch (e) {
    // Two first plays of the day raced on the upsert (or this event was applied already and the
    // guard made the upsert try an insert): the document exists now, so the guarded update decides.
    if ((e as { code?: number }).code !== 11000) throw e;
    await PlayDaily.updateOne(filter, update);
  }
}

export const statsProcessor = defineProcessor({
  job: Jobs.countPlay,
  concurrency: 8,
  async handle({ eventId: clientEventId, userId, startedAt }, { log }) {
    // The event's whole unique key when the job carries it (targeted on a sharded play_events).
    const ev = await PlayEvent.findOne(
      userId && startedAt
        ? { userId, startedAt: new Date(startedAt), eventId: clientEventId }
        : { eventId: clientEventId },
    ).lean();
    if (!ev) throw new Error(`play event ${clientEventId} not found`);
    // The guard token in counters' pendingPlays: eventId is unique per listener only.
    const eventId = `${String(ev.userId)}:${clientEventId}`;
    const song = await Song.findById(ev.songId).select({ albumId: 1 }).lean();
    const day = ev.startedAt.toISOString().slice(0, 10);
    const dailies: DailyKey[] = [
      { kind: 'song', refId: ev.songId, day },
      { kind: 'artist', refId: ev.artistId, day },
      { kind: 'user', refId: ev.userId, day },
    ];
    const targets = [
      { model: Song as typeof Song, id: ev.songId },
      { model: Artist as unknown as typeof Song, id: ev.artistId },
      ...(song?.albumId ? [{ model: Album as unknown as typeof Song, id: song.albumId }] : []),
    ];
    if (!ev.countedAt) {
      const sec = Math.round(ev.playedSec ?? 0);
      // Independent documents: in parallel; all of them before countedAt.
      await Promise.all([
        ...targets.map((t) =>
          t.model.updateOne(
            { _id: t.id, pendingPlays: notApplied(eventId) },
            { $inc: { playCount: 1 }, $push: { pendingPlays: eventId } },
          ),
        ),
        ...dailies.map((d) => bumpDaily(d, eventId, sec)),
      ]);
    }
    const claimed = ev.countedAt
      ? { modifiedCount: 0 }
      : await PlayEvent.updateOne({ _id: ev._id, countedAt: null }, { $set: { countedAt: new Date() } });
    // Counted: the guards are no longer needed (also cleans up after a run that died right here).
    await Promise.all([
      ...targets.map((t) => t.model.updateOne({ _id: t.id }, { $pull: { pendingPlays: eventId } })),
      ...dailies.map((d) => PlayDaily.updateOne(d, { $pull: { pendingPlays: eventId } })),
    ]);
    if (claimed.modifiedCount === 0) {
      log.debug({ 'play.event_id': eventId }, 'already counted');
      return { counted: false };
    }
    metrics.playsCounted.inc();
    return { counted: true };
  },
});
