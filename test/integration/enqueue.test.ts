import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { insertBatch, insertImage, insertUser } from '../helpers/rows';
import { enqueueDescribe } from '../../server/queue/enqueue';

describe('enqueueDescribe', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('commits the job together with the image row', async () => {
    const userId = await insertUser(t.deps.db);
    const batchId = await insertBatch(t.deps.db, userId);
    let imageId = '';
    await t.deps.db.transaction(async (trx) => {
      imageId = await insertImage(trx, userId, batchId);
      await enqueueDescribe(trx, { imageId, userId, options: { language: 'de' }, now: 1234 });
    });
    const job = await t.deps.db('jobs').where({ image_id: imageId }).first();
    expect(job).to.include({ kind: 'describe', status: 'queued', user_id: userId, attempts: 0, run_at: 1234 });
    expect(JSON.parse(job.payload_json)).to.deep.equal({ options: { language: 'de' } });
  });

  it('leaves no job behind when the caller rolls back', async () => {
    const userId = await insertUser(t.deps.db);
    const batchId = await insertBatch(t.deps.db, userId);
    const before = await t.deps.db('jobs').count({ n: '*' }).first();
    await t.deps.db
      .transaction(async (trx) => {
        const imageId = await insertImage(trx, userId, batchId);
        await enqueueDescribe(trx, { imageId, userId });
        throw new Error('upload aborted');
      })
      .catch(() => undefined);
    const after = await t.deps.db('jobs').count({ n: '*' }).first();
    expect(after?.n).to.equal(before?.n);
  });
});
