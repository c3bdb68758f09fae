import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { expect } from 'chai';
import express from 'express';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { signUp, DEFAULT_PASSWORD } from '../../helpers/session';
import { addImages, countRows, seedBatch, waitFor } from '../../helpers/queue-fixtures';
import { openEventStream, progressEvents, type OpenedStream } from '../../helpers/event-streams';
import { formSession } from '../../../bench/http-session';
import { batchWatcherCount, watchBatch } from '../../../server/services/describe/watch';
import { progressStreamCount } from '../../../server/services/describe/progress-streams';
import { eventStream } from '../../../server/routes/web/event-stream';

function listen(handler: http.RequestListener): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server })));
}

async function pending(t: TestApp, batchId: string): Promise<number> {
  const row = await t.deps.db('images').where({ batch_id: batchId }).whereIn('status', ['queued', 'processing']).count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** CPU time (user + system, ms) this process spends over `ms` of wall time. */
async function cpuOver(ms: number): Promise<number> {
  const start = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

describe('live progress streams under load', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let base: string;
  let server: http.Server;
  let log = '';
  const opened: OpenedStream[] = [];

  beforeEach(async () => {
    fake = await startFakeOpenAI();
    const logStream = new PassThrough();
    log = '';
    logStream.on('data', (chunk) => (log += chunk));
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, QUEUE_CONCURRENCY: '1', LOG_LEVEL: 'info' }, { logStream });
    ({ url: base, server } = await listen(t.app));
  });

  afterEach(async () => {
    for (const stream of opened.splice(0)) stream.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
    await fake.close();
  });

  async function signedIn(): Promise<{ userId: number; cookie: string }> {
    const { user } = await signUp(t.app);
    const { cookie } = await formSession(base, { email: user.email, password: DEFAULT_PASSWORD });
    return { userId: user.id, cookie };
  }

  async function open(batchId: string, cookie: string): Promise<OpenedStream> {
    const stream = await openEventStream(base, `/batches/${batchId}/events`, cookie);
    opened.push(stream);
    return stream;
  }

  it('survives 2,000 streams opened and dropped: no watcher left, the process idle, the batch completed', async function () {
    this.timeout(180_000);
    const { userId, cookie } = await signedIn();
    const { batchId } = await seedBatch(t, {}, userId);
    await addImages(t, userId, batchId, 20);
    // The model answers nothing until the storm is over: the batch stays incomplete, so a watcher
    // leaked by a dropped stream would still be there to count.
    fake.hold();
    await t.deps.queue.start();
    await waitFor(() => fake.requests.length === 1, 5_000, 'the first job to reach the model');

    const seen = { droppedBeforeAnswer: 0, streamed: 0, refused: 0 };
    const attempt = (i: number) =>
      new Promise<void>((resolve) => {
        const req = http.get(`${base}/batches/${batchId}/events`, { headers: { cookie, accept: 'text/event-stream' }, agent: false });
        let answered = false;
        req.on('response', (res) => {
          answered = true;
          if (res.statusCode === 200) seen.streamed += 1;
          else if (res.statusCode === 429) seen.refused += 1;
          res.once('data', () => req.destroy());
          res.on('error', () => undefined);
        });
        req.on('error', () => undefined);
        req.on('close', () => resolve());
        // Two in three leave at a random moment before their answer: while the session or the batch
        // is being read. The others leave once the first event (or the refusal) arrives.
        if (i % 3 !== 2) {
          setTimeout(() => {
            if (!answered) seen.droppedBeforeAnswer += 1;
            req.destroy();
          }, Math.random() * 40);
        }
      });
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < 2000) await attempt(next++);
      }),
    );
    expect(seen.droppedBeforeAnswer, JSON.stringify(seen)).to.be.above(100);
    expect(seen.streamed, JSON.stringify(seen)).to.be.above(0);

    await waitFor(() => progressStreamCount(t.deps) === 0 && batchWatcherCount(t.deps) === 0, 10_000, 'every stream and watcher to be gone');
    expect(await pending(t, batchId), 'the batch is still waiting for the model').to.equal(20);
    const cpuMs = await cpuOver(2_000);
    expect(cpuMs, `CPU ms used in 2 s of quiet after the storm`).to.be.below(300);

    fake.release();
    await waitFor(async () => (await pending(t, batchId)) === 0, 30_000, 'the batch to complete');
    expect(await countRows(t, 'images', { batch_id: batchId, status: 'done' })).to.equal(20);
    expect(batchWatcherCount(t.deps)).to.equal(0);
    expect(log).to.not.match(/"level":(50|60)/);
    expect(log).to.not.contain('"stack"');
  });

  it('answers 429 in plain words past 3 streams for a batch or 6 for an account, and frees a place when a stream closes', async () => {
    const owner = await signedIn();
    const other = await signedIn();
    const [a, b, c] = [await seedBatch(t, {}, owner.userId), await seedBatch(t, {}, owner.userId), await seedBatch(t, {}, owner.userId)];
    for (const { batchId } of [a, b, c]) await addImages(t, owner.userId, batchId, 1);
    const theirs = await seedBatch(t, {}, other.userId);
    await addImages(t, other.userId, theirs.batchId, 1);

    const onA = [await open(a.batchId, owner.cookie), await open(a.batchId, owner.cookie), await open(a.batchId, owner.cookie)];
    expect(onA.map((s) => s.status)).to.deep.equal([200, 200, 200]);
    const fourth = await open(a.batchId, owner.cookie);
    expect(fourth.status).to.equal(429);
    expect(fourth.contentType).to.match(/^text\/plain/);
    expect(fourth.body()).to.equal('Live progress is already open in too many windows. This page checks for updates every few seconds instead.');

    const onB = [await open(b.batchId, owner.cookie), await open(b.batchId, owner.cookie), await open(b.batchId, owner.cookie)];
    expect(onB.map((s) => s.status)).to.deep.equal([200, 200, 200]);
    expect((await open(c.batchId, owner.cookie)).status, 'a seventh stream for the account').to.equal(429);
    // Another account's streams are counted apart; its 404s on this account's batch take no place here.
    for (let i = 0; i < 8; i += 1) expect((await open(a.batchId, other.cookie)).status).to.equal(404);
    expect((await open(theirs.batchId, other.cookie)).status).to.equal(200);
    expect(progressStreamCount(t.deps)).to.equal(7);

    onA[0].close();
    const onC = await waitFor(async () => {
      const stream = await open(c.batchId, owner.cookie);
      return stream.status === 200 ? stream : null;
    }, 5_000, 'a place to come free');
    expect(progressEvents(onC.body())[0]).to.deep.include({ complete: false });
  });

  it('gives all the streams of a batch one watcher, ends them when the batch completes, and then stops it', async () => {
    const { userId, cookie } = await signedIn();
    const a = await seedBatch(t, {}, userId);
    const b = await seedBatch(t, {}, userId);
    await addImages(t, userId, a.batchId, 2);
    await addImages(t, userId, b.batchId, 1);
    const onA = [await open(a.batchId, cookie), await open(a.batchId, cookie), await open(a.batchId, cookie)];
    const onB = [await open(b.batchId, cookie), await open(b.batchId, cookie)];
    expect(batchWatcherCount(t.deps)).to.equal(2);

    for (const stream of onB) stream.close();
    await waitFor(() => batchWatcherCount(t.deps) === 1, 5_000, "b's watcher to stop with its last stream");
    expect(progressStreamCount(t.deps)).to.equal(3);

    await t.deps.queue.start();
    await Promise.all(onA.map((stream) => stream.ended));
    for (const stream of onA) expect(progressEvents(stream.body()).at(-1)).to.deep.include({ complete: true, counts: { queued: 0, processing: 0, done: 2, failed: 0, cancelled: 0, refused: 0 } });
    await waitFor(() => batchWatcherCount(t.deps) === 0 && progressStreamCount(t.deps) === 0, 5_000, 'the watcher to stop with the batch');
  });

  it('stops watching a batch once it is complete, even while a subscriber is still attached', async () => {
    const { userId, batchId } = await seedBatch(t);
    await addImages(t, userId, batchId, 1);
    const seen: boolean[] = [];
    watchBatch(t.deps, userId, batchId, { progress: (progress) => seen.push(progress.complete), end: () => seen.push(false) });
    expect(batchWatcherCount(t.deps)).to.equal(1);
    await t.deps.queue.start();
    await waitFor(() => batchWatcherCount(t.deps) === 0, 5_000, 'the watcher to stop with the batch');
    expect(seen.at(-1)).to.equal(true);
  });

  it('ends the streams of a batch deleted without a word, found by the periodic re-read', async function () {
    this.timeout(30_000);
    const { userId, cookie } = await signedIn();
    const { batchId } = await seedBatch(t, {}, userId);
    await addImages(t, userId, batchId, 1);
    const stream = await open(batchId, cookie);
    // The watcher reads once more when a stream joins; after that, nothing announces the deletion.
    await waitFor(() => progressEvents(stream.body()).length === 2, 5_000, 'the read that follows joining');
    const imageIds = await t.deps.db('images').where({ batch_id: batchId }).pluck('id');
    await t.deps.db('jobs').whereIn('image_id', imageIds).delete();
    await t.deps.db('images').whereIn('id', imageIds).delete();
    await t.deps.db('batches').where({ id: batchId }).delete();
    await stream.ended; // within one re-read period (5 s)
    await waitFor(() => batchWatcherCount(t.deps) === 0 && progressStreamCount(t.deps) === 0, 5_000, 'the watcher and the stream to be gone');
  });
});

describe('event-stream writer', () => {
  it('neither throws nor raises an error when written after its end or after the client left', async () => {
    const app = express();
    let finished: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finished = resolve));
    app.get('/ended', (_req, res) => {
      const events = eventStream(res);
      events.send('progress', { n: 1 });
      events.end();
      events.send('progress', { n: 2 });
      events.end();
    });
    app.get('/left', (_req, res) => {
      const events = eventStream(res);
      events.send('progress', { n: 1 });
      events.onClose(() => {
        events.send('progress', { n: 2 });
        events.end();
        setImmediate(finished);
      });
    });
    const { url, server } = await listen(app);
    try {
      const res = await fetch(`${url}/ended`);
      expect(await res.text()).to.equal('retry: 3000\n\nevent: progress\ndata: {"n":1}\n\n');
      const left = await openEventStream(url, '/left', '');
      left.close();
      await done;
      // An 'error' raised on a response nobody listens to would surface here as an uncaught exception, failing the test.
      await new Promise((resolve) => setTimeout(resolve, 0));
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
