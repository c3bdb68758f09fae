import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, ChildProcess } from 'node:child_process';
import sharp from 'sharp';
import { INGEST_BENCH_EMAIL, INGEST_BENCH_PASSWORD } from './ingest-server';

/**
 * Ingest figures (issue 3):
 * 1. A 12-megapixel JPEG from request to queued through POST /images: median ms, as a ratio to sharp's
 *    resize of the same file alone, measured in the same run (goal ≤ 1.5).
 * 2. Peak memory (RSS) of the server, a child process, while 100 such images are uploaded at once as
 *    100 simultaneous requests (goal < 600 MB).
 */
const RUNS = 15;
const CONCURRENT_UPLOADS = 100;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Smooth colour fields plus fine grain: compresses like a photo (about 4 MB at quality 90). */
async function twelveMegapixelPhoto(): Promise<Buffer> {
  const cached = path.join(os.tmpdir(), 'sightline-bench-12mp.jpg');
  if (fs.existsSync(cached)) return fs.readFileSync(cached);
  const smooth = await sharp({ create: { width: 160, height: 120, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 70 } } })
    .resize(4000, 3000, { kernel: 'cubic' })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const grain = await sharp({ create: { width: 4000, height: 3000, channels: 3, background: '#000', noise: { type: 'gaussian', mean: 128, sigma: 14 } } })
    .png({ compressionLevel: 0 })
    .toBuffer();
  const photo = await sharp(smooth).composite([{ input: grain, blend: 'overlay' }]).jpeg({ quality: 90 }).toBuffer();
  fs.writeFileSync(cached, photo);
  return photo;
}

/** What "sharp alone" means: the same resize ingest does, nothing else. */
function sharpResize(photo: Buffer): Promise<Buffer> {
  return sharp(photo).autoOrient().resize({ width: 1536, height: 1536, fit: 'inside' }).jpeg({ quality: 85 }).toBuffer();
}

function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(path.join(__dirname, 'ingest-server.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (message) => resolve({ child, url: (message as { url: string }).url }));
    child.once('exit', (code) => reject(new Error(`ingest bench server exited with ${code}`)));
  });
}

class Session {
  private cookies = new Map<string, string>();
  csrf = '';
  constructor(readonly url: string) {}

  async fetch(pathname: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await fetch(this.url + pathname, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const at = pair.indexOf('=');
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return res;
  }

  async readCsrf(pathname: string): Promise<void> {
    const html = await (await this.fetch(pathname)).text();
    this.csrf = /<meta name="csrf-token" content="([^"]*)">/.exec(html)?.[1] ?? '';
  }

  async logIn(): Promise<void> {
    await this.readCsrf('/login');
    const body = new URLSearchParams({ _csrf: this.csrf, email: INGEST_BENCH_EMAIL, password: INGEST_BENCH_PASSWORD });
    const res = await this.fetch('/login', { method: 'POST', body });
    if (res.status !== 303) throw new Error(`bench login failed: ${res.status}`);
    await this.readCsrf('/images/new');
  }

  async upload(photo: Blob): Promise<void> {
    const form = new FormData();
    form.append('images', photo, 'photo.jpg');
    const res = await this.fetch(`/images?_csrf=${encodeURIComponent(this.csrf)}`, { method: 'POST', body: form });
    await res.arrayBuffer();
    if (res.status !== 303 || !res.headers.get('location')?.startsWith('/batches/')) throw new Error(`upload failed: ${res.status}`);
  }
}

function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Linux: writing 5 to clear_refs resets the peak-RSS mark, so VmHWM covers only what follows. */
function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(0);

export async function benchIngest(): Promise<void> {
  const photo = await twelveMegapixelPhoto();
  console.log(`input: 4000×3000 JPEG, ${(photo.length / 1024 / 1024).toFixed(1)} MB`);

  const upload = new Blob([new Uint8Array(photo)], { type: 'image/jpeg' });
  const { child, url } = await startServer();
  try {
    const session = new Session(url);
    await session.logIn();
    await session.upload(upload);
    await sharpResize(photo);
    // Alternating the two keeps a busy machine from favouring whichever ran in the quieter moment.
    const alone: number[] = [];
    const ingest: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      let started = performance.now();
      await sharpResize(photo);
      alone.push(performance.now() - started);
      started = performance.now();
      await session.upload(upload);
      ingest.push(performance.now() - started);
    }
    const ratio = median(ingest) / median(alone);
    console.log(`sharp resize alone:        median ${median(alone).toFixed(0)} ms (${RUNS} runs)`);
    console.log(`POST /images to queued:    median ${median(ingest).toFixed(0)} ms (${RUNS} runs)`);
    console.log(`ingest / sharp ratio:      ${ratio.toFixed(2)} (goal ≤ 1.5) ${ratio <= 1.5 ? 'PASS' : 'MISS'}`);

    const pid = child.pid!;
    const idle = statusField(pid, 'VmRSS');
    const peakReset = resetPeak(pid);
    let sampled = idle;
    const sampler = setInterval(() => (sampled = Math.max(sampled, statusField(pid, 'VmRSS'))), 10);
    const started = performance.now();
    await Promise.all(Array.from({ length: CONCURRENT_UPLOADS }, () => session.upload(upload)));
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    const peak = Math.max(sampled, peakReset ? statusField(pid, 'VmHWM') : 0);
    console.log(`${CONCURRENT_UPLOADS} uploads at once:        ${seconds.toFixed(1)} s, ${(CONCURRENT_UPLOADS / seconds).toFixed(1)} images/s`);
    console.log(`server RSS:                idle ${mb(idle)} MB, peak ${mb(peak)} MB (goal < 600 MB) ${peak < 600 * 1024 * 1024 ? 'PASS' : 'MISS'}`);
  } finally {
    child.disconnect();
  }
}

if (require.main === module) {
  benchIngest().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
