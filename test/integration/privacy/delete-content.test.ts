import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { seedImageWithBlob, blobFilesOnDisk, pinInPlace } from '../../helpers/privacy-seed';
import { insertDescriptionFor } from '../../helpers/privacy-text';
import { deleteBatchForUser, deleteImageForUser } from '../../../server/services/data-rights/delete-content';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';
import { receiptsForUser } from '../../../server/db/receipts';

describe('deleting an image or a batch', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('removes the image\'s blob at once, its row and text, and cuts its receipts\' link to the user', async () => {
    const first = await seedImageWithBlob(t, { userRetention: '0' });
    await expireImageBlobs(t.deps); // leaves a linked retention receipt
    expect(await receiptsForUser(t.deps.db, first.userId)).to.have.length(1);
    const second = await seedImageWithBlob(t, { userId: first.userId, batchId: first.batchId, userRetention: 'forever' });

    expect(await deleteImageForUser(t.deps, first.userId, second.imageId)).to.equal(true);
    expect(await deleteImageForUser(t.deps, first.userId, first.imageId)).to.equal(true);

    expect(blobFilesOnDisk(t)).to.deep.equal([]);
    expect(await t.deps.db('images').where({ user_id: first.userId })).to.deep.equal([]);
    expect(await receiptsForUser(t.deps.db, first.userId)).to.deep.equal([]);
    const receipts = await t.deps.db('deletion_receipts');
    expect(receipts.map((r) => r.reason).sort()).to.deep.equal(['retention', 'user']);
    expect(receipts.every((r) => r.user_id === null && r.image_id === null && r.original_name === null)).to.equal(true);
  });

  it('keeps the image, its text and its blob_key, and writes no receipt, when the file cannot be deleted', async () => {
    const { userId, imageId, blobKey } = await seedImageWithBlob(t, { userRetention: 'forever' });
    await insertDescriptionFor(t, imageId, userId, 'kept until the file is gone');
    pinInPlace(path.join(t.deps.blobs.dir, blobKey));
    const err = await deleteImageForUser(t.deps, userId, imageId).then(() => undefined, (e: unknown) => e);
    expect((err as NodeJS.ErrnoException | undefined)?.code).to.be.oneOf(['EISDIR', 'EPERM']);
    expect(await t.deps.db('deletion_receipts')).to.deep.equal([]);
    expect((await t.deps.db('images').where({ id: imageId }).first()).blob_key).to.equal(blobKey);
    expect(await t.deps.db('descriptions').where({ image_id: imageId })).to.have.length(1);
  });

  it('answers "not found" for another user\'s image and leaves it untouched', async () => {
    const owner = await seedImageWithBlob(t);
    const other = await seedImageWithBlob(t);
    expect(await deleteImageForUser(t.deps, other.userId, owner.imageId)).to.equal(false);
    expect(await deleteBatchForUser(t.deps, other.userId, owner.batchId)).to.equal(false);
    expect(blobFilesOnDisk(t)).to.have.length(2);
  });

  it('deletes a batch with all its images and blobs', async () => {
    const a = await seedImageWithBlob(t, { userRetention: 'forever' });
    await seedImageWithBlob(t, { userId: a.userId, batchId: a.batchId, status: 'queued', processedAgoMs: null });
    const keep = await seedImageWithBlob(t, { userId: a.userId });
    expect(await deleteBatchForUser(t.deps, a.userId, a.batchId)).to.equal(true);
    expect(await t.deps.db('batches').where({ id: a.batchId }).first()).to.equal(undefined);
    expect(blobFilesOnDisk(t).map((f) => f.split('/').pop())).to.deep.equal([keep.blobKey]);
  });
});
