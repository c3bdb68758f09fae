import { expect } from 'chai';
import sharp from 'sharp';
import exifr from 'exifr';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { insertDescription } from '../../helpers/description-rows';
import * as fx from '../../helpers/image-fixtures';

function binary(res: import('superagent').Response, callback: (err: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('results pages', () => {
  let t: TestApp;
  let alice: SignedUp;
  let bob: SignedUp;
  let batchId: string;
  let imageId: string;

  beforeEach(async () => {
    t = await buildTestApp();
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fx.fixture('eagle-gps.jpg'), 'eagle "shore".jpg')
      .expect(303);
    batchId = res.headers.location.split('/').pop()!;
    imageId = (await t.deps.db('images').first()).id;
  });
  afterEach(async () => t.close());

  describe('GET /images/:id/file', () => {
    it('serves the owner the stripped working copy as a JPEG that is never sniffed or cached', async () => {
      const res = await alice.agent.get(`/images/${imageId}/file`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).to.equal('image/jpeg');
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect(res.headers['content-disposition']).to.equal(`inline; filename="eagle _shore_.jpg"; filename*=UTF-8''eagle%20%22shore%22.jpg`);
      expect(res.headers['cache-control']).to.equal('private, no-store');
      expect(res.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
      const body = res.body as Buffer;
      expect((await sharp(body).metadata()).format).to.equal('jpeg');
      expect(await exifr.parse(body, true)).to.equal(undefined);
    });

    it('serves a small thumbnail of it for lists, with the same headers, and refuses other sizes', async () => {
      const whole = (await alice.agent.get(`/images/${imageId}/file`).buffer(true).parse(binary).expect(200)).body as Buffer;
      const res = await alice.agent.get(`/images/${imageId}/file?size=thumb`).buffer(true).parse(binary).expect(200);
      expect(res.headers['content-type']).to.equal('image/jpeg');
      expect(res.headers['cache-control']).to.equal('private, no-store');
      expect(res.headers['content-security-policy']).to.equal("default-src 'none'; sandbox");
      const thumb = res.body as Buffer;
      const [big, small] = [await sharp(whole).metadata(), await sharp(thumb).metadata()];
      expect(Math.max(small.width!, small.height!)).to.equal(Math.min(192, Math.max(big.width!, big.height!)));
      expect(small.width! / small.height!).to.be.closeTo(big.width! / big.height!, 0.05);
      expect(thumb.length).to.be.lessThan(whole.length / 4);
      expect(await exifr.parse(thumb, true)).to.equal(undefined);
      await alice.agent.get(`/images/${imageId}/file?size=huge`).expect(400);
      await bob.agent.get(`/images/${imageId}/file?size=thumb`).expect(404);
      const table = await alice.agent.get(`/batches/${batchId}?view=table`).expect(200);
      expect(table.text).to.include(`/images/${imageId}/file?size=thumb`);
    });

    it('answers 404 once the working copy is gone, and the card shows the blurhash instead', async () => {
      await t.deps.db('images').where({ id: imageId }).update({ blob_key: null });
      await alice.agent.get(`/images/${imageId}/file`).expect(404);
      const page = await alice.agent.get(`/batches/${batchId}`).expect(200);
      expect(page.text).not.to.include(`/images/${imageId}/file`);
      expect(page.text).to.match(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]+" alt="" class="placeholder"/);
    });

    it('answers 404 after the image expired even while the blob still exists', async () => {
      await t.deps.db('images').where({ id: imageId }).update({ expires_at: t.clock.now().getTime() - 1 });
      await alice.agent.get(`/images/${imageId}/file`).expect(404);
    });
  });

  describe('another user', () => {
    it('gets 404 for the batch, its exports, the image file, edits, review and the library exports', async () => {
      await insertDescription(t.deps.db, imageId, alice.user.id, { alt_text: 'alice private text' });
      await bob.agent.get(`/batches/${batchId}`).expect(404);
      await bob.agent.get(`/batches/${batchId}/export.csv`).expect(404);
      await bob.agent.get(`/batches/${batchId}/export.json`).expect(404);
      await bob.agent.get(`/images/${imageId}/file`).expect(404);
      await bob.agent.post(`/images/${imageId}/description`).type('form').send({ _csrf: bob.csrf, alt_text: 'hijacked' }).expect(404);
      await bob.agent.post(`/images/${imageId}/review`).type('form').send({ _csrf: bob.csrf, reviewed: '1' }).expect(404);
      const library = await bob.agent.get(`/images?batch=${batchId}`).expect(200);
      expect(library.text).not.to.include(imageId);
      const all = await bob.agent.get('/images/export.json').expect(200);
      expect(JSON.parse(all.text).images).to.deep.equal([]);
      const csv = await bob.agent.get('/images/export.csv').expect(200);
      expect(csv.text).not.to.include('alice private text');
      const row = await t.deps.db('descriptions').where({ image_id: imageId }).first();
      expect(row.alt_text).to.equal('alice private text');
      expect((await t.deps.db('images').where({ id: imageId }).first()).reviewed_at).to.equal(null);
    });
  });

  describe('GET /batches/:id', () => {
    it('shows generated text escaped, never as markup', async () => {
      const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
      await insertDescription(t.deps.db, imageId, alice.user.id, { alt_text: hostile, caption: hostile, tags_json: JSON.stringify([hostile]), notes_json: JSON.stringify([hostile]) });
      const page = await alice.agent.get(`/batches/${batchId}`).expect(200);
      expect(page.text).not.to.include('<script>alert(1)');
      expect(page.text).not.to.include('<img src=x');
      expect(page.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;');
    });

    it('shows each field in an edit form with copy buttons, provenance and a draft notice', async () => {
      await insertDescription(t.deps.db, imageId, alice.user.id, { draft: true, notes_json: '["written in English only"]', model: 'tiny-vision-1', prompt_version: 'v7' });
      const page = await alice.agent.get(`/batches/${batchId}`).expect(200);
      for (const name of ['alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text', 'decorative']) {
        expect(page.text).to.include(`name="${name}"`);
      }
      expect(page.text).to.include(`data-copy-target="alt_text-${imageId}"`);
      expect(page.text).to.include('tiny-vision-1');
      expect(page.text).to.include('v7');
      expect(page.text).to.include('100 in, 40 out');
      expect(page.text).to.include('draft from the offline describer');
      expect(page.text).to.include('written in English only');
      expect(page.text).to.include(`data-image-id="${imageId}" data-status="done"`);
      expect(page.text).to.include('Found in the file:');
    });

    it('offers a reload link while images are still waiting', async () => {
      const page = await alice.agent.get(`/batches/${batchId}`).expect(200);
      expect(page.text).to.include('Reload to see the latest results');
      expect(page.text).to.include('0 of 1 described, 1 waiting');
    });
  });

  describe('editing and reviewing', () => {
    it('saves edited text, which the exports and the search then use', async () => {
      await insertDescription(t.deps.db, imageId, alice.user.id);
      const res = await alice.agent
        .post(`/images/${imageId}/description`)
        .type('form')
        .send({ _csrf: alice.csrf, alt_text: 'An osprey lands on a driftwood log', caption: 'Osprey', title: 'Landing', description: 'Long text', tags: 'osprey, bird, osprey', filename: 'osprey.jpg', text: '', decorative: 'on' })
        .expect(303);
      expect(res.headers.location).to.equal(`/batches/${batchId}#image-${imageId}`);
      const json = JSON.parse((await alice.agent.get(`/batches/${batchId}/export.json`).expect(200)).text);
      expect(json.images[0]).to.deep.include({ id: imageId, original_name: 'eagle "shore".jpg', status: 'done', alt_text: 'An osprey lands on a driftwood log', tags: ['osprey', 'bird'], decorative: true, edited: true });
      expect(json.images[0].provenance).to.deep.include({ describer: 'openai', model: 'test-model', prompt_version: 'p1' });
      const csv = await alice.agent.get(`/images/export.csv`).expect(200);
      expect(csv.headers['content-type']).to.equal('text/csv; charset=utf-8');
      expect(csv.headers['content-disposition']).to.match(/^attachment; filename="sightline-library.csv"/);
      expect(csv.text).to.include('An osprey lands on a driftwood log');
      const found = await alice.agent.get('/images?q=driftwood').expect(200);
      expect(found.text).to.include(`#image-${imageId}`);
      const old = await alice.agent.get('/images?q=bald').expect(200);
      expect(old.text).not.to.include(`#image-${imageId}`);
    });

    it('refuses an over-long edit with a plain message and keeps the old text', async () => {
      await insertDescription(t.deps.db, imageId, alice.user.id);
      await alice.agent.post(`/images/${imageId}/description`).type('form').send({ _csrf: alice.csrf, alt_text: 'x'.repeat(2001) }).expect(303);
      const page = await alice.agent.get(`/batches/${batchId}`);
      expect(page.text).to.include('Alt text: must be at most 2000 characters');
      expect((await t.deps.db('descriptions').first()).alt_text).to.equal('A bald eagle on a lake shore');
    });

    it('marks an image as reviewed and back', async () => {
      await insertDescription(t.deps.db, imageId, alice.user.id);
      await alice.agent.post(`/images/${imageId}/review`).type('form').send({ _csrf: alice.csrf, reviewed: '1' }).expect(303);
      expect((await t.deps.db('images').first()).reviewed_at).to.equal(t.clock.now().getTime());
      const page = await alice.agent.get(`/batches/${batchId}`);
      expect(page.text).to.include('Mark as not reviewed');
      await alice.agent.post(`/images/${imageId}/review`).type('form').send({ _csrf: alice.csrf, reviewed: '0' }).expect(303);
      expect((await t.deps.db('images').first()).reviewed_at).to.equal(null);
    });
  });

  describe('GET /images', () => {
    it('lists newest first, filters by batch and status, and pages through', async () => {
      const tiny = await fx.solidImage('png', 8, 8);
      let req = alice.agent.post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`).field('name', 'Second batch');
      for (let i = 0; i < 30; i += 1) req = req.attach('images', tiny, `tiny-${String(i).padStart(2, '0')}.png`);
      await req.expect(303);
      const first = await alice.agent.get('/images').expect(200);
      expect(first.text).to.include('31 images');
      expect(first.text).to.include('Page 1 of 2');
      expect(first.text.indexOf('tiny-29.png')).to.be.lessThan(first.text.indexOf('tiny-28.png'));
      expect(first.text).not.to.include('eagle');
      const second = await alice.agent.get('/images?page=2').expect(200);
      expect(second.text).to.include('eagle');
      const onlyFirst = await alice.agent.get(`/images?batch=${batchId}`).expect(200);
      expect(onlyFirst.text).to.include('1 image');
      await t.deps.db('images').where({ id: imageId }).update({ status: 'failed', error: 'The model gave up.' });
      const failed = await alice.agent.get('/images?status=failed').expect(200);
      expect(failed.text).to.include('1 image');
      expect(failed.text).to.include('The model gave up.');
    });
  });
});
