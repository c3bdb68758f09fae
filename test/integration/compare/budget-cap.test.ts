import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { userWithKey } from '../../helpers/api-client';
import { fixture } from '../../helpers/image-fixtures';
import { waitFor } from '../../helpers/queue-fixtures';
import { insertDescriberConfig } from '../../../server/db/describer-configs';
import { signUp } from '../../helpers/session';

describe('a batch\'s budget cap', function () {
  this.timeout(60_000);
  let server: FakeOpenAI;
  let t: TestApp;

  before(async () => {
    // Each image uses 1,000 input tokens; at 1 per million that is 0.001 an image.
    server = await startFakeOpenAI({ usage: { prompt_tokens: 1000, completion_tokens: 0 } });
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: server.baseUrl, OPENAI_MODEL: 'priced-model', QUEUE_CONCURRENCY: '1' });
  });
  after(async () => {
    await t.close();
    await server.close();
  });

  const newBatch = (auth: string, body: Record<string, unknown>) => request(t.app).post('/api/v1/batches').set('Authorization', auth).send(body);

  it('is refused while no price is known for the describer in use, and makes no batch', async () => {
    const { auth, userId } = await userWithKey(t.deps);
    const res = await newBatch(auth, { name: 'Capped', budget_cap: 0.5 });
    expect(res.status).to.equal(400);
    expect(res.body.error.message).to.include('needs the price of the describer in use');
    expect(await t.deps.db('batches').where({ user_id: userId }).count({ n: '*' }).first()).to.deep.include({ n: 0 });
    expect((await newBatch(auth, { budget_cap: 'lots' })).status).to.equal(400);
  });

  it('stops describing once the batch spent its cap, and keeps the images left with the reason', async () => {
    const now = Date.now();
    await insertDescriberConfig(t.deps.db, { id: 'dsc_priced', name: 'Priced', base_url: server.baseUrl, model: 'priced-model', api_key_sealed: null, price_input_per_m: 1, price_output_per_m: 0, created_at: now, updated_at: now });
    const { auth } = await userWithKey(t.deps);
    const created = await newBatch(auth, { name: 'Capped', budget_cap: 0.0025 });
    expect(created.status).to.equal(201);
    expect(created.body.budget_cap).to.equal(0.0025);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await request(t.app).post('/api/v1/images').set('Authorization', auth)
        .send({ batch_id: created.body.id, image_base64: fixture('dog.jpg').toString('base64'), filename: `dog-${i}.jpg` });
      expect(res.status).to.be.oneOf([201, 202]);
      ids.push(res.body.id);
    }
    await t.deps.queue.start();
    const images = await waitFor(async () => {
      const rows = await t.deps.db('images').whereIn('id', ids).orderBy('created_at').select('id', 'status', 'error', 'blob_key');
      return rows.every((r) => r.status === 'done' || r.status === 'failed') ? rows : undefined;
    }, 20_000, 'every image finished');
    // 0.001 + 0.001 < 0.0025, so the third runs; after it 0.003 ≥ 0.0025 stops the rest.
    expect(images.map((i) => i.status).sort()).to.deep.equal(['done', 'done', 'done', 'failed', 'failed']);
    expect(server.requests).to.have.length(3);
    for (const image of images.filter((i) => i.status === 'failed')) {
      expect(image.error).to.equal('Not described: the batch reached its budget cap of 0.0025 (spent 0.0030). The image is kept and can be described again later.');
      expect(image.blob_key, 'the working copy is kept').to.be.a('string');
    }
  });
});

describe('the upload form\'s budget cap', function () {
  this.timeout(30_000);
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('sets the cap on the batch, and says so when a cap is refused while the images stay queued', async () => {
    const person = await signUp(t.app);
    const upload = (cap: string) => person.agent.post(`/images?_csrf=${encodeURIComponent(person.csrf)}`)
      .field('budget_cap', cap).attach('images', fixture('dog.jpg'), 'dog.jpg').expect(303);
    const capped = await upload('0,75');
    const cappedId = /\/batches\/([\w-]+)$/.exec(capped.headers.location)![1];
    expect(Number((await t.deps.db('batches').where({ id: cappedId }).first('budget_cap')).budget_cap)).to.equal(0.75);

    const refused = await upload('a lot');
    const refusedId = /\/batches\/([\w-]+)$/.exec(refused.headers.location)![1];
    const page = await person.agent.get(refused.headers.location);
    expect(page.text).to.include('1 image queued for describing. No budget cap was set. The budget cap must be an amount of 0 or more');
    expect((await t.deps.db('batches').where({ id: refusedId }).first('budget_cap')).budget_cap).to.equal(null);
    expect((await t.deps.db('images').where({ batch_id: refusedId }).first('status')).status).to.equal('queued');
  });
});
