import cluster from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import express from 'express';
import { buildTestApp, type TestApp } from '../test/helpers/test-app';
import { hashPassword } from '../server/auth/passwords';
import { insertUser } from '../server/db/users';

/**
 * Child process for the HTTP benchmarks: BENCH_WEB_PROCESSES copies of the full app (production
 * bcrypt cost 12, request logging on, to /dev/null) behind one port, each with a bare Express route
 * on a second port as the baseline, all on 127.0.0.1. Node's `cluster` module shares each port
 * between the copies, as several web processes behind one proxy. The primary process seeds the
 * database named by BENCH_DATA_DIR (SQLite) or DATABASE_URL (PostgreSQL) first, then forks the web
 * processes. Sends { appUrl, bareUrl } to the parent over IPC.
 */
export const BENCH_EMAIL = 'bench@example.test';
export const BENCH_PASSWORD = 'bench mark passphrase';

function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    // In a cluster every copy's listen(0) gets the same port, so the copies share it.
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** A user with 10 batches of 20 images: the dashboard lists them with counts. */
async function seed(t: TestApp): Promise<void> {
  const now = Date.now();
  const userId = await insertUser(t.deps.db, {
    email: BENCH_EMAIL,
    name: 'Bench',
    password_hash: await hashPassword(t.config, BENCH_PASSWORD),
    role: 'admin',
    created_at: now,
  });
  for (let b = 0; b < 10; b += 1) {
    const batchId = crypto.randomBytes(12).toString('hex');
    await t.deps.db('batches').insert({ id: batchId, user_id: userId, name: `Batch ${b}`, options_json: '{}', created_at: now + b, updated_at: now + b });
    const images = Array.from({ length: 20 }, (_, i) => ({
      id: crypto.randomBytes(12).toString('hex'),
      user_id: userId,
      batch_id: batchId,
      original_name: `photo-${i}.jpg`,
      status: i % 3 === 0 ? 'queued' : 'done',
      created_at: now,
      updated_at: now,
    }));
    await t.deps.db('images').insert(images);
  }
}

/** The same settings for the seeding process and every web process: one database, one DATA_DIR. */
function openApp(): Promise<TestApp> {
  return buildTestApp({
    BCRYPT_COST: '12',
    LOG_LEVEL: 'info',
    // Flood requests carry made-up X-Forwarded-For addresses: a botnet, which per-IP limits do not stop.
    TRUST_PROXY: 'true',
    DESCRIBER: 'openai',
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    DATA_DIR: process.env.BENCH_DATA_DIR!,
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    SESSION_SECRET: 'the bench processes share this session secret',
  });
}

async function webProcess(): Promise<void> {
  const t = await openApp();
  const bare = express();
  bare.get('/plain', (_req, res) => void res.send('ok'));
  const [appUrl, bareUrl] = await Promise.all([listen(t.app), listen(bare)]);
  process.send?.({ appUrl, bareUrl });
  process.on('message', (message: unknown) => {
    if (message === 'cpu') process.send?.({ cpuMicros: process.cpuUsage().user + process.cpuUsage().system });
  });
}

/** Asks every web process for the CPU time it has used so far, and adds them up. */
function cpuOfWorkers(): Promise<number> {
  const workers = Object.values(cluster.workers ?? {}).filter((w) => w !== undefined);
  return Promise.all(
    workers.map((w) => new Promise<number>((resolve) => {
      w.once('message', (m: { cpuMicros: number }) => resolve(m.cpuMicros));
      w.send('cpu');
    })),
  ).then((all) => all.reduce((a, b) => a + b, 0));
}

async function primary(): Promise<void> {
  const t = await openApp();
  await seed(t);
  const copies = Number(process.env.BENCH_WEB_PROCESSES ?? 1);
  const urls = await Promise.all(
    Array.from({ length: copies }, () => new Promise<{ appUrl: string; bareUrl: string }>((resolve, reject) => {
      const worker = cluster.fork();
      worker.once('message', resolve);
      worker.once('exit', (code) => reject(new Error(`web process exited with ${code}`)));
    })),
  );
  process.send?.(urls[0]);
  // 'cpu': CPU time the web processes spent, so the parent can report CPU per request whatever else
  // the machine runs. { writesPerSecond }: commits that many small writes a second from this process
  // (as a queue worker does while it describes), or stops at 0.
  let writer: NodeJS.Timeout | undefined;
  process.on('message', (message: unknown) => {
    if (message === 'cpu') {
      void cpuOfWorkers().then((cpuMicros) => process.send?.({ cpuMicros }));
      return;
    }
    const perSecond = (message as { writesPerSecond?: number }).writesPerSecond ?? 0;
    const oneImage = t.deps.db('images').select('id').where({ status: 'done' }).limit(1);
    clearInterval(writer);
    if (perSecond > 0) writer = setInterval(() => void t.deps.db('images').whereIn('id', oneImage).update({ updated_at: Date.now() }), 1000 / perSecond);
    process.send?.({ writesPerSecond: perSecond });
  });
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) {
  (cluster.isPrimary ? primary() : webProcess()).catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
