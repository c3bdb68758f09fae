import os from 'node:os';
import { performance } from 'node:perf_hooks';
import sharp from 'sharp';
import { buildTestApp } from '../test/helpers/test-app';
import { startFakeOpenAI } from '../test/helpers/fake-openai';
import { listen, userWithKey } from '../test/helpers/api-client';
import { WebhookReceiver } from '../test/helpers/webhook-receiver';
import { createEndpoint } from '../server/webhooks/endpoints';
import { subscribeWebhooks } from '../server/webhooks/subscribe';
import { defaultQueueOptions } from '../server/queue/worker';

/**
 * API figures (issue 6):
 * 1. One `POST /api/v1/images?wait=30` through the fake model server at 1 s latency, as a ratio to
 *    calling the fake server directly with the same image (goal ≤ 1.05). Medians of RUNS each, with
 *    the process's CPU time per call (client, app and fake server share it, so the difference between
 *    the two is the API's own CPU cost, whatever else the machine runs).
 * 2. Webhook delivery latency: from the queue's `image.completed` event to the receiver holding the
 *    signed request, p50 and p95 over WEBHOOK_IMAGES images sent by WEBHOOK_CLIENTS clients (goal p95 ≤ 1 s).
 */
/** Medians of this many pairs: enough for a steady median on a shared machine, short enough to keep the lock briefly. */
const RUNS = 9;
const MODEL_LATENCY_MS = 1000;
const WEBHOOK_IMAGES = 40;
/** Uploads in flight at once while measuring webhooks: a script describing a folder, not a flood. */
const WEBHOOK_CLIENTS = 2;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A typical web product photo: 1024 × 768, smooth colour fields with light grain (about 100 KB). */
async function photo(): Promise<Buffer> {
  const smooth = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
    .resize(1024, 768, { kernel: 'cubic' })
    .png()
    .toBuffer();
  return sharp(smooth).jpeg({ quality: 82 }).toBuffer();
}

/** The baseline: the same image, straight to the model server, as one chat completion. */
async function directCall(baseUrl: string, image: Buffer): Promise<{ total: number; cpu: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const res = await fetch(`${baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench' },
    body: JSON.stringify({
      model: 'bench',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe this image.' }, { type: 'image_url', image_url: { url: `data:image/jpeg;base64,${image.toString('base64')}` } }] }],
    }),
  });
  await res.json();
  return { total: performance.now() - started, cpu: cpuMs(cpuBefore) };
}

function cpuMs(before: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

/** Where one request's time went, from the queue's events and the stored provenance. */
interface Phases {
  total: number;
  cpu: number;
  /** Request sent → job claimed: parsing, quota, image preparation, the accept commit, the claim. */
  accept: number;
  /** The describer's own call (provenance.duration_ms). */
  model: number;
  /** Claimed → completion event, minus the model call: blob read, result commit. */
  worker: number;
  /** Completion event → answer received: the read, the retrieved count, the response. */
  answer: number;
}

export async function benchApiOverhead(): Promise<void> {
  const image = await photo();
  const fake = await startFakeOpenAI({ latencyMs: MODEL_LATENCY_MS });
  const receiver = await new WebhookReceiver().start();
  const env = { DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl, OPENAI_API_KEY: 'bench', ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}`, API_RATE_LIMIT_PER_MINUTE: '100000' };
  // The queue as production runs it (idle poll interval included), not the tests' fast poll.
  const t = await buildTestApp(env, { queue: { pollMs: defaultQueueOptions(1, 60_000).pollMs } });
  await t.deps.queue.start();
  const server = await listen(t.app);
  const { auth, userId } = await userWithKey(t.deps, 'write');
  const seen = new Map<string, { started?: number; completed?: number }>();
  t.deps.events.on('image.started', (e) => seen.set(e.imageId, { started: performance.now() }));
  t.deps.events.on('image.completed', (e) => Object.assign(seen.get(e.imageId) ?? {}, { completed: performance.now() }));
  try {
    const post = async (): Promise<Phases> => {
      const started = performance.now();
      const cpuBefore = process.cpuUsage();
      const res = await fetch(`${server.url}/api/v1/images?wait=30`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: auth },
        body: JSON.stringify({ image_base64: image.toString('base64') }),
      });
      const body = (await res.json()) as { id: string; status?: string; result?: { provenance: { duration_ms: number } } };
      const ended = performance.now();
      const cpu = cpuMs(cpuBefore);
      if (res.status !== 200 || body.status !== 'done' || !body.result) throw new Error(`POST /images?wait=30 answered ${res.status} ${JSON.stringify(body).slice(0, 200)}`);
      const at = seen.get(body.id) ?? {};
      const model = body.result.provenance.duration_ms;
      const claimed = at.started ?? started;
      const completed = at.completed ?? ended;
      return { total: ended - started, cpu, accept: claimed - started, model, worker: completed - claimed - model, answer: ended - completed };
    };
    await directCall(fake.baseUrl, image);
    await post();
    const direct: { total: number; cpu: number }[] = [];
    const api: Phases[] = [];
    for (let i = 0; i < RUNS; i++) {
      direct.push(await directCall(fake.baseUrl, image));
      api.push(await post());
    }
    const directMs = percentile(direct.map((d) => d.total), 50);
    const directCpu = percentile(direct.map((d) => d.cpu), 50);
    const median = (key: keyof Phases) => percentile(api.map((p) => p[key]), 50);
    const apiMs = median('total');
    console.log(`model call direct (fake server, ${MODEL_LATENCY_MS} ms latency): median ${directMs.toFixed(0)} ms over ${RUNS}`);
    console.log(`POST /api/v1/images?wait=30, same image:             median ${apiMs.toFixed(0)} ms over ${RUNS}`);
    console.log(`  medians: accept to claimed ${median('accept').toFixed(1)} ms, model call ${median('model').toFixed(0)} ms, rest of the job ${median('worker').toFixed(1)} ms, completion to answer ${median('answer').toFixed(1)} ms`);
    console.log(`  CPU time per call (median): direct ${directCpu.toFixed(1)} ms, through the API ${median('cpu').toFixed(1)} ms`);
    console.log(`API overhead ratio: ${(apiMs / directMs).toFixed(3)} (goal ≤ 1.05)`);

    fake.latencyMs = 0;
    const { secret } = await createEndpoint(t.deps, userId, { url: receiver.url, events: ['image.completed'] });
    receiver.secret = secret;
    receiver.now = () => t.clock.now().getTime();
    subscribeWebhooks(t.deps, t.deps.webhooks!);
    const completedAt = new Map<string, number>();
    t.deps.events.on('image.completed', (e) => completedAt.set(e.imageId, Date.now()));
    const before = receiver.received.length;
    let sent = 0;
    const client = async () => {
      while (sent < WEBHOOK_IMAGES) {
        sent += 1;
        await fetch(`${server.url}/api/v1/images?wait=30`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: auth }, body: JSON.stringify({ image_base64: image.toString('base64') }) });
      }
    };
    await Promise.all(Array.from({ length: WEBHOOK_CLIENTS }, client));
    await receiver.waitFor(before + WEBHOOK_IMAGES, 60_000);
    const got = receiver.received.slice(before);
    const latencies = got.map((r) => r.at - (completedAt.get(String(r.payload.data.id)) ?? r.at));
    const unverified = got.filter((r) => !r.verified).length;
    console.log(`load average during the run: ${os.loadavg().map((n) => n.toFixed(1)).join(', ')} on ${os.cpus().length} cores`);
    console.log(`webhook delivery after completion over ${got.length} images: p50 ${percentile(latencies, 50)} ms, p95 ${percentile(latencies, 95)} ms (goal p95 ≤ 1000 ms); unverified signatures: ${unverified}`);
  } finally {
    await server.close();
    await t.close();
    await fake.close();
    await receiver.close();
  }
}
