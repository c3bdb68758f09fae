import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sharp from 'sharp';
import { parseCsv } from '../../helpers/csv';
import { fixture } from '../../helpers/image-fixtures';
import { buildTestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';

const CLI = path.join(__dirname, '../../../server/cli/index.js');

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function startCli(args: string[]): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => (stdout += chunk));
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const done = new Promise<Finished>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return { child, done };
}

const runCli = (args: string[]) => startCli(args).done;

/** A picture of its own for each index: a colour and a stripe, so every file has other bytes. */
async function distinctImage(i: number): Promise<Buffer> {
  const stripe = await sharp({ create: { width: 40, height: 200, channels: 3, background: { r: 255 - i * 30, g: 40, b: i * 30 } } }).png().toBuffer();
  return sharp({ create: { width: 320, height: 200, channels: 3, background: { r: i * 30, g: 120, b: 200 - i * 20 } } })
    .composite([{ input: stripe, left: 20 + i * 30, top: 0 }])
    .jpeg()
    .toBuffer();
}

const rowsOf = (file: string) => parseCsv(fs.readFileSync(file, 'utf8')).slice(1);

describe('sightline describe: a folder on the command line', function () {
  this.timeout(120_000);
  let dir: string;
  let photos: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-'));
    photos = path.join(dir, 'photos');
    fs.mkdirSync(path.join(photos, 'trip'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('describes every image offline, fails a damaged file alone, and skips what is done when run again', async () => {
    fs.writeFileSync(path.join(photos, 'dog.jpg'), fixture('dog.jpg'));
    fs.writeFileSync(path.join(photos, 'trip', 'cat.png'), fixture('cat.png'));
    fs.writeFileSync(path.join(photos, 'broken.jpg'), fixture('dog.jpg').subarray(0, 500));
    fs.writeFileSync(path.join(photos, 'notes.txt'), 'not an image');
    const out = path.join(dir, 'results.csv');

    const first = await runCli(['describe', photos, '-r', '--out', out]);
    expect(first.code, first.stderr).to.equal(1);
    expect(first.stderr).to.contain('2 described, 0 skipped (already done), 1 failed.');
    expect(first.stderr).to.contain('failed: broken.jpg: The file could not be read as an image');
    expect(first.stderr).to.match(/^\[\d\/3\] done dog\.jpg$/m);
    const [header] = parseCsv(fs.readFileSync(out, 'utf8'));
    expect(header.slice(0, 4)).to.deep.equal(['key', 'path', 'sha256', 'alt_text']);
    const rows = rowsOf(out);
    expect(rows.map((row) => row[1]).sort()).to.deep.equal(['dog.jpg', path.join('trip', 'cat.png')]);
    for (const row of rows) expect(row[3], 'alt text').to.have.length.greaterThan(5);

    const again = await runCli(['describe', photos, '-r', '--out', out]);
    expect(again.stderr).to.contain('0 described, 2 skipped (already done), 1 failed.');
    expect(rowsOf(out)).to.deep.equal(rows);

    const otherOptions = await runCli(['describe', photos, '--out', out, '--length', '80']);
    expect(otherOptions.stderr, 'other options are other work').to.contain('1 described, 0 skipped');
  });

  it('killed in the middle and run again, writes every image exactly once', async () => {
    for (let i = 0; i < 6; i += 1) fs.writeFileSync(path.join(photos, `shot-${i}.jpg`), await distinctImage(i));
    const out = path.join(dir, 'results.jsonl');
    const { child, done } = startCli(['describe', photos, '--out', out, '--json', '--concurrency', '1']);
    const deadline = Date.now() + 60_000;
    while (!(fs.existsSync(out) && fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).length >= 2)) {
      if (Date.now() > deadline) throw new Error('no result was written within a minute');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    child.kill('SIGKILL');
    await done;
    const before = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).length;
    expect(before, 'killed before the end').to.be.lessThan(6);

    const rest = await runCli(['describe', photos, '--out', out, '--json']);
    expect(rest.code, rest.stderr).to.equal(0);
    const lines = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { path: string; alt_text: string });
    expect(lines.map((line) => line.path).sort()).to.deep.equal([0, 1, 2, 3, 4, 5].map((i) => `shot-${i}.jpg`));
  });

  it('writes the text into the files with --embed, keeping each original, and resumes after writing in place', async () => {
    fs.writeFileSync(path.join(photos, 'dog.jpg'), fixture('dog.jpg'));
    fs.writeFileSync(path.join(photos, 'trip', 'cat.png'), fixture('cat.png'));
    const out = path.join(dir, 'results.jsonl');
    const refused = await runCli(['describe', photos, '-r', '--out', out, '--json', '--embed']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('add --out-dir FOLDER (copies) or --backup');
    expect(fs.existsSync(out)).to.equal(false);

    const first = await runCli(['describe', photos, '-r', '--out', out, '--json', '--embed', '--backup']);
    expect(first.code, first.stderr).to.equal(0);
    const lines = fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as { path: string; alt_text: string; title: string });
    for (const [file, original] of [['dog.jpg', fixture('dog.jpg')], [path.join('trip', 'cat.png'), fixture('cat.png')]] as const) {
      const full = path.join(photos, file);
      const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', full], { encoding: 'utf8' })) as Record<string, unknown>[];
      const line = lines.find((l) => l.path === file)!;
      expect(tags!['XMP-iptcCore:AltTextAccessibility'], file).to.equal(line.alt_text);
      expect(tags!['XMP-dc:Title'], file).to.equal(line.title);
      expect(fs.readFileSync(`${full}.original`).equals(original), `${file} kept as it was`).to.equal(true);
      expect((await sharp(full).raw().toBuffer()).equals(await sharp(original).raw().toBuffer()), `${file} pixels`).to.equal(true);
    }
    const again = await runCli(['describe', photos, '-r', '--out', out, '--json', '--embed', '--backup']);
    expect(again.stderr).to.include('0 described, 2 skipped');

    const sidecars = await runCli(['describe', photos, '-r', '--out', path.join(dir, 'other.csv'), '--sidecar']);
    expect(sidecars.code, sidecars.stderr).to.equal(0);
    const [xmp] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', path.join(photos, 'dog.xmp')], { encoding: 'utf8' })) as Record<string, unknown>[];
    expect(xmp!['XMP-iptcCore:AltTextAccessibility']).to.be.a('string').and.not.equal('');
  });

  it('writes the text into copies of WebP and TIFF files with --embed --out-dir, pixels unchanged', async () => {
    const originals: [string, Buffer][] = [
      ['dog.webp', await sharp(fixture('dog.jpg')).webp().toBuffer()],
      ['dog.tif', await sharp(fixture('dog.jpg')).tiff().toBuffer()],
    ];
    for (const [name, bytes] of originals) fs.writeFileSync(path.join(photos, name), bytes);
    const outDir = path.join(dir, 'with-text');
    const run = await runCli(['describe', photos, '--out', path.join(dir, 'results.csv'), '--embed', '--out-dir', outDir]);
    expect(run.code, run.stderr).to.equal(0);
    for (const [name, original] of originals) {
      const [tags] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', path.join(outDir, name)], { encoding: 'utf8' })) as Record<string, unknown>[];
      expect(tags!['XMP-iptcCore:AltTextAccessibility'], name).to.be.a('string').and.not.equal('');
      expect(fs.readFileSync(path.join(photos, name)).equals(original), `${name} left as it was`).to.equal(true);
      expect((await sharp(path.join(outDir, name)).raw().toBuffer()).equals(await sharp(original).raw().toBuffer()), `${name} pixels`).to.equal(true);
    }
  });

  it('names sidecars as Lightroom or darktable expect, merging into a sidecar already there', async () => {
    fs.writeFileSync(path.join(photos, 'dog.jpg'), fixture('dog.jpg'));
    fs.writeFileSync(path.join(photos, 'dog.png'), fixture('cat.png'));
    // darktable keeps its own sidecar (rating, edits) beside the photo: it must survive.
    execFileSync('exiftool', ['-q', '-XMP-xmp:Rating=3', '-XMP-dc:Creator=Ann Example', '-o', path.join(photos, 'dog.jpg.xmp')]);
    const refused = await runCli(['describe', photos, '--out', path.join(dir, 'a.csv'), '--sidecar-name', 'darktable']);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.include('--sidecar-name goes with --sidecar');
    const darktable = await runCli(['describe', photos, '--out', path.join(dir, 'a.csv'), '--sidecar', '--sidecar-name', 'darktable']);
    expect(darktable.code, darktable.stderr).to.equal(0);
    expect(fs.readdirSync(photos).filter((name) => name.endsWith('.xmp')).sort()).to.deep.equal(['dog.jpg.xmp', 'dog.png.xmp']);
    const [merged] = JSON.parse(execFileSync('exiftool', ['-j', '-G1', path.join(photos, 'dog.jpg.xmp')], { encoding: 'utf8' })) as Record<string, unknown>[];
    expect(merged).to.include({ 'XMP-xmp:Rating': 3 });
    expect(merged!['XMP-dc:Creator']).to.equal('Ann Example');
    expect(merged!['XMP-iptcCore:AltTextAccessibility']).to.be.a('string').and.not.equal('');

    const lightroom = await runCli(['describe', photos, '--out', path.join(dir, 'b.csv'), '--sidecar']);
    expect(lightroom.code, lightroom.stderr).to.equal(0);
    expect(fs.existsSync(path.join(photos, 'dog.xmp'))).to.equal(true);
    const help = await runCli(['describe', '--help']);
    expect(help.stdout).to.include('--sidecar-name').and.include('photo.jpg.xmp');
  });

  it('lists without describing on --dry-run, stops at --limit, and refuses a bad option plainly', async () => {
    for (let i = 0; i < 3; i += 1) fs.writeFileSync(path.join(photos, `shot-${i}.jpg`), await distinctImage(i));
    const out = path.join(dir, 'results.csv');
    const dry = await runCli(['describe', photos, '--out', out, '--dry-run']);
    expect(dry.code).to.equal(0);
    expect(dry.stdout.trim().split('\n')).to.deep.equal(['shot-0.jpg', 'shot-1.jpg', 'shot-2.jpg']);
    expect(rowsOf(out)).to.deep.equal([]);

    const limited = await runCli(['describe', photos, '--out', out, '--limit', '1']);
    expect(limited.stderr).to.contain('1 described, 0 skipped');
    const rest = await runCli(['describe', photos, '--out', out]);
    expect(rest.stderr).to.contain('2 described, 1 skipped');
    expect(rowsOf(out)).to.have.length(3);

    const bad = await runCli(['describe', photos, '--out', out, '--length', '5']);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.contain('Alt text length');
    const missing = await runCli(['describe', path.join(dir, 'nowhere'), '--out', out]);
    expect(missing.code).to.equal(2);
    expect(missing.stderr).to.contain('is not a folder');
  });
});

describe('sightline audit: alt text from a CSV file on the command line', () => {
  const SITE_CSV = path.join(__dirname, '../../../../test/fixtures/audit/site-alt-text.csv');
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-audit-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('prints what to fix, writes the CSV and web page reports, and exits 1 while anything needs fixing', async () => {
    const csv = path.join(dir, 'fix.csv');
    const html = path.join(dir, 'report.html');
    const res = await runCli(['audit', SITE_CSV, '--csv', csv, '--html', html]);
    expect(res.code, res.stderr).to.equal(1);
    expect(res.stdout.split('\n')[0]).to.equal('6 checked, 5 to fix, 1 fine.');
    expect(res.stdout).to.contain('line 3: https://shop.example/img/sofa.jpg: Starts with “image of”');
    expect(parseCsv(fs.readFileSync(csv, 'utf8')).slice(1).map((row) => row[0])).to.deep.equal(['2', '3', '4', '6', '7']);
    const page = fs.readFileSync(html, 'utf8');
    expect(page).to.contain('<h1>Alt text audit of site-alt-text.csv</h1>');
    expect([...page.matchAll(/<tr data-line="/g)]).to.have.length(5);

    const clean = path.join(dir, 'clean.csv');
    fs.writeFileSync(clean, 'src,alt\n/a.jpg,A red bicycle against a brick wall\n');
    const fine = await runCli(['audit', clean]);
    expect(fine.code).to.equal(0);
    expect(fine.stdout).to.equal('1 checked, 0 to fix, 1 fine.\n');

    const wrong = path.join(dir, 'wrong.csv');
    fs.writeFileSync(wrong, 'picture,words\na.jpg,A cat\n');
    const refused = await runCli(['audit', wrong]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('The first row must name the columns');
  });
});

describe('sightline audit: the alt text written into a folder\'s image files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-audit-folder-'));
    fs.mkdirSync(path.join(dir, 'photos', 'more'), { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads each file\'s IPTC Alt Text (Accessibility), counts a file without one as empty, and exits 1', async () => {
    const photos = path.join(dir, 'photos');
    const write = (name: string, alt?: string) => {
      const file = path.join(photos, name);
      fs.writeFileSync(file, fixture('dog.jpg'));
      if (alt !== undefined) execFileSync('exiftool', ['-q', '-overwrite_original', `-XMP-iptcCore:AltTextAccessibility=${alt}`, file]);
    };
    write('bicycle.jpg', 'A dog beside a red bicycle on a porch');
    write('camera.jpg', 'IMG_4821.JPG');
    write('none.jpg');
    write('more/deep.jpg', 'Image of a dog');
    const csv = path.join(dir, 'fix.csv');
    const res = await runCli(['audit', photos, '--csv', csv]);
    expect(res.code, res.stderr).to.equal(1);
    expect(res.stdout.split('\n')[0]).to.equal('3 checked, 2 to fix, 1 fine.');
    expect(res.stdout).to.contain('camera.jpg: File name');
    expect(res.stdout).to.contain('none.jpg: Empty');
    expect(parseCsv(fs.readFileSync(csv, 'utf8')).slice(1).map((row) => row[1])).to.deep.equal(['camera.jpg', 'none.jpg']);
    const deep = await runCli(['audit', photos, '-r']);
    expect(deep.stdout.split('\n')[0]).to.equal('4 checked, 3 to fix, 1 fine.');
    expect(deep.stdout).to.contain(`${path.join('more', 'deep.jpg')}: Starts with “image of”`);
    const empty = path.join(dir, 'empty');
    fs.mkdirSync(empty);
    const refused = await runCli(['audit', empty]);
    expect(refused.code).to.equal(2);
    expect(refused.stderr).to.contain('holds no image files');
  });
});

describe('sightline describe --server: through a running Sightline\'s API', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-cli-server-'));
    fs.mkdirSync(path.join(dir, 'photos'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uploads each image with an idempotency key, so describing again returns the first answer and adds no image', async () => {
    const t = await buildTestApp();
    await t.deps.queue.start();
    const server = await listen(t.app);
    try {
      const { auth, userId } = await userWithKey(t.deps, 'write');
      const key = auth.replace('Bearer ', '');
      for (let i = 0; i < 2; i += 1) fs.writeFileSync(path.join(dir, 'photos', `shot-${i}.jpg`), await distinctImage(i));
      const out = path.join(dir, 'results.csv');
      const first = await runCli(['describe', path.join(dir, 'photos'), '--out', out, '--server', server.url, '--key', key, '--length', '90']);
      expect(first.code, first.stderr).to.equal(0);
      const rows = rowsOf(out);
      expect(rows.map((row) => row[1])).to.have.members(['shot-0.jpg', 'shot-1.jpg']);
      for (const row of rows) expect(row[3], 'alt text').to.have.length.within(6, 90);
      const images = await t.deps.db('images').where({ user_id: userId });
      expect(images).to.have.length(2);

      const forced = await runCli(['describe', path.join(dir, 'photos'), '--out', out, '--server', server.url, '--key', key, '--length', '90', '--force']);
      expect(forced.code, forced.stderr).to.equal(0);
      expect(await t.deps.db('images').where({ user_id: userId })).to.have.length(2);

      const refused = await runCli(['describe', path.join(dir, 'photos'), '--out', path.join(dir, 'other.csv'), '--server', server.url, '--key', 'sl_live_wrong']);
      expect(refused.code).to.equal(1);
      expect(refused.stderr).to.match(/failed: shot-0\.jpg: .*key/i);
    } finally {
      await server.close();
      await t.close();
    }
  });

  it('waits as long as a 429 answer\'s Retry-After asks, then sends the same request again', async () => {
    const posts: { at: number; key: string | undefined }[] = [];
    const api = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        posts.push({ at: Date.now(), key: req.headers['idempotency-key'] as string | undefined });
        if (posts.length === 1) return void res.writeHead(429, { 'retry-after': '1', 'content-type': 'application/json' }).end('{"error":{"code":"rate_limited","message":"Too many requests."}}');
        const result = { alt_text: 'A red square', caption: '', title: '', description: '', tags: [], filename: 'red-square.jpg', text: '', decorative: false, manifest: null, provenance: { describer: 'openai', model: 'm' } };
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'img1', status: 'done', error: null, result }));
      });
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      fs.writeFileSync(path.join(dir, 'photos', 'red.jpg'), await distinctImage(1));
      const out = path.join(dir, 'results.csv');
      const res = await runCli(['describe', path.join(dir, 'photos'), '--out', out, '--server', `http://127.0.0.1:${(api.address() as AddressInfo).port}`, '--key', 'k']);
      expect(res.code, res.stderr).to.equal(0);
      expect(posts).to.have.length(2);
      expect(posts[1].at - posts[0].at, 'waited for Retry-After').to.be.at.least(950);
      expect(posts[1].key).to.equal(posts[0].key).and.to.match(/^cli-[0-9a-f]{64}-[0-9a-f]{16}$/);
      expect(rowsOf(out).map((row) => row[3])).to.deep.equal(['A red square']);
    } finally {
      api.closeAllConnections();
      await new Promise((resolve) => api.close(resolve));
    }
  });
});
