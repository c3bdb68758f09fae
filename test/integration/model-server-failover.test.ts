import { expect } from 'chai';
import { buildTestApp, type TestApp } from './../helpers/test-app';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai';
import { addImages, seedBatch } from '../helpers/queue-fixtures';

/** Polls until `check` holds or the deadline passes; answers the last value. */
async function until<T>(read: () => Promise<T>, check: (value: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

describe('several model servers for one describer', function () {
  this.timeout(60_000);
  let a: FakeOpenAI;
  let b: FakeOpenAI;
  let t: TestApp;

  before(async () => {
    a = await startFakeOpenAI({ latencyMs: 150 });
    b = await startFakeOpenAI({ latencyMs: 150 });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: `${a.baseUrl}, ${b.baseUrl}`, QUEUE_CONCURRENCY: '2' });
  });
  after(async () => {
    await t.close();
    await a.close();
    await b.close();
  });

  it('shares the queue between them, and loses nothing and describes nothing twice when one dies mid-batch', async () => {
    const { userId, batchId } = await seedBatch(t);
    const ids = await addImages(t, userId, batchId, 10);
    await t.deps.queue.start();
    // Both servers take work; then one goes away with requests still in flight.
    await until(async () => [a.requests.length, b.requests.length], ([x, y]) => x >= 2 && y >= 1);
    a.hold();
    await until(async () => a.inFlight, (n) => n >= 1);
    await a.close();

    const statuses = await until(
      async () => (await t.deps.db('images').whereIn('id', ids).select('status')).map((r) => r.status as string),
      (all) => all.every((s) => s === 'done'),
    );
    expect(statuses).to.deep.equal(ids.map(() => 'done'));
    const jobs = await t.deps.db('jobs').whereIn('image_id', ids).select('attempts', 'status');
    expect(jobs.map((j) => [j.status, Number(j.attempts)])).to.deep.equal(ids.map(() => ['done', 1]));
    const versions = await t.deps.db('description_versions').whereIn('image_id', ids).select('image_id');
    expect(versions.map((v) => v.image_id).sort()).to.deep.equal([...ids].sort());
    expect(b.requests.length).to.be.greaterThan(ids.length / 2);
  });
});
