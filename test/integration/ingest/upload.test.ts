import fs from 'node:fs';
import { textKeyBlobNames } from '../../../server/db/text-shredding';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import * as fx from '../../helpers/image-fixtures';

/** Stored blobs and temp files: what "nothing left behind" is checked against. */
/** Working copies and temp files left in the blob directory (the accounts' text keys are not images). */
async function leftOnDisk(t: TestApp): Promise<string[]> {
  const dir = path.join(t.dataDir, 'blobs');
  if (!fs.existsSync(dir)) return [];
  const tmp = path.join(dir, 'tmp');
  const temps = fs.existsSync(tmp) ? fs.readdirSync(tmp).map((name) => `tmp/${name}`) : [];
  const keys = await textKeyBlobNames(t.deps.db);
  return [...fs.readdirSync(dir).filter((name) => name !== 'tmp' && !keys.includes(name)), ...temps];
}

async function imageRows(t: TestApp) {
  return t.deps.db('images').orderBy('rowid');
}

describe('POST /images', () => {
  let t: TestApp;
  let alice: SignedUp;
  beforeEach(async () => {
    t = await buildTestApp({ MAX_UPLOAD_MB: '1', MAX_IMAGE_PIXELS: '4000000' });
    alice = await signUp(t.app);
  });
  afterEach(async () => t.close());

  const post = () => alice.agent.post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`);

  it('creates a batch from good files, refuses a corrupt one alone, and redirects to the batch', async () => {
    const res = await post()
      .field('language', 'de')
      .field('alt_text_length', '90')
      .field('style', 'product')
      .field('context_brand', 'Acme')
      .field('remember', 'on')
      .attach('images', fx.fixture('dog.jpg'), 'dog.jpg')
      .attach('images', fx.corruptJpeg(), 'broken.jpg')
      .attach('images', fx.fixture('cat.png'), 'cat.png')
      .expect(303);
    const batchId = /^\/batches\/([A-Za-z0-9_-]{22})$/.exec(res.headers.location)![1];
    const rows = await imageRows(t);
    expect(rows.map((r) => [r.original_name, r.status])).to.deep.equal([['dog.jpg', 'queued'], ['broken.jpg', 'refused'], ['cat.png', 'queued']]);
    expect(await t.deps.db('jobs').count({ n: '*' }).first()).to.deep.equal({ n: 2 });
    const batch = await t.deps.db('batches').where({ id: batchId }).first();
    expect(JSON.parse(batch.options_json)).to.deep.include({ language: 'de', altTextLength: 90, style: 'product', context: { brand: 'Acme' } });

    const page = await alice.agent.get(res.headers.location).expect(200);
    expect(page.text).to.include('2 images queued for describing. 1 could not be used');
    expect(page.text).to.include('could not be read as an image');
    expect(page.text).to.include('data-batch-progress');

    const form = await alice.agent.get('/images/new').expect(200);
    expect(form.text).to.match(/<option value="de" selected>/);
    expect(form.text).to.include('value="90"');
    expect(form.text).to.include('value="Acme"');
  });

  it('refuses SVG, HTML, PDF, plain text and a polyglot, each with its own reason', async () => {
    await post()
      .attach('images', fx.HOSTILE_SVG, 'logo.svg')
      .attach('images', fx.HTML_PAGE, 'page.jpg')
      .attach('images', fx.PDF_FILE, 'scan.png')
      .attach('images', fx.TEXT_FILE, 'notes.gif')
      .attach('images', await fx.htmlPngPolyglot(), 'poly.png')
      .attach('images', fx.pixelBombPng(), 'bomb.png')
      .expect(303);
    const rows = await imageRows(t);
    expect(rows.every((r) => r.status === 'refused' && r.blob_key === null)).to.equal(true);
    expect(rows.map((r) => r.error)).to.deep.equal([
      'SVG files are not accepted (they can carry scripts); export the image as PNG.',
      'This file is a web page or markup, not an image.',
      'PDF files are not accepted; upload the image itself.',
      'This file is not an image we accept (JPEG, PNG, WebP, GIF, AVIF or TIFF).',
      'This file is a web page or markup, not an image.',
      'The image is 50000×50000 pixels, more than the limit of 4 megapixels.',
    ]);
    expect(await t.deps.db('jobs').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    expect((await leftOnDisk(t))).to.deep.equal([]);
  });

  it('answers 413 with a clear message for a file over MAX_UPLOAD_MB, and keeps nothing', async () => {
    const big = Buffer.concat([fx.fixture('dog.jpg'), Buffer.alloc(1024 * 1024)]);
    const res = await post()
      .set('Accept', 'application/json')
      .attach('images', fx.fixture('cat.png'), 'cat.png')
      .attach('images', big, 'huge.jpg')
      .expect(413);
    expect(res.body.error.message).to.equal('"huge.jpg" is larger than the 1 MB limit per image. Nothing was uploaded.');
    expect(await imageRows(t)).to.deep.equal([]);
    expect((await leftOnDisk(t))).to.deep.equal([]);
  });

  it('answers 413 for 101 files in one request, and keeps nothing', async () => {
    const tiny = await fx.solidImage('png', 8, 8);
    let req = post().set('Accept', 'application/json');
    for (let i = 0; i < 101; i += 1) req = req.attach('images', tiny, `tiny-${i}.png`);
    const res = await req.expect(413);
    expect(res.body.error.message).to.match(/^At most 100 images per upload/);
    expect(await imageRows(t)).to.deep.equal([]);
    expect((await leftOnDisk(t))).to.deep.equal([]);
  });

  it('sends a browser without JavaScript back to the form with the size error', async () => {
    const big = Buffer.alloc(1024 * 1024 + 10, 1);
    const res = await post().attach('images', big, 'huge.jpg').expect(303);
    expect(res.headers.location).to.equal('/images/new');
    const form = await alice.agent.get('/images/new').expect(200);
    expect(form.text).to.include('&#34;huge.jpg&#34; is larger than the 1 MB limit per image. Nothing was uploaded.');
  });

  it('answers 400 for files sent under another field name', async () => {
    const res = await post().set('Accept', 'application/json').attach('photo', fx.fixture('dog.jpg'), 'dog.jpg').expect(400);
    expect(res.body.error.message).to.match(/"images" field/);
    expect((await leftOnDisk(t))).to.deep.equal([]);
  });

  it('sends the user back to the form when no file was chosen', async () => {
    const res = await post().field('language', 'en').expect(303);
    expect(res.headers.location).to.equal('/images/new');
    const form = await alice.agent.get('/images/new');
    expect(form.text).to.include('Choose at least one image to upload.');
  });

  it('refuses an invalid option plainly and removes the files it had prepared', async () => {
    await post().field('alt_text_length', '5').attach('images', fx.fixture('dog.jpg'), 'dog.jpg').expect(303);
    const form = await alice.agent.get('/images/new');
    expect(form.text).to.include('Alt text length: ');
    expect(await imageRows(t)).to.deep.equal([]);
    expect((await leftOnDisk(t))).to.deep.equal([]);
  });

  it('refuses an upload without the CSRF token before reading it', async () => {
    await alice.agent.post('/images').attach('images', fx.fixture('dog.jpg'), 'dog.jpg').expect(403);
    expect((await leftOnDisk(t))).to.deep.equal([]);
  });

  it('sends a signed-out visitor to the login page', async () => {
    const res = await request(t.app).get('/images/new').expect(303);
    expect(res.headers.location).to.equal('/login?next=%2Fimages%2Fnew');
  });
});

describe('GET /images/new', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('offers a multi-file picker, at least 30 languages and the generation options with their defaults', async () => {
    const { agent } = await signUp(t.app);
    const res = await agent.get('/images/new').expect(200);
    expect(res.text).to.match(/<input type="file" id="images" name="images" multiple/);
    expect(res.text).to.match(/enctype="multipart\/form-data"/);
    expect(res.text).to.match(/action="\/images\?_csrf=[^"]+"/);
    expect((res.text.match(/<option value="[a-zA-Z-]+"/g) ?? []).length).to.be.at.least(30);
    expect(res.text).to.match(/<option value="en" selected>/);
    expect(res.text).to.match(/name="alt_text_length"[^>]*value="125"/);
    for (const name of ['tag_count', 'style', 'context_title', 'context_keywords', 'context_product', 'context_brand', 'instructions']) {
      expect(res.text).to.include(`name="${name}"`);
    }
    expect(res.text).to.include('<script src="/js/upload.js" defer></script>');
  });
});
