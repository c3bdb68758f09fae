import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { seedDescribedBatch } from '../../helpers/ingest-seed';
import { receiptsForUser } from '../../../server/db/receipts';

describe('DELETE /api/v1/batches/{id}', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  const blobsOf = async (batchId: string) =>
    ((await t.deps.db('images').where({ batch_id: batchId }).whereNotNull('blob_key').select('blob_key', 'sha256')) as { blob_key: string; sha256: string }[]);

  it('answers 204 and removes every image of the batch, its working copy and text, leaving a receipt for each', async () => {
    const { userId, auth } = await userWithKey(t.deps, 'write');
    const { batchId, imageIds } = await seedDescribedBatch(t.deps, userId);
    const blobs = await blobsOf(batchId);
    expect(blobs).to.have.length(2);

    const res = await request(server.url).delete(`/api/v1/batches/${batchId}`).set('Authorization', auth).expect(204);
    expect(res.text).to.equal('');
    for (const { blob_key } of blobs) expect(fs.existsSync(path.join(localBlobs(t).dir, blob_key))).to.equal(false);
    expect(await t.deps.db('images').whereIn('id', imageIds)).to.deep.equal([]);
    expect(await t.deps.db('descriptions').whereIn('image_id', imageIds)).to.deep.equal([]);
    expect((await receiptsForUser(t.deps.db, userId)).map((r) => r.image_sha256).sort()).to.deep.equal(blobs.map((b) => b.sha256).sort());
    await request(server.url).get(`/api/v1/batches/${batchId}`).set('Authorization', auth).expect(404);
    await request(server.url).delete(`/api/v1/batches/${batchId}`).set('Authorization', auth).expect(404);
  });

  it('answers 404 for another account\'s batch and an unknown id, and deletes nothing', async () => {
    const owner = await userWithKey(t.deps, 'write');
    const other = await userWithKey(t.deps, 'write');
    const { batchId } = await seedDescribedBatch(t.deps, owner.userId);
    const theirs = await request(server.url).delete(`/api/v1/batches/${batchId}`).set('Authorization', other.auth).expect(404);
    expect(theirs.body.error).to.include({ code: 'not_found', message: 'No such batch.' });
    const unknown = await request(server.url).delete('/api/v1/batches/no-such-batch').set('Authorization', owner.auth).expect(404);
    expect(unknown.body.error.message).to.equal(theirs.body.error.message);
    for (const { blob_key } of await blobsOf(batchId)) expect(fs.existsSync(path.join(localBlobs(t).dir, blob_key))).to.equal(true);
    expect(await t.deps.db('images').where({ batch_id: batchId })).to.have.length(3);
  });

  it('is refused to a read-only key', async () => {
    const { userId, auth } = await userWithKey(t.deps, 'read');
    const { batchId } = await seedDescribedBatch(t.deps, userId);
    const res = await request(server.url).delete(`/api/v1/batches/${batchId}`).set('Authorization', auth).expect(403);
    expect(res.body.error.code).to.equal('insufficient_scope');
    expect(await t.deps.db('images').where({ batch_id: batchId })).to.have.length(3);
  });
});
