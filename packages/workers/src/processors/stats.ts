// Play statistics: one job per stored PlayEvent adds it to Song/Artist/Album playCount and to the
// daily aggregates per song, artist and user. Exactly once per event: the job first claims the event
// by setting PlayEvent.countedAt where it is still null (atomic on one document), so a duplicate
// enqueue, a retry after success or a replayed job finds nothing to claim. Without transactions a
// crash between the claim and the increments loses that one play (at-most-once in that window);
// the stand-in has no sessions, and an undercount of one is preferred to a double count.
import { Album, Artist, PlayDaily, PlayEvent, Song, type Types } from '@tonearm/db';
import { metrics } from '@tonearm/observability';
import { Jobs } from '@tonearm/queue';
import { defineProcessor } from '../processor';

async function bumpDaily(kind: 'song' | 'artist' | 'user', refId: Types.ObjectId, day: string, sec: number) {
  const filter = { kind, refId, day };
  const update = { $inc: { plays: 1, playedSec: sec } };
  try {
    await PlayDaily.updateOne(filter, update, { upsert: true });
  } catch (e) {
    // Two first plays of the day raced on the upsert: the loser's insert hit the unique index; the
    // document exists now, so the plain update succeeds.
    if ((e as { code?: number }).code !== 11000) throw e;
    await PlayDaily.updateOne(filter, update);
  }
}

export const statsProcessor = defineProcessor({
  job: Jobs.countPlay,
  concurrency: 8,
  async handle({ eventId }, { log }) {
    const ev = await PlayEvent.findOneAndUpdate(
      { eventId, countedAt: null },
      { $set: { countedAt: new Date() } },
      { returnDocument: 'before' },
    ).lean();
    if (!ev) {
      const exists = await PlayEvent.exists({ eventId });
      if (!exists) throw new Error(`play event ${eventId} not found`);
      log.debug({ 'play.event_id': eventId }, 'already counted');
      return { counted: false };
    }
    const song = await Song.findOneAndUpdate({ _id: ev.songId }, { $inc: { playCount: 1 } })
      .select({ albumId: 1 })
      .lean();
    await Artist.updateOne({ _id: ev.artistId }, { $inc: { playCount: 1 } });
    if (song?.albumId) await Album.updateOne({ _id: song.albumId }, { $inc: { playCount: 1 } });
    const day = ev.startedAt.toISOString().slice(0, 10);
    const sec = Math.round(ev.playedSec ?? 0);
    await bumpDaily('song', ev.songId, day, sec);
    await bumpDaily('artist', ev.artistId, day, sec);
    await bumpDaily('user', ev.userId, day, sec);
    metrics.playsCounted.inc();
    return { counted: true };
  },
});
