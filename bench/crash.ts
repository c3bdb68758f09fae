import crypto from 'node:crypto';
import sharp from 'sharp';
import { Cluster, rolesAvailable, stopClusterDatabase, type Member, type Role } from './cluster';
import { startModelServer } from './queue-throughput';
import { WebhookReceiver } from '../test/helpers/webhook-receiver';
import { hashPassword } from '../server/auth/passwords';
import { insertUser } from '../server/db/users';
import { createApiKey } from '../server/services/api-keys';
import { createEndpoint } from '../server/webhooks/endpoints';

/**
 * Crash (issue 14): two web and three worker processes on PostgreSQL; 500 images sent through the
 * API, each with its own Idempotency-Key (a client retries with the same key until it gets an answer);
 * meanwhile 20 times a random process is killed with SIGKILL and started again. Then, by a deadline:
 * every acknowledged image has exactly one result row and at least one webhook delivery, and no job,
 * image or batch is left unfinished. Describe calls per image are counted at the model server: a
 * worker killed mid-call leaves that call unanswered, so its image is described again (at least once,
 * stored once).
 */
const IMAGES = 500;
const KILLS = 20;
const UPLOADERS = 6;
const LATENCY_MS = 400;
const CONCURRENCY = 4;
const SETTLE_DEADLINE_MS = 120_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const tagOf = (n: number) => `bench-image-${n}`;

interface Upload {
  n: number;
  imageId?: string;
  attempts: number;
  statuses: Record<string, number>;
}

/** One image through POST /api/v1/images, retried with the same key until it is answered. */
async function upload(cluster: Cluster, key: string, photo: string, u: Upload, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const webs = cluster.members.filter((m) => m.role === 'web' && m.url);
    const web = webs[(u.n + u.attempts) % Math.max(1, webs.length)];
    u.attempts += 1;
    let status = 'network';
    try {
      if (!web) throw new Error('no web process up');
      const res = await fetch(`${web.url}/api/v1/images`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'idempotency-key': `crash-${u.n}` },
        body: JSON.stringify({ image_base64: photo, filename: `photo-${u.n}.jpg`, context_keywords: tagOf(u.n) }),
        signal: AbortSignal.timeout(10_000),
      });
      status = String(res.status);
      const body = (await res.json()) as { id?: string };
      if (res.status === 200 || res.status === 202) {
        u.imageId = body.id;
        u.statuses[status] = (u.statuses[status] ?? 0) + 1;
        return;
      }
    } catch {
      // The process answering died, or none was up: try again, as a client would.
    }
    u.statuses[status] = (u.statuses[status] ?? 0) + 1;
    await sleep(status === '409' ? 500 : 200);
  }
}

async function killRandomly(cluster: Cluster, kills: string[]): Promise<void> {
  for (let k = 0; k < KILLS; k++) {
    await sleep(300 + Math.random() * 700);
    const victim = cluster.members[Math.floor(Math.random() * cluster.members.length)]!;
    const { role, index } = victim;
    await cluster.kill(victim);
    kills.push(`${role} ${index}`);
    await cluster.start(role, index);
  }
}

async function count(cluster: Cluster, table: string, where: (q: ReturnType<Cluster['admin']['deps']['db']>) => unknown): Promise<number> {
  const q = cluster.admin.deps.db(table);
  where(q);
  const row = await q.count({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function benchCrash(): Promise<void> {
  const fake = await startModelServer(LATENCY_MS);
  const receiver = await new WebhookReceiver().start();
  const cluster = await Cluster.create({
    DESCRIBER: 'openai',
    OPENAI_BASE_URL: fake.baseUrl,
    OPENAI_API_KEY: 'bench',
    // The lease a killed worker's jobs wait out is 1.5 × this + 1 s.
    OPENAI_TIMEOUT_MS: '4000',
    QUEUE_CONCURRENCY: String(CONCURRENCY),
    API_RATE_LIMIT_PER_MINUTE: '100000',
    ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}`,
  });
  try {
    const roles: Role[] = ['web', 'web', 'worker', 'worker', 'worker'];
    for (const role of roles) await cluster.start(role);
    console.log(`${rolesAvailable() ? 'two web and three worker processes' : 'five processes serving and working (no roles in this build), two of them sent the uploads'}, PostgreSQL, model latency ${LATENCY_MS} ms, QUEUE_CONCURRENCY ${CONCURRENCY}`);

    const { deps } = cluster.admin;
    const userId = await insertUser(deps.db, { email: 'crash@example.test', name: 'Crash', password_hash: await hashPassword(cluster.admin.config, 'crash bench passphrase'), role: 'user', created_at: Date.now() });
    const { key } = await createApiKey(deps, userId, { name: 'crash bench', scope: 'write' });
    const { secret } = await createEndpoint(deps, userId, { url: receiver.url, events: ['image.completed', 'image.failed'] });
    receiver.secret = secret;
    const photo = (await sharp({ create: { width: 320, height: 240, channels: 3, background: '#4a7' } }).jpeg().toBuffer()).toString('base64');

    const started = Date.now();
    const uploads: Upload[] = Array.from({ length: IMAGES }, (_, n) => ({ n, attempts: 0, statuses: {} }));
    const kills: string[] = [];
    let next = 0;
    const uploadDeadline = Date.now() + 180_000;
    const sending = Promise.all(
      Array.from({ length: UPLOADERS }, async () => {
        while (next < IMAGES) await upload(cluster, key, photo, uploads[next++]!, Math.min(uploadDeadline, Date.now() + 90_000));
      }),
    );
    await Promise.all([sending, killRandomly(cluster, kills)]);
    const sentIn = (Date.now() - started) / 1000;

    const acknowledged = uploads.filter((u) => u.imageId);
    const ids = new Set(acknowledged.map((u) => u.imageId!));
    const settleBy = Date.now() + SETTLE_DEADLINE_MS;
    let settled = false;
    while (Date.now() < settleBy) {
      const unfinished = await count(cluster, 'images', (q) => q.where({ user_id: userId }).whereIn('status', ['queued', 'processing']));
      const jobs = await count(cluster, 'jobs', (q) => q.whereIn('status', ['queued', 'running']));
      const hooked = new Set(receiver.received.map((r) => r.payload.data.id as string));
      if (unfinished === 0 && jobs === 0 && [...ids].every((id) => hooked.has(id))) {
        settled = true;
        break;
      }
      await sleep(250);
    }
    const settledIn = (Date.now() - started) / 1000;

    const db = deps.db;
    const results = (await db('descriptions').whereIn('image_id', [...ids]).select('image_id')) as { image_id: string }[];
    const perImage = new Map<string, number>();
    for (const r of results) perImage.set(r.image_id, (perImage.get(r.image_id) ?? 0) + 1);
    const exactlyOnce = [...ids].filter((id) => perImage.get(id) === 1).length;
    const imageRows = await count(cluster, 'images', (q) => q.where({ user_id: userId }));
    const done = await count(cluster, 'images', (q) => q.where({ user_id: userId, status: 'done' }));
    const failed = await count(cluster, 'images', (q) => q.where({ user_id: userId, status: 'failed' }));
    const { calls } = (await fake.ask('calls-per-image')) as { calls: Record<string, number> };
    const callCounts = acknowledged.map((u) => calls[tagOf(u.n)] ?? 0);
    const hooks = new Map<string, number>();
    for (const r of receiver.received) {
      const id = r.payload.data.id as string;
      hooks.set(id, (hooks.get(id) ?? 0) + 1);
    }
    const delivered = [...ids].filter((id) => (hooks.get(id) ?? 0) >= 1).length;
    const unverified = receiver.received.filter((r) => !r.verified).length;
    const stuckJobs = await count(cluster, 'jobs', (q) => q.whereIn('status', ['queued', 'running']));
    const stuckImages = await count(cluster, 'images', (q) => q.where({ user_id: userId }).whereIn('status', ['queued', 'processing']));
    const openBatches = await count(cluster, 'batches', (q) => q.where({ user_id: userId }).whereNotNull('receiving_until'));
    const pendingHooks = await count(cluster, 'webhook_deliveries', (q) => q.where({ user_id: userId }).whereIn('status', ['pending']));
    const statuses: Record<string, number> = {};
    for (const u of uploads) for (const [s, n] of Object.entries(u.statuses)) statuses[s] = (statuses[s] ?? 0) + n;

    console.log(`kills (${kills.length}): ${kills.join(', ')}`);
    console.log(`uploads: ${acknowledged.length} of ${IMAGES} acknowledged in ${sentIn.toFixed(1)} s; answers seen ${JSON.stringify(statuses)}`);
    console.log(`image rows ${imageRows} (done ${done}, failed ${failed}); ${settled ? 'settled' : 'NOT settled'} after ${settledIn.toFixed(1)} s`);
    console.log(`results: ${exactlyOnce} of ${ids.size} acknowledged images have exactly one result row; rows in all ${results.length}`);
    console.log(`model calls per acknowledged image: 0 → ${callCounts.filter((c) => c === 0).length}, 1 → ${callCounts.filter((c) => c === 1).length}, more → ${callCounts.filter((c) => c > 1).length} (max ${Math.max(0, ...callCounts)})`);
    console.log(`webhooks: ${delivered} of ${ids.size} acknowledged images delivered at least once; requests ${receiver.received.length}, repeats ${receiver.received.length - hooks.size}, bad signatures ${unverified}`);
    console.log(`stuck after the deadline: jobs ${stuckJobs}, images ${stuckImages}, batches still receiving ${openBatches}, deliveries pending ${pendingHooks}`);
    const reasons = (await db('images').where({ user_id: userId, status: 'failed' }).select('error')) as { error: string }[];
    if (reasons.length) console.log(`failed images' reasons: ${[...new Set(reasons.map((r) => r.error))].join(' | ')}`);
    const pass = acknowledged.length === IMAGES && imageRows === IMAGES && exactlyOnce === ids.size && results.length === ids.size && delivered === ids.size && stuckJobs + stuckImages + openBatches === 0;
    console.log(`crash check: ${pass ? 'PASS' : 'MISS'} (process logs in ${cluster.logDir})`);
  } finally {
    await cluster.stop();
    await receiver.close();
    fake.child.disconnect();
    await stopClusterDatabase();
  }
}

if (require.main === module) {
  benchCrash().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
