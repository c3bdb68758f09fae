import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { seedImageWithBlob, blobFilesOnDisk, pinInPlace, withoutTextKeys } from '../../helpers/privacy-seed';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';
import { refreshImageExpiry } from '../../../server/services/retention/expiry';
import { receiptsForUser } from '../../../server/db/receipts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('image expiry', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  for (const [choice, windowMs] of [
    ['0', 0],
    ['30m', 30 * MINUTE],
    ['24h', DAY],
    ['7d', 7 * DAY],
  ] as const) {
    it(`leaves zero blob files once the ${choice} window has passed, for done, failed and cancelled images`, async () => {
      const seeded = [];
      for (const status of ['done', 'failed', 'cancelled']) seeded.push(await seedImageWithBlob(t, { status, userRetention: choice }));
      if (windowMs > 0) {
        t.clock.advance(windowMs - 1);
        await expireImageBlobs(t.deps);
        expect(blobFilesOnDisk(t)).to.have.length(3);
      }
      t.clock.advance(1);
      const counts = await expireImageBlobs(t.deps);
      expect(counts.deleted).to.equal(3);
      expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);
      const rows = await t.deps.db('images').whereIn('id', seeded.map((s) => s.imageId));
      expect(rows.every((r) => r.blob_key === null)).to.equal(true);
    });
  }

  it('removes an image that was never processed 7 days after upload, even when the account keeps images forever', async () => {
    await seedImageWithBlob(t, { status: 'queued', processedAgoMs: null, userRetention: 'forever' });
    t.clock.advance(7 * DAY - 1);
    await expireImageBlobs(t.deps);
    expect(blobFilesOnDisk(t)).to.have.length(1);
    t.clock.advance(1);
    await expireImageBlobs(t.deps);
    expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);
  });

  it('honours a batch override shorter than the account setting', async () => {
    await seedImageWithBlob(t, { userRetention: '7d', batchRetention: '30m' });
    t.clock.advance(30 * MINUTE);
    await expireImageBlobs(t.deps);
    expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);
  });

  it('caps "forever" at MAX_IMAGE_RETENTION', async () => {
    const capped = await buildTestApp({ MAX_IMAGE_RETENTION: '24h' });
    try {
      await seedImageWithBlob(capped, { userRetention: 'forever' });
      capped.clock.advance(DAY);
      await expireImageBlobs(capped.deps);
      expect(await withoutTextKeys(capped, blobFilesOnDisk(capped)), 'working copies left').to.deep.equal([]);
    } finally {
      await capped.close();
    }
  });

  it('writes one receipt per deletion with the hash, the times and the reason', async () => {
    const { userId, imageId } = await seedImageWithBlob(t);
    const image = await t.deps.db('images').where({ id: imageId }).first();
    t.clock.advance(31 * MINUTE);
    await expireImageBlobs(t.deps);
    await expireImageBlobs(t.deps);
    const receipts = await receiptsForUser(t.deps.db, userId);
    expect(receipts).to.have.length(1);
    expect(receipts[0]).to.include({
      image_id: imageId,
      image_sha256: image.sha256,
      received_at: image.created_at,
      processed_at: image.processed_at,
      deleted_at: t.clock.now().getTime(),
      retention_seconds: 1800,
      reason: 'retention',
    });
  });

  it('sets expires_at from processing time when asked after a status change', async () => {
    const { imageId } = await seedImageWithBlob(t, { status: 'processing', processedAgoMs: null });
    await t.deps.db('images').where({ id: imageId }).update({ status: 'done', processed_at: t.clock.now().getTime() });
    const expiresAt = await refreshImageExpiry(t.deps, imageId);
    expect(expiresAt).to.equal(t.clock.now().getTime() + 30 * MINUTE);
    expect((await t.deps.db('images').where({ id: imageId }).first()).expires_at).to.equal(expiresAt);
  });

  it('writes no receipt and keeps blob_key when the file cannot be deleted, and finishes on a later run', async () => {
    const { userId, imageId, blobKey } = await seedImageWithBlob(t, { userRetention: '0' });
    const file = path.join(localBlobs(t).dir, blobKey);
    pinInPlace(file);
    const counts = await expireImageBlobs(t.deps);
    expect(counts).to.include({ deleted: 0, errors: 1 });
    expect(await t.deps.db('deletion_receipts')).to.deep.equal([]);
    expect((await t.deps.db('images').where({ id: imageId }).first()).blob_key).to.equal(blobKey);

    fs.rmSync(file, { recursive: true });
    expect(await expireImageBlobs(t.deps)).to.include({ deleted: 1, errors: 0 });
    expect(await receiptsForUser(t.deps.db, userId)).to.have.length(1);
    expect((await t.deps.db('images').where({ id: imageId }).first()).blob_key).to.equal(null);
  });

  it('deletes nothing and writes no receipt while the blob directory is missing', async () => {
    const { userId } = await seedImageWithBlob(t, { userRetention: '0' });
    const moved = `${localBlobs(t).dir}-unmounted`;
    fs.renameSync(localBlobs(t).dir, moved);
    const counts = await expireImageBlobs(t.deps);
    expect(counts).to.include({ deleted: 0, skipped: 1 });
    expect(await receiptsForUser(t.deps.db, userId)).to.deep.equal([]);
    expect((await t.deps.db('images').whereNotNull('blob_key')).length).to.equal(1);
    fs.renameSync(moved, localBlobs(t).dir);
    await expireImageBlobs(t.deps);
    expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);
  });
});
