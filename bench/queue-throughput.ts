import path from 'node:path';
import { fork, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { buildTestApp } from '../test/helpers/test-app';
import { addImages, seedBatch, workingCopyJpeg } from '../test/helpers/queue-fixtures';
import { createQueue } from '../server/queue';
import { systemClock } from '../server/clock';
import { OpenAIDescriber } from '../server/describers/openai';
import { DEFAULT_DESCRIBE_OPTIONS } from '../server/describers/types';

/**
 * Queue throughput (issue 3): 200 images through the fake OpenAI server at 500 ms latency with
 * QUEUE_CONCURRENCY=8. The limit is concurrency ÷ latency = 16 images/s; goal ≥ 0.9 of it.
 * Also measured in the same run: the describer alone, 8 calls at a time with no queue or database,
 * so the ratio to it shows what the queue itself costs.
 */
const IMAGES = 200;
const CONCURRENCY = 8;
const LATENCY_MS = 500;

export async function runQueueThroughputBench(): Promise<void> {
  const limit = CONCURRENCY / (LATENCY_MS / 1000);
  const fake = await startModelServer(LATENCY_MS);
  const t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, QUEUE_CONCURRENCY: String(CONCURRENCY) });
  try {
    // Production settings: the system clock and the default poll interval and backoff.
    t.deps.clock = systemClock;
    t.deps.queue = createQueue(t.config, t.deps);

    const baseline = await describerAlone(fake.baseUrl);
    const { userId, batchId } = await seedBatch(t);
    await addImages(t, userId, batchId, IMAGES);
    await fake.ask('reset');

    let done = 0;
    let failed = 0;
    const finished = new Promise<void>((resolve) => {
      const tick = () => (done + failed === IMAGES ? resolve() : undefined);
      t.deps.events.on('image.completed', () => (done++, tick()));
      t.deps.events.on('image.failed', () => (failed++, tick()));
    });
    const started = performance.now();
    await t.deps.queue.start();
    await finished;
    const seconds = (performance.now() - started) / 1000;
    const rate = IMAGES / seconds;
    const stored = await t.deps.db('descriptions').count({ n: '*' }).first();
    const { stats } = (await fake.ask('stats')) as { stats: { requests: number; maxInFlight: number } };

    console.log(`images: ${IMAGES}, concurrency ${CONCURRENCY}, model latency ${LATENCY_MS} ms, failed ${failed}, stored ${stored?.n}`);
    console.log(`describer alone (no queue): ${baseline.toFixed(2)} images/s`);
    console.log(`queue: ${rate.toFixed(2)} images/s in ${seconds.toFixed(2)} s; model calls ${stats.requests}, peak in flight ${stats.maxInFlight}`);
    console.log(`ratio to the limit (${limit}/s): ${(rate / limit).toFixed(3)} (goal >= 0.9)`);
    console.log(`ratio to the describer alone: ${(rate / baseline).toFixed(3)}`);
  } finally {
    await t.close();
    fake.child.disconnect();
  }
}

export interface ModelServer {
  baseUrl: string;
  child: ChildProcess;
  ask(message: string): Promise<unknown>;
}

/** bench/fake-openai-process.ts in a child process: a model server of fixed latency. */
export function startModelServer(latencyMs: number): Promise<ModelServer> {
  const child = fork(path.join(__dirname, 'fake-openai-process.js'), [String(latencyMs)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (message: string) =>
    new Promise<unknown>((resolve) => {
      child.once('message', resolve);
      child.send(message);
    });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ baseUrl: (m as { url: string }).url, child, ask }));
    child.once('exit', (code) => reject(new Error(`fake model server exited with ${code}`)));
  });
}

/** The same number of describe calls, CONCURRENCY at a time, straight to the describer. */
async function describerAlone(baseUrl: string): Promise<number> {
  const describer = new OpenAIDescriber({ baseUrl, model: 'bench', timeoutMs: 10_000 });
  const image = await workingCopyJpeg();
  const input = { image, mimeType: 'image/jpeg', width: 40, height: 30, originalName: 'bench.jpg', embedded: {} };
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < IMAGES) await describer.describe(input, DEFAULT_DESCRIBE_OPTIONS);
    }),
  );
  return IMAGES / ((performance.now() - started) / 1000);
}

if (require.main === module) {
  runQueueThroughputBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
