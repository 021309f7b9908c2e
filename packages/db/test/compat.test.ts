// MongoDB compatibility suite: what Tonearm relies on, checked against the configured server.
// It runs against the dev/CI stand-in (mongo-java-server) and must pass unchanged against real
// MongoDB (MONGODB_URI=mongodb://... pnpm vitest run packages/db/test/compat.test.ts).
// What the stand-in lacks is asserted too ("documents the gaps"), tagged so real MongoDB skips it.
import { startTestServices, type TestServices } from '@tonearm/testing';
import mongoose, { Schema } from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let svc: TestServices;
let isStandIn = false;

const Item = mongoose.model(
  'CompatItem',
  new Schema(
    { sku: { type: String, required: true }, group: String, n: Number, tags: [String] },
    { versionKey: false },
  ),
  'compat_items',
  { overwriteModels: true },
);
Item.schema.index({ sku: 1 }, { unique: true });
Item.schema.index({ group: 1, n: -1 });
const Owner = mongoose.model(
  'CompatOwner',
  new Schema({ group: String, label: String }, { versionKey: false }),
  'compat_owners',
  { overwriteModels: true },
);

beforeAll(async () => {
  svc = await startTestServices();
  await Item.createIndexes();
  const info = await mongoose.connection.db!.admin().command({ buildInfo: 1 });
  isStandIn = !String(info.gitVersion ?? '').match(/^[0-9a-f]{40}$/);
});
afterAll(() => svc?.close());

describe('MongoDB compatibility', () => {
  it('the latest mongoose connects and reports the server', async () => {
    expect(mongoose.connection.readyState).toBe(1);
    expect(mongoose.version.split('.')[0]).toBe('9');
  });

  it('CRUD with lean()', async () => {
    const a = await Item.create({ sku: 'a', group: 'g1', n: 1, tags: ['x'] });
    const found = await Item.findById(a._id).lean();
    expect(found?.sku).toBe('a');
    expect(found).not.toBeInstanceOf(mongoose.Document);
    await Item.updateOne({ _id: a._id }, { $inc: { n: 5 }, $push: { tags: 'y' } });
    expect((await Item.findById(a._id).lean())?.n).toBe(6);
    await Item.deleteOne({ _id: a._id });
    expect(await Item.findById(a._id).lean()).toBeNull();
  });

  it('unique index rejects duplicates with code 11000', async () => {
    await Item.create({ sku: 'dup', group: 'g', n: 1 });
    const err = await Item.create({ sku: 'dup', group: 'g', n: 2 }).catch((e: unknown) => e);
    expect((err as { code?: number }).code).toBe(11000);
    expect(String((err as Error).message)).toMatch(/E11000/);
  });

  it('compound indexes exist and serve sorted queries', async () => {
    const idx = await Item.collection.indexes();
    expect(idx.map((i) => i.name)).toEqual(expect.arrayContaining(['sku_1', 'group_1_n_-1']));
    await Item.insertMany([
      { sku: 'c1', group: 'cg', n: 3 },
      { sku: 'c2', group: 'cg', n: 9 },
      { sku: 'c3', group: 'cg', n: 5 },
    ]);
    const rows = await Item.find({ group: 'cg' }).sort({ n: -1 }).lean();
    expect(rows.map((r) => r.n)).toEqual([9, 5, 3]);
  });

  it('bulkWrite with mixed operations', async () => {
    const r = await Item.bulkWrite([
      { insertOne: { document: { sku: 'b1', group: 'bg', n: 1 } } },
      { insertOne: { document: { sku: 'b2', group: 'bg', n: 2 } } },
      { updateOne: { filter: { sku: 'b1' }, update: { $set: { n: 10 } } } },
      { updateOne: { filter: { sku: 'b9' }, update: { $set: { group: 'bg', n: 9 } }, upsert: true } },
      { deleteOne: { filter: { sku: 'b2' } } },
    ]);
    expect(r.insertedCount).toBe(2);
    expect(r.modifiedCount).toBe(1);
    expect(r.upsertedCount).toBe(1);
    expect(r.deletedCount).toBe(1);
    expect((await Item.find({ group: 'bg' }).sort({ n: 1 }).lean()).map((d) => d.n)).toEqual([9, 10]);
  });

  it('aggregation: $match $unwind $group $lookup $facet $sort $limit $project', async () => {
    await Item.insertMany([
      { sku: 'p1', group: 'ag', n: 1, tags: ['rock', 'live'] },
      { sku: 'p2', group: 'ag', n: 2, tags: ['rock'] },
      { sku: 'p3', group: 'ah', n: 4, tags: ['jazz'] },
    ]);
    await Owner.insertMany([
      { group: 'ag', label: 'A' },
      { group: 'ah', label: 'H' },
    ]);
    const [out] = await Item.aggregate<{
      byTag: { _id: string; count: number; total: number }[];
      byGroup: { group: string; total: number; owner: string }[];
    }>([
      { $match: { sku: { $in: ['p1', 'p2', 'p3'] } } },
      {
        $facet: {
          byTag: [
            { $unwind: '$tags' },
            { $group: { _id: '$tags', count: { $sum: 1 }, total: { $sum: '$n' } } },
            { $sort: { count: -1, _id: 1 } },
            { $limit: 2 },
          ],
          byGroup: [
            { $group: { _id: '$group', total: { $sum: '$n' } } },
            { $lookup: { from: 'compat_owners', localField: '_id', foreignField: 'group', as: 'owner' } },
            { $unwind: '$owner' },
            { $project: { _id: 0, group: '$_id', total: 1, owner: '$owner.label' } },
            { $sort: { group: 1 } },
          ],
        },
      },
    ]);
    expect(out?.byTag).toEqual([
      { _id: 'rock', count: 2, total: 3 },
      { _id: 'jazz', count: 1, total: 4 },
    ]);
    expect(out?.byGroup).toEqual([
      { group: 'ag', total: 3, owner: 'A' },
      { group: 'ah', total: 4, owner: 'H' },
    ]);
  });

  it('a cursor walks 10,000 documents in batches', async () => {
    const docs = Array.from({ length: 10_000 }, (_, i) => ({ sku: `k${i}`, group: 'cur', n: i }));
    await Item.insertMany(docs, { ordered: false });
    let count = 0;
    let sum = 0;
    for await (const d of Item.find({ group: 'cur' }).lean().cursor({ batchSize: 500 })) {
      count++;
      sum += d.n ?? 0;
    }
    expect(count).toBe(10_000);
    expect(sum).toBe((9_999 * 10_000) / 2);
  });

  it('documents what the stand-in lacks (each must fail loudly there, work on MongoDB)', async () => {
    const db = mongoose.connection.db!;
    const probes: Record<string, () => Promise<unknown>> = {
      transactions: async () => {
        const s = await mongoose.startSession();
        try {
          await s.withTransaction(async () => {
            await Item.create([{ sku: 'tx', group: 'tx' }], { session: s });
          });
        } finally {
          await s.endSession();
        }
      },
      $setWindowFields: () =>
        Item.aggregate([
          { $match: { group: 'cg' } },
          { $setWindowFields: { sortBy: { n: 1 }, output: { rank: { $rank: {} } } } },
        ]),
      '$set stage': () => Item.aggregate([{ $match: { group: 'cg' } }, { $set: { m: 1 } }]),
      hello: () => db.admin().command({ hello: 1 }),
    };
    const lacks: string[] = [];
    for (const [name, run] of Object.entries(probes)) {
      const ok = await run().then(
        () => true,
        () => false,
      );
      if (!ok) lacks.push(name);
    }
    console.log(`[compat] server lacks: ${lacks.join(', ') || 'nothing'}`);
    if (isStandIn) expect(lacks.length).toBeGreaterThan(0);
    // A standalone mongod (no replica set) has no transactions either; Tonearm never needs them.
    else expect(lacks.filter((l) => l !== 'transactions')).toEqual([]);
  });
});
