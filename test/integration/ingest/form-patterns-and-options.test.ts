import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import * as fx from '../../helpers/image-fixtures';
import { createPattern } from '../../../server/patterns';
import { readDescribeDefaults } from '../../../server/db/describe-defaults';

const schema = '{"type":"object","additionalProperties":false,"required":["colour"],"properties":{"colour":{"type":"string"}}}';

describe('patterns and honest options on the upload form and in "describe again"', () => {
  let t: TestApp;
  let alice: SignedUp;
  afterEach(async () => t.close());

  const upload = (who: SignedUp, fields: Record<string, string>) => {
    let req = who.agent.post(`/images?_csrf=${encodeURIComponent(who.csrf)}`);
    for (const [name, value] of Object.entries(fields)) req = req.field(name, value);
    return req.attach('images', fx.fixture('dog.jpg'), 'dog.jpg');
  };
  const batchOf = (location: string) => t.deps.db('batches').where({ id: location.split('/').pop() }).first();

  describe('with the offline describer', () => {
    beforeEach(async () => {
      t = await buildTestApp();
      alice = await signUp(t.app);
    });

    it('offers the account\'s patterns and describes the batch with the one chosen, without keeping it as a default', async () => {
      const colour = await createPattern(t.deps, alice.user.id, { name: 'Main colour', instructions: 'The main colour', schema });
      const form = await alice.agent.get('/images/new').expect(200);
      expect(form.text).to.include(`<option value="${colour.id}">Main colour</option>`);

      const res = await upload(alice, { pattern_id: colour.id, remember: 'on' }).expect(303);
      const batch = await batchOf(res.headers.location);
      expect(JSON.parse(batch.options_json).pattern).to.deep.include({ id: colour.id, name: 'Main colour', version: 1 });
      expect(JSON.parse((await readDescribeDefaults(t.deps.db, alice.user.id))!)).to.not.have.property('pattern');
      const page = await alice.agent.get(res.headers.location).expect(200);
      expect(page.text).to.include('pattern “Main colour”');
    });

    it('refuses another account\'s pattern and uploads nothing', async () => {
      const bob = await signUp(t.app);
      const theirs = await createPattern(t.deps, bob.user.id, { name: 'Bob only', instructions: 'x', schema });
      const res = await upload(alice, { pattern_id: theirs.id }).expect(303);
      expect(res.headers.location).to.equal('/images/new');
      expect(await t.deps.db('images').where({ user_id: alice.user.id })).to.deep.equal([]);
    });

    it('marks before upload the options the offline describer does not act on, and says so on the batch page', async () => {
      const form = await alice.agent.get('/images/new').expect(200);
      for (const option of ['language', 'style', 'context', 'instructions']) expect(form.text).to.include(`data-ignored="${option}"`);
      expect(form.text).to.include('The offline describer on this server writes English only');
      const res = await upload(alice, { language: 'de', instructions: 'Mention the breed' }).expect(303);
      const page = await alice.agent.get(res.headers.location).expect(200);
      expect(page.text).to.include('The offline describer on this server writes English only, writes in one plain style and does not use the instructions given.');
    });

    it('describes again with a pattern chosen in the form', async () => {
      const colour = await createPattern(t.deps, alice.user.id, { name: 'Main colour', instructions: 'The main colour', schema });
      const res = await upload(alice, {}).expect(303);
      const image = await t.deps.db('images').where({ user_id: alice.user.id }).first();
      // The image is queued still: finish its job as the worker would, so it can be described again.
      await t.deps.db('jobs').where({ image_id: image.id }).update({ status: 'done' });
      await t.deps.db('images').where({ id: image.id }).update({ status: 'done' });
      const page = await alice.agent.get(res.headers.location).expect(200);
      expect(page.text).to.include(`id="regen-pattern-${image.id}"`);
      expect(page.text).to.include(`<option value="${colour.id}">Main colour</option>`);
      await alice.agent.post(`/images/${image.id}/regenerate`).type('form').send({ _csrf: alice.csrf, pattern_id: colour.id }).expect(303);
      const job = await t.deps.db('jobs').where({ image_id: image.id, status: 'queued' }).first();
      expect(JSON.parse(job.payload_json).options.pattern).to.deep.include({ id: colour.id, name: 'Main colour' });
    });
  });

  describe('with a model server', () => {
    let fake: FakeOpenAI;
    beforeEach(async () => {
      fake = await startFakeOpenAI();
      t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
      alice = await signUp(t.app);
    });
    afterEach(async () => fake.close());

    it('marks no option as ignored, since the model is told all of them', async () => {
      await alice.agent.post('/images/consent').type('form').send({ _csrf: alice.csrf }).expect(303);
      const form = await alice.agent.get('/images/new').expect(200);
      expect(form.text).to.include('data-upload-form');
      expect(form.text).to.not.include('data-ignored=');
    });
  });
});
