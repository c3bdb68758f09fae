import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { buildTestApp } from '../test/helpers/test-app';
import { signUp } from '../test/helpers/session';
import { connectTestSite, startWordPress, type WordPressSite } from '../test/helpers/wordpress';
import { setMediaImages, siteMedia } from '../server/db/wordpress-scans';
import { runScan, startScan } from '../server/services/wordpress/scan';
import { writeBack } from '../server/services/wordpress/write-back';

/**
 * WordPress (issue: WordPress): scan and write back 1,000 media items on a local WordPress (Debian's
 * package, SQLite, php -S with 4 workers), against the same REST calls made directly with fetch in the
 * same run: 10 pages of 100 for the scan; a re-read and a write per image, 4 at once, for the
 * write-back. Goal: Sightline at 0.8 or more of the bare calls' items per second.
 */
const ITEMS = 1_000;
const AT_ONCE = 4;

function auth(login: string, password: string): string {
  return `Basic ${Buffer.from(`${login}:${password}`).toString('base64')}`;
}

async function bareScan(wp: WordPressSite, authorization: string): Promise<number> {
  let seen = 0;
  for (let page = 1, pages = 1; page <= pages; page += 1) {
    const query = `media_type=image&per_page=100&page=${page}&context=edit&orderby=id&order=asc&_fields=id,source_url,alt_text,caption,title,modified,modified_gmt,post`;
    const res = await fetch(`${wp.url}/wp-json/wp/v2/media?${query}`, { headers: { authorization } });
    pages = Number(res.headers.get('x-wp-totalpages'));
    seen += ((await res.json()) as unknown[]).length;
  }
  return seen;
}

async function bareWriteBack(wp: WordPressSite, authorization: string, ids: number[]): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: AT_ONCE }, async () => {
    for (let i = next++; i < ids.length; i = next++) {
      const item = `${wp.url}/wp-json/wp/v2/media/${ids[i]}?context=edit&_fields=id,alt_text,caption,title`;
      await (await fetch(item, { headers: { authorization } })).json();
      const res = await fetch(item, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify({ alt_text: `Bare alt text ${i}` }) });
      if (!res.ok) throw new Error(`bare write answered ${res.status}`);
      await res.json();
    }
  }));
}

function rate(label: string, items: number, ms: number, baseline?: number): number {
  const perSecond = items / (ms / 1000);
  console.log(`${label.padEnd(40)} ${perSecond.toFixed(0).padStart(6)} items/s${baseline ? `  ${(perSecond / baseline).toFixed(2)}× the bare calls (goal ≥ 0.8)` : ''}`);
  return perSecond;
}

export async function benchWordPress(): Promise<void> {
  const wp = await startWordPress({ workers: AT_ONCE });
  const t = await buildTestApp({ LOG_LEVEL: 'silent', ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${wp.port}` });
  try {
    const seeded = performance.now();
    const ids = await wp.seedMedia(Array.from({ length: ITEMS }, (_, i) => ({ title: `photo-${i}`, alt: '' })));
    console.log(`seeded ${ITEMS} media items in ${((performance.now() - seeded) / 1000).toFixed(1)} s`);
    const { user } = await signUp(t.app);
    const siteId = await connectTestSite(t.deps, user.id, wp);
    const authorization = auth('editor', await wp.applicationPassword('editor', 'bench'));

    // One pass untimed: PHP's opcode cache and SQLite's page cache warm up for both sides alike.
    await bareScan(wp, authorization);
    let started = performance.now();
    if ((await bareScan(wp, authorization)) !== ITEMS) throw new Error('bare scan missed items');
    const bareScanRate = rate('scan, bare REST calls', ITEMS, performance.now() - started);
    started = performance.now();
    const scan = await runScan(t.deps, user.id, (await startScan(t.deps, user.id, siteId)).id);
    if (scan.items_seen !== ITEMS) throw new Error(`Sightline's scan saw ${scan.items_seen}`);
    rate('scan, Sightline', ITEMS, performance.now() - started, bareScanRate);

    started = performance.now();
    await bareWriteBack(wp, authorization, ids);
    const bareWriteRate = rate('write-back, bare REST calls', ITEMS, performance.now() - started);

    // Sightline's write-back needs its scan to hold what the bare run wrote, and reviewed descriptions.
    await runScan(t.deps, user.id, (await startScan(t.deps, user.id, siteId, { full: true })).id);
    await seedReviewedDescriptions(t, user.id, siteId);
    started = performance.now();
    const run = await writeBack(t.deps, user.id, siteId);
    if (run.written !== ITEMS) throw new Error(`Sightline wrote ${run.written}, failed ${run.failed.length}, conflicts ${run.conflicts.length}`);
    rate('write-back, Sightline', ITEMS, performance.now() - started, bareWriteRate);
  } finally {
    await t.close();
    await wp.close();
  }
}

/** A reviewed description per scanned image, written straight to the tables (a seed, not a describe run). */
async function seedReviewedDescriptions(t: Awaited<ReturnType<typeof buildTestApp>>, userId: number, siteId: string): Promise<void> {
  const media = await siteMedia(t.deps.db, userId, siteId);
  const batchId = crypto.randomBytes(12).toString('base64url');
  const now = Date.now();
  await t.deps.db('batches').insert({ id: batchId, user_id: userId, name: 'WordPress bench', options_json: '{"language":"en"}', status: 'open', created_at: now, updated_at: now });
  const pairs = media.map((m) => ({ mediaId: m.media_id, imageId: crypto.randomBytes(12).toString('base64url') }));
  await t.deps.db.batchInsert('images', pairs.map((p, i) => ({
    id: p.imageId, user_id: userId, batch_id: batchId, original_name: `photo-${i}.jpg`, status: 'done', width: 64, height: 48,
    created_at: now + i, updated_at: now, processed_at: now, reviewed_at: now,
  })), 200);
  await t.deps.db.batchInsert('descriptions', pairs.map((p, i) => ({
    image_id: p.imageId, user_id: userId, alt_text: `A fishing boat number ${i} moored in the harbour`, caption: '', title: '', description: '',
    tags_json: '[]', filename: '', text: '', decorative: false, describer: 'bench', model: 'bench', prompt_version: 'b1',
    duration_ms: 1, draft: false, notes_json: '[]', created_at: now, updated_at: now,
  })), 100);
  await setMediaImages(t.deps.db, userId, siteId, pairs);
}

if (require.main === module) {
  benchWordPress().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
