import http from 'node:http';
import crypto from 'node:crypto';
import sharp from 'sharp';
import { Cluster, rolesAvailable, stopClusterDatabase, type Member } from './cluster';
import { startModelServer, type ModelServer } from './queue-throughput';
import { formSession } from './http-session';
import { cpuSummary, sampleCpu } from './cpu';
import { hashPassword } from '../server/auth/passwords';
import { insertUser } from '../server/db/users';

/**
 * Upload throughput, end to end (issue 14): one 64-image upload through the upload form, as the
 * upload script sends it (options and file count first), to a web process; 1, 2 and 4 worker
 * processes on PostgreSQL describe it against a model server of fixed latency. Measured from the
 * upload's first byte to the last stored result; printed as a ratio of concurrency ÷ latency, where
 * concurrency is QUEUE_CONCURRENCY × worker processes. Goal ≥ 0.9 at each size.
 */
const IMAGES = 64;
const LATENCY_MS = 1000;
const CONCURRENCY = 8;
const SIZES = [1, 2, 4];
const BOUNDARY = '----sightline-bench-upload';

/** Web-sized photos (800×600, smooth colour and grain), each different. */
async function photos(n: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      sharp({ create: { width: 80, height: 60, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 + (i % 20) } } })
        .resize(800, 600, { kernel: 'cubic' })
        .jpeg({ quality: 85 })
        .toBuffer(),
    ),
  );
}

/** The body the upload script sends: the fields, how many files follow, then the files. */
export function formBody(fields: Record<string, string>, files: { name: string; bytes: Buffer }[]): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries({ ...fields, image_count: String(files.length) })) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    parts.push(Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="images"; filename="${file.name}"\r\nContent-Type: image/jpeg\r\n\r\n`), file.bytes, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(parts);
}

/** POST /images with the session; resolves with the status once the answer is read. */
export function postForm(url: string, session: { cookie: string; csrf: string }, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}/images`, {
      method: 'POST',
      headers: {
        cookie: session.cookie,
        'x-csrf-token': session.csrf,
        accept: 'application/json',
        'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
        'content-length': body.length,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function signIn(cluster: Cluster, web: Member): Promise<{ userId: number; session: { cookie: string; csrf: string } }> {
  const email = `bench-${crypto.randomBytes(4).toString('hex')}@example.test`;
  const password = 'bench passphrase for uploads';
  const userId = await insertUser(cluster.admin.deps.db, { email, name: 'Bench', password_hash: await hashPassword(cluster.admin.config, password), role: 'user', created_at: Date.now() });
  return { userId, session: await formSession(web.url!, { email, password }) };
}

/** Waits until the user has `count` finished images; returns the last one's finish time (epoch ms). */
async function lastResult(cluster: Cluster, userId: number, count: number, timeoutMs: number): Promise<{ at: number; failed: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await cluster.admin.deps.db('images').where({ user_id: userId }).whereIn('status', ['done', 'failed']).count({ n: '*' }).max({ at: 'processed_at' }).first();
    if (Number(row?.n) >= count) {
      const failed = await cluster.admin.deps.db('images').where({ user_id: userId, status: 'failed' }).count({ n: '*' }).first();
      return { at: Number(row?.at), failed: Number(failed?.n) };
    }
    if (Date.now() > deadline) throw new Error(`only ${row?.n} of ${count} images finished in time`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function measure(fake: ModelServer, workers: number, images: Buffer[]): Promise<number> {
  const cluster = await Cluster.create({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'bench', OPENAI_TIMEOUT_MS: '15000', QUEUE_CONCURRENCY: String(CONCURRENCY) });
  try {
    // Before roles exist every process serves and works, so the first worker is also the web process.
    const web = rolesAvailable() ? await cluster.start('web') : await cluster.start('worker');
    for (let i = rolesAvailable() ? 0 : 1; i < workers; i++) await cluster.start('worker');
    const files = images.map((bytes, i) => ({ name: `photo-${i}.jpg`, bytes }));

    // A first upload warms every process (connections, JIT); the measured one follows.
    const warm = await signIn(cluster, web);
    await postForm(web.url!, warm.session, formBody({ language: 'en' }, files.slice(0, workers * CONCURRENCY)));
    await lastResult(cluster, warm.userId, workers * CONCURRENCY, 60_000);

    const { userId, session } = await signIn(cluster, web);
    await fake.ask('reset');
    const body = formBody({ language: 'en' }, files);
    const pids: Record<string, number | undefined> = { model: fake.child.pid };
    for (const m of cluster.members) pids[m === web ? 'web' : `worker ${m.index}`] = m.child.pid;
    const cpu = sampleCpu(pids);
    const started = Date.now();
    const status = await postForm(web.url!, session, body);
    const answered = Date.now();
    if (status !== 200) throw new Error(`upload answered ${status}`);
    const { at, failed } = await lastResult(cluster, userId, IMAGES, 120_000);
    const usage = cpuSummary(cpu, pids);
    const { arrivals } = (await fake.ask('arrivals')) as { arrivals: number[] };
    if (process.env.BENCH_TIMELINE) console.log(arrivals.map((a) => a - started).join(' '));
    const firstQueued = await cluster.admin.deps.db('images').where({ user_id: userId }).min({ at: 'created_at' }).first();
    const seconds = (at - started) / 1000;
    const limit = (workers * CONCURRENCY) / (LATENCY_MS / 1000);
    const ratio = IMAGES / seconds / limit;
    console.log(
      `${workers} worker process${workers > 1 ? 'es' : ''} × ${CONCURRENCY}: ${IMAGES} images in ${seconds.toFixed(2)} s (first queued at ${Number(firstQueued?.at) - started} ms, upload answered at ${answered - started} ms, failed ${failed}); ` +
        `${(IMAGES / seconds).toFixed(1)} images/s of ${limit}/s: ratio ${ratio.toFixed(3)} (goal >= 0.9) ${ratio >= 0.9 ? 'PASS' : 'MISS'}`,
    );
    console.log(`  ${usage}`);
    return ratio;
  } finally {
    await cluster.stop();
  }
}

export async function benchUploadThroughput(): Promise<void> {
  console.log(`${rolesAvailable() ? 'one web process and' : 'processes serving and working (no roles in this build):'} N worker processes, PostgreSQL, model latency ${LATENCY_MS} ms, ${IMAGES} × 800×600 JPEG in one form upload`);
  const fake = await startModelServer(LATENCY_MS);
  try {
    const images = await photos(IMAGES);
    for (const workers of SIZES) await measure(fake, workers, images);
  } finally {
    fake.child.disconnect();
    await stopClusterDatabase();
  }
}

if (require.main === module) {
  benchUploadThroughput().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
