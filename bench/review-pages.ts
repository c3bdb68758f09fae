import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildTestApp, type TestApp } from '../test/helpers/test-app';
import { listen } from '../test/helpers/api-client';
import { signUp, DEFAULT_PASSWORD } from '../test/helpers/session';
import { formSession } from './http-session';

/**
 * Review pages (issue 15): the HTML size and server time of a 1,000-image batch page (cards and table)
 * and of the library's first and a deep page for an account with 1,000 and with 100,000 images,
 * against a bare page (/healthz) measured in the same run. Goals: under a second and under 1.5 MB for
 * the batch page; the library as fast with 100,000 images as with 1,000 (ratio near 1).
 */
const RUNS = 25;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** `count` described images in one batch, written straight to the tables in chunks (a seed, not an upload). */
async function seedImages(t: TestApp, userId: number, count: number): Promise<string> {
  const batchId = crypto.randomBytes(12).toString('base64url');
  const now = Date.now();
  await t.deps.db('batches').insert({ id: batchId, user_id: userId, name: `Seeded ${count}`, options_json: '{"language":"en","altTextLength":125}', status: 'open', created_at: now, updated_at: now });
  for (let start = 0; start < count; start += 2000) {
    const ids = Array.from({ length: Math.min(2000, count - start) }, () => crypto.randomBytes(12).toString('base64url'));
    await t.deps.db.batchInsert('images', ids.map((id, i) => ({
      id, user_id: userId, batch_id: batchId, original_name: `photo-${start + i}.jpg`, status: 'done', width: 800, height: 600,
      created_at: now + start + i, updated_at: now, processed_at: now,
    })), 500);
    await t.deps.db.batchInsert('descriptions', ids.map((id, i) => ({
      image_id: id, user_id: userId, alt_text: `A dog on a porch, number ${start + i}`, caption: 'A dog', title: 'Dog', description: 'A dog sits on a porch.',
      tags_json: '["dog"]', filename: `dog-${start + i}.jpg`, text: '', decorative: false, describer: 'local', model: 'bench', prompt_version: 'b1',
      duration_ms: 1, draft: true, notes_json: '[]', created_at: now, updated_at: now,
    })), 200);
  }
  return batchId;
}

async function measure(url: string, cookie: string): Promise<{ median: number; p95: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers: { cookie } });
    const body = await res.arrayBuffer();
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    if (i >= 3) times.push(performance.now() - started); // the first few warm caches up
    bytes = body.byteLength;
  }
  return { median: percentile(times, 50), p95: percentile(times, 95), bytes };
}

async function account(t: TestApp, base: string, images: number): Promise<{ cookie: string; batchId: string }> {
  const email = `review-${images}@example.test`;
  const { user } = await signUp(t.app, { email });
  const batchId = await seedImages(t, user.id, images);
  return { cookie: (await formSession(base, { email, password: DEFAULT_PASSWORD })).cookie, batchId };
}

export async function benchReviewPages(): Promise<void> {
  const t = await buildTestApp({ LOG_LEVEL: 'silent' });
  const server = await listen(t.app);
  try {
    const small = await account(t, server.url, 1_000);
    const seeded = performance.now();
    const large = await account(t, server.url, 100_000);
    console.log(`seeded 100,000 images in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);

    const bare = await measure(`${server.url}/healthz`, small.cookie);
    const line = (label: string, f: { median: number; p95: number; bytes: number }) =>
      console.log(`${label.padEnd(44)} median ${f.median.toFixed(1).padStart(6)} ms  p95 ${f.p95.toFixed(1).padStart(6)} ms  ` +
        `${(f.bytes / 1024).toFixed(0).padStart(5)} KB  ${(f.median / bare.median).toFixed(1).padStart(5)}× the bare page`);
    line('bare page (/healthz)', bare);
    const cards = await measure(`${server.url}/batches/${small.batchId}`, small.cookie);
    const table = await measure(`${server.url}/batches/${small.batchId}?view=table`, small.cookie);
    const lastPage = await measure(`${server.url}/batches/${small.batchId}?view=table&page=20`, small.cookie);
    line('1,000-image batch, cards, page 1', cards);
    line('1,000-image batch, table, page 1', table);
    line('1,000-image batch, table, page 20', lastPage);
    const lib1k = await measure(`${server.url}/images`, small.cookie);
    const lib100k = await measure(`${server.url}/images`, large.cookie);
    const deep100k = await measure(`${server.url}/images?page=2000`, large.cookie);
    line('library, 1,000 images, page 1', lib1k);
    line('library, 100,000 images, page 1', lib100k);
    line('library, 100,000 images, page 2,000', deep100k);
    const batch100k = await measure(`${server.url}/batches/${large.batchId}?view=table&page=1000`, large.cookie);
    line('100,000-image batch, table, page 1,000', batch100k);
    const worst = Math.max(cards.median, table.median, lastPage.median);
    console.log(`batch page: ${worst < 1000 ? 'PASS' : 'FAIL'} under a second (${worst.toFixed(0)} ms), ` +
      `${Math.max(cards.bytes, table.bytes) < 1.5 * 1024 * 1024 ? 'PASS' : 'FAIL'} under 1.5 MB (${(Math.max(cards.bytes, table.bytes) / 1024).toFixed(0)} KB)`);
    console.log(`library 100,000 vs 1,000 images, page 1: ${(lib100k.median / lib1k.median).toFixed(2)}× (flat: ≤ 1.5×) ${lib100k.median / lib1k.median <= 1.5 ? 'PASS' : 'FAIL'}`);
  } finally {
    await server.close();
    await t.close();
  }
}
