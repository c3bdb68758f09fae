import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { solidImage } from '../../helpers/image-fixtures';

/**
 * The queue polls only once a minute here, so anything that finishes promptly was started by the
 * accept itself (claimed in its commit, or woken right after it), never by a poll.
 */
describe('an accepted image starts describing without waiting for the queue to poll', function () {
  this.timeout(30_000);
  let t: TestApp;
  let fake: FakeOpenAI;
  let server: Awaited<ReturnType<typeof listen>>;
  let jpeg: Buffer;
  let auth: string;

  beforeEach(async () => {
    jpeg = await solidImage('jpeg', 80, 60);
    fake = await startFakeOpenAI({ latencyMs: 200 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'test', QUEUE_CONCURRENCY: '1' }, { queue: { pollMs: 60_000 } });
    await t.deps.queue.start();
    server = await listen(t.app);
    ({ auth } = await userWithKey(t.deps, 'write'));
  });
  afterEach(async () => {
    await server.close();
    await t.close();
    await fake.close();
  });

  const post = (wait: number) =>
    fetch(`${server.url}/api/v1/images?wait=${wait}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ image_base64: jpeg.toString('base64') }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { id: string; status: string } }));

  it('starts the job on the accept, so ?wait answers 200 with the result long before any poll', async () => {
    const started = Date.now();
    const { status, body } = await post(10);
    expect(status).to.equal(200);
    expect(body.status).to.equal('done');
    expect(Date.now() - started).to.be.below(5_000);
  });

  it('never runs more jobs than its concurrency, even when accepts hold slots at the same time', async () => {
    const answers = await Promise.all([post(10), post(10), post(10)]);
    expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
    expect(fake.maxInFlight).to.equal(1);
  });

  it('wakes the worker for an image accepted while every slot was busy', async () => {
    const first = post(10);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = await post(10);
    expect(second.status).to.equal(200);
    expect((await first).status).to.equal(200);
  });

  it('ends a ?wait as soon as the image\'s batch is cancelled, answering with the cancelled image', async () => {
    fake.script({ kind: 'hang' });
    const batch = (await fetch(`${server.url}/api/v1/batches`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: '{}' }).then((r) => r.json())) as { id: string };
    const started = Date.now();
    const waiting = fetch(`${server.url}/api/v1/images?wait=20`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: auth },
      body: JSON.stringify({ image_base64: jpeg.toString('base64'), batch_id: batch.id }),
    }).then(async (res) => ({ status: res.status, body: (await res.json()) as { status: string } }));
    while (fake.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    await fetch(`${server.url}/api/v1/batches/${batch.id}/cancel`, { method: 'POST', headers: { authorization: auth } });
    const answer = await waiting;
    expect(answer).to.deep.include({ status: 200 });
    expect(answer.body.status).to.equal('cancelled');
    expect(Date.now() - started).to.be.below(10_000);
  });
});
