import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { seedReviewBatch } from '../../helpers/review-seed';

describe('POST /api/v1/images/bulk', () => {
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

  const bulk = (auth: string, body: unknown) =>
    fetch(`${server.url}/api/v1/images/bulk`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: JSON.stringify(body) })
      .then(async (res) => ({ status: res.status, body: (await res.json()) as Record<string, unknown> }));

  it('marks reviewed, describes again and deletes the account\'s own images, and leaves out the rest', async () => {
    const carol = await userWithKey(t.deps, 'write');
    const dave = await userWithKey(t.deps, 'write');
    const { imageIds: mine } = await seedReviewBatch(t.deps, carol.userId, 3);
    const { imageIds: theirs } = await seedReviewBatch(t.deps, dave.userId, 1);

    const reviewed = await bulk(carol.auth, { action: 'review', ids: [...mine, theirs[0]] });
    expect(reviewed).to.deep.equal({ status: 200, body: { object: 'bulk_action', action: 'review', ids: mine, done: 3 } });
    expect(await t.deps.db('images').whereIn('id', theirs).whereNotNull('reviewed_at')).to.have.length(0);

    const again = await bulk(carol.auth, { action: 'redescribe', ids: [mine[0]], style: 'product' });
    expect(again.body).to.include({ done: 1 });
    const job = await t.deps.db('jobs').where({ image_id: mine[0], status: 'queued' }).first();
    expect(JSON.parse(job.payload_json).options.style).to.equal('product');

    const deleted = await bulk(carol.auth, { action: 'delete', ids: [mine[1], theirs[0]] });
    expect(deleted.body).to.deep.include({ ids: [mine[1]], done: 1 });
    expect(await t.deps.db('images').whereIn('id', [mine[1], theirs[0]]).pluck('id')).to.deep.equal([theirs[0]]);
  });

  it('refuses a read-only key, an unknown action and a missing list, with the usual error body', async () => {
    const reader = await userWithKey(t.deps, 'read');
    expect((await bulk(reader.auth, { action: 'review', ids: ['x'] })).status).to.equal(403);
    const writer = await userWithKey(t.deps, 'write');
    const unknown = await bulk(writer.auth, { action: 'publish', ids: ['x'] });
    expect(unknown.status).to.equal(400);
    expect((unknown.body.error as { code: string }).code).to.equal('invalid_action');
    expect((await bulk(writer.auth, { action: 'review', ids: 'x' })).status).to.equal(400);
  });
});
