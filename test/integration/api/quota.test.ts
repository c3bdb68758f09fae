import { expect } from 'chai';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { signUp } from '../../helpers/session';
import { solidImage } from '../../helpers/image-fixtures';
import { QuotaExceededError, setQuota } from '../../../server/services/usage';
import { regenerateImage } from '../../../server/services/describe/control';
import { HttpError } from '../../../server/middleware/errors';
import { createBatch, prepareUpload } from '../../../server/services/ingest';
import { DEFAULT_DESCRIBE_OPTIONS } from '../../../server/describers/types';

/** The queue is not started: every accepted image stays in flight, which is what must count. */
describe('monthly quotas count images accepted but not yet described', function () {
  this.timeout(30_000);
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let jpeg: Buffer;

  before(async () => {
    jpeg = await solidImage('jpeg', 80, 60);
  });
  beforeEach(async () => {
    t = await buildTestApp({ API_RATE_LIMIT_PER_MINUTE: '1000' });
    server = await listen(t.app);
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  const images = (userId: number) => t.deps.db('images').where({ user_id: userId });

  it('accepts exactly N of more than N concurrent API uploads with a quota of N', async () => {
    const carol = await userWithKey(t.deps, 'write');
    await setQuota(t.deps, carol.userId, 3);
    const post = () =>
      fetch(`${server.url}/api/v1/images`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: carol.auth },
        body: JSON.stringify({ image_base64: jpeg.toString('base64') }),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { error?: { code: string } } }));
    const answers = await Promise.all(Array.from({ length: 8 }, post));
    expect(answers.filter((a) => a.status === 202)).to.have.length(3);
    const refused = answers.filter((a) => a.status === 429);
    expect(refused).to.have.length(5);
    expect(refused.every((a) => a.body.error?.code === 'quota_exceeded')).to.equal(true);
    expect(await images(carol.userId)).to.have.length(3);
    expect((await workingCopyBlobs(t)).length).to.equal(3);
    const usage = await fetch(`${server.url}/api/v1/usage`, { headers: { authorization: carol.auth } }).then((r) => r.json());
    expect(usage).to.include({ descriptions_created: 0, in_flight: 3, quota: 3, remaining: 0 });
  });

  it('counts this month\'s created descriptions and the ones in flight together', async () => {
    const dave = await userWithKey(t.deps, 'write');
    await setQuota(t.deps, dave.userId, 2);
    await t.deps.db('usage_events').insert({ user_id: dave.userId, image_id: null, kind: 'description.created', source: 'api', created_at: t.clock.now().getTime() });
    const send = () => fetch(`${server.url}/api/v1/images`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: dave.auth }, body: JSON.stringify({ image_base64: jpeg.toString('base64') }) });
    expect((await send()).status).to.equal(202);
    expect((await send()).status).to.equal(429);
  });

  it('lets concurrent web uploads of one account take only what the quota has left', async () => {
    const erin = await signUp(t.app);
    await setQuota(t.deps, erin.user.id, 3);
    const upload = (files: number) => {
      let req = erin.agent.post(`/images?_csrf=${encodeURIComponent(erin.csrf)}`);
      for (let i = 0; i < files; i++) req = req.attach('images', jpeg, `photo-${i}.jpg`);
      return req.then((res) => res.headers.location as string);
    };
    const locations = await Promise.all([upload(2), upload(2), upload(2)]);
    expect(locations.filter((l) => l.startsWith('/batches/'))).to.have.length(1);
    expect(locations.filter((l) => l === '/images/new')).to.have.length(2);
    expect(await images(erin.user.id)).to.have.length(2);
  });

  it('lets only one of several web batches that all passed the early check take the last of the quota', async () => {
    const gwen = await signUp(t.app);
    await setQuota(t.deps, gwen.user.id, 3);
    // Each batch is prepared (and would pass submitUpload's early check) before any of them commits:
    // only the count inside the accepting transaction can tell them apart.
    const batches = await Promise.all(
      Array.from({ length: 3 }, async () => [await prepareUpload(t.deps, jpeg, 'a.jpg'), await prepareUpload(t.deps, jpeg, 'b.jpg')]),
    );
    const results = await Promise.all(
      batches.map((uploads) => createBatch(t.deps, { userId: gwen.user.id, uploads, options: DEFAULT_DESCRIBE_OPTIONS }).then(() => 'accepted', (err: unknown) => (err instanceof QuotaExceededError ? 'over quota' : String(err)))),
    );
    expect(results.filter((r) => r === 'accepted')).to.have.length(1);
    expect(results.filter((r) => r === 'over quota')).to.have.length(2);
    expect(await images(gwen.user.id)).to.have.length(2);
    // The refused batches' working copies are removed again.
    expect((await workingCopyBlobs(t)).length).to.equal(2);
  });

  it('keeps one default quota when it is saved several times at once', async () => {
    for (let round = 0; round < 10; round++) {
      await Promise.all([5, 6, 7, 8, 9].map((n) => setQuota(t.deps, null, n)));
      expect(await t.deps.db('usage_quotas').whereNull('user_id').count({ n: '*' }).first(), `round ${round}`).to.deep.equal({ n: 1 });
    }
  });

  it('refuses to describe a finished image again once the quota is taken, but re-queues one in flight', async () => {
    const frank = await userWithKey(t.deps, 'write');
    await setQuota(t.deps, frank.userId, 1);
    const res = await fetch(`${server.url}/api/v1/images`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: frank.auth }, body: JSON.stringify({ image_base64: jpeg.toString('base64') }) });
    const { id } = (await res.json()) as { id: string };
    await regenerateImage(t.deps, frank.userId, id, { style: 'product' });
    await t.deps.db('images').where({ id }).update({ status: 'done' });
    await t.deps.db('jobs').where({ image_id: id }).update({ status: 'done' });
    await t.deps.db('usage_events').insert({ user_id: frank.userId, image_id: id, kind: 'description.created', source: 'api', created_at: t.clock.now().getTime() });
    const err = await regenerateImage(t.deps, frank.userId, id, {}).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(HttpError);
    expect((err as HttpError).status).to.equal(429);
    expect((await t.deps.db('images').where({ id }).first()).status).to.equal('done');
  });
});
