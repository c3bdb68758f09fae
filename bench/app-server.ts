import http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import express from 'express';
import { buildTestApp } from '../test/helpers/test-app';
import { hashPassword } from '../server/auth/passwords';
import { insertUser } from '../server/db/users';

/**
 * Child process for the HTTP benchmarks: the full app (production bcrypt cost 12, request logging
 * on, to /dev/null) on a fresh database, plus a bare Express route as the baseline, both on 127.0.0.1.
 * Sends { appUrl, bareUrl } to the parent over IPC.
 */
export const BENCH_EMAIL = 'bench@example.test';
export const BENCH_PASSWORD = 'bench mark passphrase';

function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** A user with 10 batches of 20 images: the dashboard lists them with counts. */
async function seed(t: Awaited<ReturnType<typeof buildTestApp>>): Promise<void> {
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

async function main(): Promise<void> {
  const t = await buildTestApp({
    BCRYPT_COST: '12',
    LOG_LEVEL: 'info',
    // Flood requests carry made-up X-Forwarded-For addresses: a botnet, which per-IP limits do not stop.
    TRUST_PROXY: 'true',
    DESCRIBER: 'openai',
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
  });
  await seed(t);
  const bare = express();
  bare.get('/plain', (_req, res) => void res.send('ok'));
  const [appUrl, bareUrl] = await Promise.all([listen(t.app), listen(bare)]);
  process.send?.({ appUrl, bareUrl });
  // 'cpu': CPU time this process spent, so the parent can report CPU per request whatever else the
  // machine runs. { writesPerSecond }: commits that many small writes a second (as the queue does
  // while it describes), or stops at 0, so the dashboard can be measured while its reads go stale.
  let writer: NodeJS.Timeout | undefined;
  process.on('message', (message: unknown) => {
    if (message === 'cpu') {
      process.send?.({ cpuMicros: process.cpuUsage().user + process.cpuUsage().system });
      return;
    }
    const perSecond = (message as { writesPerSecond?: number }).writesPerSecond ?? 0;
    const oneImage = t.deps.db('images').select('id').where({ status: 'done' }).limit(1);
    clearInterval(writer);
    if (perSecond > 0) writer = setInterval(() => void t.deps.db('images').whereIn('id', oneImage).update({ updated_at: Date.now() }), 1000 / perSecond);
    process.send?.({ writesPerSecond: perSecond });
  });
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
