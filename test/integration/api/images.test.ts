import { expect } from 'chai';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen, userWithKey } from '../../helpers/api-client';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { solidImage } from '../../helpers/image-fixtures';
import { startImageServer } from '../../helpers/image-server';
import { WebhookReceiver } from '../../helpers/webhook-receiver';
import { createEndpoint } from '../../../server/webhooks/endpoints';
import { subscribeWebhooks } from '../../../server/webhooks/subscribe';
import { createPattern } from '../../../server/patterns';
import { setQuota } from '../../../server/services/usage';

describe('/api/v1 images and batches over real HTTP', function () {
  this.timeout(30_000);
  let t: TestApp;
  let fake: FakeOpenAI;
  let server: Awaited<ReturnType<typeof listen>>;
  let images: Awaited<ReturnType<typeof startImageServer>>;
  let outside: Awaited<ReturnType<typeof startImageServer>>;
  let receiver: WebhookReceiver;
  let jpeg: Buffer;
  let alice: Awaited<ReturnType<typeof userWithKey>>;
  let bob: Awaited<ReturnType<typeof userWithKey>>;
  let unsubscribe: () => void;

  before(async () => {
    jpeg = await solidImage('jpeg', 80, 60);
    fake = await startFakeOpenAI();
    outside = await startImageServer({ '/secret.jpg': jpeg });
    receiver = await new WebhookReceiver().start();
    images = await startImageServer({ '/photo.jpg': jpeg, '/notes.txt': Buffer.from('not an image') }, { '/to-loopback': outside.url('/secret.jpg') });
    t = await buildTestApp({
      DESCRIBER: 'openai',
      OPENAI_BASE_URL: fake.baseUrl,
      OPENAI_API_KEY: 'test',
      ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${images.port} 127.0.0.1:${receiver.port}`,
    });
    await t.deps.queue.start();
    unsubscribe = subscribeWebhooks(t.deps, t.deps.webhooks!);
    server = await listen(t.app);
    alice = await userWithKey(t.deps, 'write');
    bob = await userWithKey(t.deps, 'write');
    receiver.now = () => t.clock.now().getTime();
  });
  after(async () => {
    unsubscribe();
    await server.close();
    await t.close();
    await fake.close();
    await images.close();
    await outside.close();
    await receiver.close();
  });

  const api = () => request(server.url);

  describe('POST /images', () => {
    it('accepts a multipart upload and answers 202 with the id and status', async () => {
      const res = await api().post('/api/v1/images').set('Authorization', alice.auth).attach('image', jpeg, 'shoe.jpg').field('language', 'de').expect(202);
      expect(res.body).to.include({ object: 'image', original_name: 'shoe.jpg' });
      expect(res.body.id).to.be.a('string');
      expect(['queued', 'processing', 'done']).to.include(res.body.status);
    });

    it('waits with ?wait= and answers 200 with the result', async () => {
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), alt_text_length: 80, instructions: 'A plain blue square' }).expect(200);
      expect(res.body.status).to.equal('done');
      expect(res.body.result.alt_text).to.include('A plain blue square');
      expect(res.body.result.provenance.describer).to.equal('openai');
    });

    it('fits the result to the purpose given, says which rule applied, and reaches the model with it', async () => {
      const decorative = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), purpose: 'decorative' }).expect(200);
      expect(decorative.body.result).to.include({ alt_text: '', decorative: true });
      expect(decorative.body.result.provenance.notes.join(' ')).to.include('Rule applied: decorative image');
      const linked = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth)
        .send({ image_base64: jpeg.toString('base64'), purpose: 'linked', link_target: 'https://example.com/pricing', surrounding_text: 'Our plans' }).expect(200);
      expect(linked.body.result.provenance.notes.join(' ')).to.include('Rule applied: the image is a link');
      expect(fake.requests.at(-1)!.text).to.contain('only content of a link to: https://example.com/pricing');
      const refused = await api().post('/api/v1/images').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), purpose: 'ornamental' }).expect(400);
      expect(refused.body.error.message).to.match(/^Purpose:/);
    });

    it('writes the text in more languages when asked, and shows each in the answer', async () => {
      const before = fake.requests.length;
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), also_in: ['de', 'fr'] }).expect(200);
      const { translations, alt_text: altText } = res.body.result;
      expect(Object.keys(translations)).to.deep.equal(['de', 'fr']);
      expect(translations.de.alt_text).to.equal(`[de] ${altText}`);
      expect(translations.fr.caption).to.match(/^\[fr\] /);
      expect(fake.requests.length - before, 'one description and two translations').to.equal(3);
      const again = await request(t.app).get(`/api/v1/images/${res.body.id}`).set('Authorization', alice.auth).expect(200);
      expect(again.body.result.translations.de.title).to.match(/^\[de\] /);
      const bad = await api().post('/api/v1/images').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), also_in: 'de, xx' }).expect(400);
      expect(bad.body.error.message).to.equal('Also write in: "xx" is not a language we offer');
    });

    it('writes the current text, edits included, in another language later, keeping the languages already there', async () => {
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), also_in: ['fr'] }).expect(200);
      const id = res.body.id as string;
      const french = res.body.result.translations.fr;
      await api().patch(`/api/v1/images/${id}`).set('Authorization', alice.auth).send({ alt_text: 'A blue square on a white wall' }).expect(200);
      const before = fake.requests.length;
      const translated = await api().post(`/api/v1/images/${id}/translations`).set('Authorization', alice.auth).send({ languages: ['de'] }).expect(200);
      expect(fake.requests.length - before, 'one request, no describing').to.equal(1);
      expect(translated.body.result.translations.de.alt_text).to.equal('[de] A blue square on a white wall');
      expect(translated.body.result.translations.fr).to.deep.equal(french);
      expect(translated.body.result.alt_text).to.equal('A blue square on a white wall');
      await api().post(`/api/v1/images/${id}/translations`).set('Authorization', alice.auth).send({ languages: ['xx'] }).expect(400);
      await api().post(`/api/v1/images/${id}/translations`).set('Authorization', bob.auth).send({ languages: ['de'] }).expect(404);
      // The model server refuses the second language: nothing is changed, not even the first.
      fake.script({ kind: 'content', content: JSON.stringify({ alt_text: 'Ein blaues Quadrat', caption: '', title: '', description: '' }) }, { kind: 'error', status: 400, message: 'no' });
      const failed = await api().post(`/api/v1/images/${id}/translations`).set('Authorization', alice.auth).send({ languages: 'de, es' }).expect(502);
      expect(failed.body.error.code).to.equal('translation_failed');
      const after = await api().get(`/api/v1/images/${id}`).set('Authorization', alice.auth).expect(200);
      expect(Object.keys(after.body.result.translations)).to.deep.equal(['de', 'fr']);
      expect(after.body.result.translations.de.alt_text).to.equal('[de] A blue square on a white wall');
    });

    it('writes in the language of the page when asked, read from the text beside the image', async () => {
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth)
        .send({ image_base64: jpeg.toString('base64'), language: 'page', surrounding_text: 'Unser neues Fahrrad für die Stadt ist leicht, schnell und sicher.' }).expect(200);
      expect(fake.requests.at(-1)!.text).to.contain('Output language: de (German)');
      const batch = await t.deps.db('batches').where({ id: res.body.batch_id }).first('options_json');
      expect(JSON.parse(batch.options_json)).to.include({ language: 'de', languageFromPage: true });
      const tooShort = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), language: 'page', surrounding_text: 'Neu!' }).expect(200);
      expect(fake.requests.at(-1)!.text).to.contain('Output language: en (English)');
      expect(JSON.parse((await t.deps.db('batches').where({ id: tooShort.body.batch_id }).first('options_json')).options_json)).to.include({ languageFromPage: false });
      const nothing = await api().post('/api/v1/images').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), language: 'page' }).expect(400);
      expect(nothing.body.error.message).to.match(/^Output language: to write in the language of the page/);
    });

    it('fetches image_url from an allowed host and checks the bytes like an upload', async () => {
      const ok = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_url: images.url('/photo.jpg') }).expect(200);
      expect(ok.body).to.include({ original_name: 'photo.jpg', status: 'done' });
      const text = await api().post('/api/v1/images').set('Authorization', alice.auth).send({ image_url: images.url('/notes.txt') }).expect(422);
      expect(text.body.error.code).to.equal('image_refused');
    });

    it('refuses image_url on loopback, directly and through a redirect, creating nothing', async () => {
      const before = (await t.deps.db('images').count({ n: '*' }).first())!.n;
      for (const url of [outside.url('/secret.jpg'), images.url('/to-loopback'), 'http://localhost/x.jpg', 'http://169.254.169.254/latest/meta-data/', 'http://[::1]/x.jpg', 'file:///etc/passwd']) {
        const res = await api().post('/api/v1/images').set('Authorization', alice.auth).send({ image_url: url }).expect(400);
        expect(res.body.error.code, url).to.equal('image_url_refused');
      }
      expect(outside.hits).to.have.length(0);
      expect((await t.deps.db('images').count({ n: '*' }).first())!.n).to.equal(before);
    });

    it('needs exactly one image source', async () => {
      const none = await api().post('/api/v1/images').set('Authorization', alice.auth).send({}).expect(400);
      expect(none.body.error.code).to.equal('invalid_image');
      await api().post('/api/v1/images').set('Authorization', alice.auth).send({ image_url: images.url('/photo.jpg'), image_base64: 'AAAA' }).expect(400);
    });

    it('fills a manifest with a pattern and records the pattern version', async () => {
      const schema = JSON.stringify({ type: 'object', additionalProperties: false, required: ['colour', 'count'], properties: { colour: { type: 'string' }, count: { type: 'integer' } } });
      const pattern = await createPattern(t.deps, alice.userId, { name: 'Colour', instructions: 'Main colour', schema });
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), pattern_id: pattern.id }).expect(200);
      expect(res.body.result.manifest).to.have.keys(['colour', 'count']);
      expect(res.body.result.pattern).to.deep.equal({ id: pattern.id, version: 1, name: 'Colour' });
    });

    it('answers 429 quota_exceeded over the monthly quota, and nothing is created', async () => {
      const carol = await userWithKey(t.deps, 'write');
      await setQuota(t.deps, carol.userId, 0);
      const res = await api().post('/api/v1/images').set('Authorization', carol.auth).send({ image_base64: jpeg.toString('base64') }).expect(429);
      expect(res.body.error.code).to.equal('quota_exceeded');
      expect(await t.deps.db('images').where({ user_id: carol.userId })).to.have.length(0);
      const usage = await api().get('/api/v1/usage').set('Authorization', carol.auth).expect(200);
      expect(usage.body).to.include({ quota: 0, remaining: 0 });
    });

    it('sends a signed image.completed webhook for an API image', async () => {
      const { secret } = await createEndpoint(t.deps, alice.userId, { url: receiver.url, events: ['image.completed'] });
      receiver.secret = secret;
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64') }).expect(200);
      await receiver.waitFor(1, 5000);
      const got = receiver.received.find((r) => r.payload.data.id === res.body.id);
      expect(got?.verified).to.equal(true);
      expect(got?.payload.type).to.equal('image.completed');
    });
  });

  describe('Idempotency-Key', () => {
    it('returns the first answer for a repeat and creates nothing more', async () => {
      const body = { image_base64: jpeg.toString('base64'), name: 'idem' };
      const first = await api().post('/api/v1/images').set('Authorization', alice.auth).set('Idempotency-Key', 'k-1').send(body).expect(202);
      const count = async () => (await t.deps.db('images').where({ user_id: alice.userId }).count({ n: '*' }).first())!.n;
      const n = await count();
      const again = await api().post('/api/v1/images').set('Authorization', alice.auth).set('Idempotency-Key', 'k-1').send(body).expect(202);
      expect(again.body).to.deep.equal(first.body);
      expect(again.headers['idempotent-replayed']).to.equal('true');
      expect(await count()).to.equal(n);
    });

    it('answers 422 for the same key with a different body', async () => {
      await api().post('/api/v1/batches').set('Authorization', alice.auth).set('Idempotency-Key', 'k-2').send({ name: 'one' }).expect(201);
      const res = await api().post('/api/v1/batches').set('Authorization', alice.auth).set('Idempotency-Key', 'k-2').send({ name: 'two' }).expect(422);
      expect(res.body.error.code).to.equal('idempotency_key_reused');
    });

    it('replays a multipart upload without keeping a second working copy', async () => {
      const send = () => api().post('/api/v1/images').set('Authorization', alice.auth).set('Idempotency-Key', 'k-3').attach('image', jpeg, 'a.jpg');
      const first = await send().expect(202);
      const blobs = (await workingCopyBlobs(t)).length;
      const again = await send().expect(202);
      expect(again.body.id).to.equal(first.body.id);
      expect((await workingCopyBlobs(t)).length).to.equal(blobs);
    });

    it('answers 422 for the same key with a different file under the same name, and keeps no copy of it', async () => {
      const other = await solidImage('jpeg', 60, 80);
      await api().post('/api/v1/images').set('Authorization', alice.auth).set('Idempotency-Key', 'k-4').attach('image', jpeg, 'a.jpg').expect(202);
      const blobs = (await workingCopyBlobs(t)).length;
      const images = await t.deps.db('images').where({ user_id: alice.userId }).count({ n: '*' }).first();
      const res = await api().post('/api/v1/images').set('Authorization', alice.auth).set('Idempotency-Key', 'k-4').attach('image', other, 'a.jpg').expect(422);
      expect(res.body.error.code).to.equal('idempotency_key_reused');
      expect((await workingCopyBlobs(t)).length).to.equal(blobs);
      expect(await t.deps.db('images').where({ user_id: alice.userId }).count({ n: '*' }).first()).to.deep.equal(images);
    });

    it('keys are per account, and expire after 24 hours', async () => {
      await api().post('/api/v1/batches').set('Authorization', bob.auth).set('Idempotency-Key', 'k-2').send({ name: 'bob' }).expect(201);
      t.clock.advance(24 * 3600_000 + 1);
      await api().post('/api/v1/batches').set('Authorization', alice.auth).set('Idempotency-Key', 'k-2').send({ name: 'two' }).expect(201);
    });
  });

  describe('reading, editing and deleting', () => {
    let imageId: string;
    before(async () => {
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64') }).expect(200);
      imageId = res.body.id;
    });

    it('GET /images/:id returns the result and counts a retrieval', async () => {
      const before = await t.deps.db('usage_events').where({ user_id: alice.userId, kind: 'description.retrieved', image_id: imageId });
      const res = await api().get(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).expect(200);
      expect(res.body.result.alt_text).to.be.a('string');
      const after = await t.deps.db('usage_events').where({ user_id: alice.userId, kind: 'description.retrieved', image_id: imageId });
      expect(after.length).to.equal(before.length + 1);
    });

    it('PATCH /images/:id changes only the fields sent', async () => {
      const res = await api().patch(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).send({ alt_text: 'Edited alt', tags: ['blue', 'square'], reviewed: true }).expect(200);
      expect(res.body.result).to.include({ alt_text: 'Edited alt' });
      expect(res.body.result.tags).to.deep.equal(['blue', 'square']);
      expect(res.body.result.edited_at).to.be.a('string');
      expect(res.body.reviewed_at).to.be.a('string');
      const bad = await api().patch(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).send({ status: 'done' }).expect(400);
      expect(bad.body.error.code).to.equal('invalid_fields');
    });

    it('GET /images pages newest first with a cursor and filters', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res: request.Response = await api().get('/api/v1/images').query({ limit: 2, ...(cursor ? { cursor } : {}) }).set('Authorization', alice.auth).expect(200);
        seen.push(...res.body.data.map((i: { id: string }) => i.id));
        cursor = res.body.next_cursor;
      } while (cursor);
      const all = await t.deps.db('images').where({ user_id: alice.userId });
      expect(new Set(seen).size).to.equal(all.length);
      const done = await api().get('/api/v1/images?status=done&reviewed=true').set('Authorization', alice.auth).expect(200);
      expect(done.body.data.map((i: { id: string }) => i.id)).to.deep.equal([imageId]);
      await api().get('/api/v1/images?cursor=nonsense').set('Authorization', alice.auth).expect(400);
    });

    it('POST /images/:id/regenerate keeps the edited text and offers the new text as a waiting version', async () => {
      const res = await api().post(`/api/v1/images/${imageId}/regenerate`).set('Authorization', alice.auth).send({ instructions: 'Say regenerated' }).expect(202);
      expect(res.body.id).to.equal(imageId);
      const versions = await waitUntil(async () => {
        const r = await api().get(`/api/v1/images/${imageId}/versions`).set('Authorization', alice.auth).expect(200);
        return r.body.data.some((v: { waiting: boolean }) => v.waiting) ? r.body.data : undefined;
      });
      expect(versions[0]).to.deep.include({ object: 'result_version', waiting: true, current: false, origin: 'generated', edited_by: null });
      expect(versions[0].result.alt_text).to.include('Say regenerated');
      expect(versions[0].options).to.deep.include({ instructions: 'Say regenerated' });
      const current = versions.find((v: { current: boolean }) => v.current);
      expect(current).to.deep.include({ origin: 'edited', edited_by: alice.userId, human_fields: ['alt_text', 'tags'] });
      const image = await api().get(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).expect(200);
      expect(image.body.result.alt_text).to.equal('Edited alt');
      expect(image.body.reviewed_at).to.be.a('string');
    });

    it('POST /images/:id/regenerate with replace_edits lets the new text replace the edits', async () => {
      await api().post(`/api/v1/images/${imageId}/regenerate`).set('Authorization', alice.auth).send({ instructions: 'Say replaced', replace_edits: true }).expect(202);
      const done = await waitUntil(async () => {
        const r = await api().get(`/api/v1/images/${imageId}`).set('Authorization', alice.auth);
        return r.body.status === 'done' && r.body.result.alt_text.includes('Say replaced') ? r.body : undefined;
      });
      expect(done.result.edited_at).to.equal(null);
      expect(done.reviewed_at).to.equal(null);
      const versions = await api().get(`/api/v1/images/${imageId}/versions`).set('Authorization', alice.auth).expect(200);
      expect(versions.body.data.map((v: { result: { alt_text: string } }) => v.result.alt_text)).to.include('Edited alt');
      await api().post(`/api/v1/images/${imageId}/regenerate`).set('Authorization', alice.auth).send({ replace_edits: 'maybe' }).expect(400);
      await api().get(`/api/v1/images/${imageId}/versions`).set('Authorization', bob.auth).expect(404);
    });

    it('DELETE /images/:id answers 204, then the image is gone', async () => {
      await api().delete(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).expect(204);
      await api().get(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).expect(404);
    });
  });

  describe('batches', () => {
    it('creates a batch, adds images to it with batch_id, reports progress, and cancels', async () => {
      const batch = await api().post('/api/v1/batches').set('Authorization', alice.auth).send({ name: 'Spring catalogue', style: 'product' }).expect(201);
      expect(batch.body).to.include({ object: 'batch', name: 'Spring catalogue' });
      const added = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64'), batch_id: batch.body.id }).expect(200);
      expect(added.body.batch_id).to.equal(batch.body.id);
      const got = await api().get(`/api/v1/batches/${batch.body.id}`).set('Authorization', alice.auth).expect(200);
      expect(got.body.progress).to.include({ total: 1, done: 1, finished: true });
      const cancelled = await api().post(`/api/v1/batches/${batch.body.id}/cancel`).set('Authorization', alice.auth).expect(200);
      expect(cancelled.body.cancelled).to.equal(0);
    });
  });

  describe('another user\'s resources answer 404 on every endpoint', () => {
    let imageId: string;
    let batchId: string;
    let patternId: string;
    before(async () => {
      const res = await api().post('/api/v1/images?wait=20').set('Authorization', alice.auth).send({ image_base64: jpeg.toString('base64') }).expect(200);
      imageId = res.body.id;
      batchId = res.body.batch_id;
      patternId = (await createPattern(t.deps, alice.userId, { name: 'p', instructions: '', schema: '{"type":"object","additionalProperties":false,"required":["a"],"properties":{"a":{"type":"string"}}}' })).id;
    });

    const cases: [string, string, (id: { imageId: string; batchId: string; patternId: string }) => string, Record<string, unknown>?][] = [
      ['GET', 'image', (x) => `/api/v1/images/${x.imageId}`],
      ['PATCH', 'image', (x) => `/api/v1/images/${x.imageId}`, { alt_text: 'mine now' }],
      ['DELETE', 'image', (x) => `/api/v1/images/${x.imageId}`],
      ['POST', 'regenerate', (x) => `/api/v1/images/${x.imageId}/regenerate`, {}],
      ['GET', 'batch', (x) => `/api/v1/batches/${x.batchId}`],
      ['POST', 'cancel', (x) => `/api/v1/batches/${x.batchId}/cancel`, {}],
    ];
    for (const [method, what, path, body] of cases) {
      it(`${method} ${what}`, async () => {
        const url = path({ imageId, batchId, patternId });
        const req = method === 'GET' ? api().get(url) : method === 'PATCH' ? api().patch(url) : method === 'DELETE' ? api().delete(url) : api().post(url);
        const res = await req.set('Authorization', bob.auth).send(body ?? {}).expect(404);
        expect(res.body.error.code).to.equal('not_found');
        expect(res.body.error.request_id).to.match(/^req_/);
      });
    }

    it('POST /images with another user\'s batch_id or pattern_id', async () => {
      await api().post('/api/v1/images').set('Authorization', bob.auth).send({ image_base64: jpeg.toString('base64'), batch_id: batchId }).expect(404);
      await api().post('/api/v1/images').set('Authorization', bob.auth).send({ image_base64: jpeg.toString('base64'), pattern_id: patternId }).expect(404);
      await api().post('/api/v1/batches').set('Authorization', bob.auth).send({ pattern_id: patternId }).expect(404);
    });

    it('GET /images lists only the caller\'s images', async () => {
      const res = await api().get('/api/v1/images?limit=100').set('Authorization', bob.auth).expect(200);
      expect(res.body.data.map((i: { id: string }) => i.id)).not.to.include(imageId);
    });

    it('and the image is untouched', async () => {
      const res = await api().get(`/api/v1/images/${imageId}`).set('Authorization', alice.auth).expect(200);
      expect(res.body.result.alt_text).not.to.equal('mine now');
    });
  });
});

async function waitUntil<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}
