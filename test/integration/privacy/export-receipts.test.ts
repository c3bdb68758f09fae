import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { seedImageWithBlob } from '../../helpers/privacy-seed';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';
import { exportRecords, recordsToCsv } from '../../../server/services/exports';

describe('image exports and deletion receipts', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('carry no receipt while the working copy is kept', async () => {
    const { userId, batchId } = await seedImageWithBlob(t);
    const [record] = (await exportRecords(t.deps, userId, batchId))!;
    expect(record.deletion_receipt).to.equal(null);
  });

  it('carry the receipt once retention has deleted the working copy, in JSON and CSV', async () => {
    const { userId, batchId, imageId } = await seedImageWithBlob(t);
    const image = await t.deps.db('images').where({ id: imageId }).first();
    t.clock.advance(31 * 60_000);
    await expireImageBlobs(t.deps);

    const [record] = (await exportRecords(t.deps, userId, batchId))!;
    expect(record.deletion_receipt).to.include({ image_sha256: image.sha256, reason: 'retention' });
    expect(record.deletion_receipt!.deleted_at).to.equal(t.clock.now().toISOString());

    const [header, row] = recordsToCsv([record]).trim().split(/\r?\n/);
    expect(header.split(',').slice(-4, -1)).to.deep.equal(['image_sha256', 'deleted_at', 'deletion_reason']);
    expect(row).to.contain(image.sha256).and.to.contain('retention');
  });

  it('never carry another user\'s receipt', async () => {
    const mine = await seedImageWithBlob(t);
    await seedImageWithBlob(t);
    t.clock.advance(31 * 60_000);
    await expireImageBlobs(t.deps);
    const records = (await exportRecords(t.deps, mine.userId))!;
    expect(records).to.have.length(1);
    expect(records[0].id).to.equal(mine.imageId);
  });
});
