import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_DESCRIBE_OPTIONS } from '../server/describers/types';
import { prepareImage } from '../server/services/ingest/prepare';
import { buildTestApp } from '../test/helpers/test-app';
import { addImages, seedBatch, waitFor } from '../test/helpers/queue-fixtures';

/**
 * `sightline describe` on a folder with the embedded describer against the server's own durable
 * queue with the same describer, on the same images in the same run. Both are compared at their
 * steady rate: from the first image finished to the last (model loading counted apart, since the
 * server loads its models once at boot). The command line also makes each working copy from the
 * file (the server did that at upload, before the queue). Goal: the command line at ≥ 0.9× the queue.
 * The machine is shared, so each is run ROUNDS times, alternating, and the best round of each compared.
 */
const GOAL = 0.9;
const ROUNDS = 2;
const CLI = path.resolve(__dirname, '../server/cli/index.js');

function imagesDir(): string {
  if (process.env.SIGHTLINE_BENCH_IMAGES) return path.resolve(process.env.SIGHTLINE_BENCH_IMAGES);
  const evalImages = path.resolve(process.cwd(), '..', 'shared', 'eval', 'images');
  return fs.existsSync(evalImages) ? evalImages : path.resolve(process.cwd(), 'test', 'fixtures', 'images');
}

/** The command line on a folder of the images; its plain progress lines (not a terminal) time each image. */
async function cliRate(folder: string, count: number): Promise<{ steady: number; whole: number }> {
  const out = path.join(path.dirname(folder), 'results.csv');
  fs.rmSync(out, { force: true });
  const finished: number[] = [];
  const started = performance.now();
  const child = spawn(process.execPath, [CLI, 'describe', folder, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) if (/^\[\d+\/\d+\] done /.test(line)) finished.push(performance.now());
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const whole = (performance.now() - started) / 1000;
  if (code !== 0 || finished.length !== count) throw new Error(`the command line exited ${code} with ${finished.length} of ${count} described`);
  return { steady: (count - 1) / ((finished.at(-1)! - finished[0]!) / 1000), whole: count / whole };
}

/** The same images queued as the server queues them (working copies in the blob store), then the queue started. */
async function queueRate(files: Buffer[]): Promise<number> {
  const t = await buildTestApp({ DESCRIBER: 'local' });
  try {
    const copies = await Promise.all(files.map(async (bytes) => (await prepareImage(bytes, 100_000_000)).workingCopy));
    // The server's models are loaded at boot: warm both inference workers before timing.
    await Promise.all([0, 1].map((i) => t.deps.describer.describe({ image: copies[i]!, mimeType: 'image/jpeg', width: 0, height: 0, originalName: 'warm.jpg', embedded: {} }, DEFAULT_DESCRIBE_OPTIONS)));
    const { userId, batchId } = await seedBatch(t);
    const ids: string[] = [];
    for (const copy of copies) ids.push(...(await addImages(t, userId, batchId, 1, copy)));
    let first = 0;
    await t.deps.queue.start();
    await waitFor(async () => {
      const done = Number((await t.deps.db('images').whereIn('id', ids).whereIn('status', ['done', 'failed']).count({ n: '*' }).first())?.n);
      if (done > 0 && first === 0) first = performance.now();
      return done === ids.length;
    }, 10 * 60_000, 'all images described');
    return (ids.length - 1) / ((performance.now() - first) / 1000);
  } finally {
    await t.close();
  }
}

export async function benchCliVsQueue(): Promise<void> {
  const dir = imagesDir();
  const names = fs.readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
  const folder = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-cli-')), 'images');
  fs.mkdirSync(folder);
  for (const name of names) fs.copyFileSync(path.join(dir, name), path.join(folder, name));
  console.log(`  images: ${names.length} from ${dir}; ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  try {
    const files = names.map((name) => fs.readFileSync(path.join(dir, name)));
    let queue = 0;
    let cli = { steady: 0, whole: 0 };
    for (let round = 0; round < ROUNDS; round += 1) {
      queue = Math.max(queue, await queueRate(files));
      const run = await cliRate(folder, names.length);
      if (run.steady > cli.steady) cli = run;
    }
    const ratio = cli.steady / queue;
    console.log(`  best of ${ROUNDS} rounds each, alternating`);
    console.log(`  server queue (embedded describer, working copies made at upload): ${queue.toFixed(2)} images/s`);
    console.log(`  sightline describe (embedded describer, working copies made per file): ${cli.steady.toFixed(2)} images/s steady, ${cli.whole.toFixed(2)} images/s including start-up and model loading`);
    console.log(`  ratio command line / queue: ${ratio.toFixed(2)}×  goal ≥ ${GOAL}  ${ratio >= GOAL ? 'met' : 'MISSED'}`);
  } finally {
    fs.rmSync(path.dirname(folder), { recursive: true, force: true });
  }
}
