import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { seedImageWithBlob, blobFilesOnDisk, pinInPlace, withoutTextKeys } from '../../helpers/privacy-seed';
import { insertDescriptionFor } from '../../helpers/privacy-text';
import { deleteBatchForUser, deleteImageForUser } from '../../../server/services/data-rights/delete-content';
import { expireImageBlobs } from '../../../server/services/retention/expire-blobs';
import { receiptsForUser } from '../../../server/db/receipts';
import { anonymiseAccount } from '../../../server/services/data-rights/account-deletion';

describe('deleting an image or a batch', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('removes the image\'s blob at once, its row and text; its receipts stay in the account without naming it', async () => {
    const first = await seedImageWithBlob(t, { userRetention: '0' });
    await expireImageBlobs(t.deps); // leaves a retention receipt that names the image
    expect(await receiptsForUser(t.deps.db, first.userId)).to.have.length(1);
    const second = await seedImageWithBlob(t, { userId: first.userId, batchId: first.batchId, userRetention: 'forever' });

    expect(await deleteImageForUser(t.deps, first.userId, second.imageId)).to.deep.equal({ name: 'photo.jpg', batchId: first.batchId, images: 1, receipts: 1 });
    expect(await deleteImageForUser(t.deps, first.userId, first.imageId)).to.include({ name: 'photo.jpg', images: 1 });

    expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);
    expect(await t.deps.db('images').where({ user_id: first.userId })).to.deep.equal([]);
    const receipts = await receiptsForUser(t.deps.db, first.userId);
    expect(receipts.map((r) => r.reason).sort()).to.deep.equal(['retention', 'user']);
    expect(receipts.every((r) => r.image_id === null && r.batch_id === null && r.original_name === null && r.image_sha256 !== null)).to.equal(true);
    expect(await t.deps.db('deletion_receipts').count({ n: '*' }).first()).to.deep.equal({ n: 2 });
  });

  it('leaves no receipt linked to anyone once the account itself is deleted', async () => {
    const a = await seedImageWithBlob(t, { userRetention: 'forever' });
    await deleteImageForUser(t.deps, a.userId, a.imageId);
    await seedImageWithBlob(t, { userId: a.userId, userRetention: 'forever' });
    await anonymiseAccount(t.deps, a.userId);
    expect(await receiptsForUser(t.deps.db, a.userId)).to.deep.equal([]);
    expect((await t.deps.db('deletion_receipts')).filter((r) => r.user_id !== null)).to.deep.equal([]);
  });

  it('keeps the image, its text and its blob_key, and writes no receipt, when the file cannot be deleted', async () => {
    const { userId, imageId, blobKey } = await seedImageWithBlob(t, { userRetention: 'forever' });
    await insertDescriptionFor(t, imageId, userId, 'kept until the file is gone');
    pinInPlace(path.join(localBlobs(t).dir, blobKey));
    const err = await deleteImageForUser(t.deps, userId, imageId).then(() => undefined, (e: unknown) => e);
    expect((err as NodeJS.ErrnoException | undefined)?.code).to.be.oneOf(['EISDIR', 'EPERM']);
    expect(await t.deps.db('deletion_receipts')).to.deep.equal([]);
    expect((await t.deps.db('images').where({ id: imageId }).first()).blob_key).to.equal(blobKey);
    expect(await t.deps.db('descriptions').where({ image_id: imageId })).to.have.length(1);
  });

  it('answers "not found" for another user\'s image and leaves it untouched', async () => {
    const owner = await seedImageWithBlob(t);
    const other = await seedImageWithBlob(t);
    expect(await deleteImageForUser(t.deps, other.userId, owner.imageId)).to.equal(undefined);
    expect(await deleteBatchForUser(t.deps, other.userId, owner.batchId)).to.equal(undefined);
    expect(blobFilesOnDisk(t)).to.have.length(2);
  });

  it('deletes a batch with all its images and blobs', async () => {
    const a = await seedImageWithBlob(t, { userRetention: 'forever' });
    await seedImageWithBlob(t, { userId: a.userId, batchId: a.batchId, status: 'queued', processedAgoMs: null });
    const keep = await seedImageWithBlob(t, { userId: a.userId });
    expect(await deleteBatchForUser(t.deps, a.userId, a.batchId)).to.deep.equal({ name: '', batchId: a.batchId, images: 2, receipts: 2 });
    expect(await t.deps.db('batches').where({ id: a.batchId }).first()).to.equal(undefined);
    expect(blobFilesOnDisk(t).map((f) => f.split('/').pop())).to.deep.equal([keep.blobKey]);
    expect(await receiptsForUser(t.deps.db, a.userId)).to.have.length(2);
  });
});
