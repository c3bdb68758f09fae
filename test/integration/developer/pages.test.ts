import { expect } from 'chai';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { signUp, type SignedUp } from '../../helpers/session';
import { WebhookReceiver } from '../../helpers/webhook-receiver';
import { insertBatch, insertImage } from '../../helpers/rows';
import { solidImage } from '../../helpers/image-fixtures';

describe('developer pages: API keys, webhooks, patterns, usage', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let admin: SignedUp;
  let alice: SignedUp;
  let bob: SignedUp;

  before(async () => {
    receiver = await new WebhookReceiver().start();
    t = await buildTestApp({ ALLOWED_INTERNAL_HOSTS: `127.0.0.1:${receiver.port}` });
    admin = await signUp(t.app);
    alice = await signUp(t.app);
    bob = await signUp(t.app);
    receiver.now = () => t.clock.now().getTime();
  });
  after(async () => {
    await t.close();
    await receiver.close();
  });

  describe('/account/api-keys', () => {
    it('shows a new key once, and the key works on the API until it is revoked', async () => {
      const created = await alice.agent.post('/account/api-keys').type('form').send({ _csrf: alice.csrf, name: 'shop import', scope: 'read' }).expect(201);
      const key = /sl_live_[A-Za-z0-9_-]{43}/.exec(created.text)?.[0];
      expect(key, 'key on the page').to.be.a('string');
      const again = await alice.agent.get('/account/api-keys').expect(200);
      expect(again.text).not.to.include(key!);
      expect(again.text).to.include(`${key!.slice(0, 12)}…`);
      await request(t.app).get('/api/v1/usage').set('Authorization', `Bearer ${key}`).expect(200);
      const row = await t.deps.db('api_keys').where({ user_id: alice.user.id }).first();
      await bob.agent.post(`/account/api-keys/${row.id}/revoke`).type('form').send({ _csrf: bob.csrf }).expect(404);
      await request(t.app).get('/api/v1/usage').set('Authorization', `Bearer ${key}`).expect(200);
      await alice.agent.post(`/account/api-keys/${row.id}/revoke`).type('form').send({ _csrf: alice.csrf }).expect(303);
      await request(t.app).get('/api/v1/usage').set('Authorization', `Bearer ${key}`).expect(401);
    });

    it('asks for a name', async () => {
      const res = await alice.agent.post('/account/api-keys').type('form').send({ _csrf: alice.csrf, name: ' ', scope: 'read' }).expect(422);
      expect(res.text).to.include('Give the key a name');
    });

    it('sends signed-out visitors to the login page', async () => {
      await request(t.app).get('/account/api-keys').expect(303).expect('Location', '/login?next=%2Faccount%2Fapi-keys');
    });
  });

  describe('/account/webhooks', () => {
    let endpointId: string;

    it('shows the secret once, and "send test" delivers a signed event that shows in the log', async () => {
      const res = await alice.agent.post('/account/webhooks').type('form')
        .send({ _csrf: alice.csrf, url: receiver.url, description: 'CMS', events: ['image.completed', 'batch.completed'] }).expect(201);
      const secret = /whsec_[A-Za-z0-9+/=]+/.exec(res.text)?.[0];
      expect(secret).to.be.a('string');
      receiver.secret = secret!;
      endpointId = (await t.deps.db('webhook_endpoints').where({ user_id: alice.user.id }).first()).id;
      expect((await alice.agent.get('/account/webhooks').expect(200)).text).not.to.include(secret!);
      await alice.agent.post(`/account/webhooks/${endpointId}/test`).type('form').send({ _csrf: alice.csrf }).expect(303);
      expect(receiver.received).to.have.length(1);
      expect(receiver.received[0].verified).to.equal(true);
      expect(receiver.received[0].payload.type).to.equal('webhook.test');
      const log = await alice.agent.get(`/account/webhooks/${endpointId}`).expect(200);
      expect(log.text).to.include('webhook.test').and.include('204').and.include(receiver.received[0].id);
    });

    it('refuses a loopback URL the admin did not allow, saying why', async () => {
      const res = await alice.agent.post('/account/webhooks').type('form').send({ _csrf: alice.csrf, url: 'http://127.0.0.1:9/x', events: 'image.completed' }).expect(422);
      expect(res.text).to.include('private, loopback and reserved addresses are not allowed');
    });

    it('answers 404 for another user\'s endpoint, its log, its test button and its delete button', async () => {
      await bob.agent.get(`/account/webhooks/${endpointId}`).expect(404);
      await bob.agent.post(`/account/webhooks/${endpointId}/test`).type('form').send({ _csrf: bob.csrf }).expect(404);
      await bob.agent.post(`/account/webhooks/${endpointId}/delete`).type('form').send({ _csrf: bob.csrf }).expect(404);
      await alice.agent.get(`/account/webhooks/${endpointId}`).expect(200);
    });
  });

  describe('/patterns', () => {
    const schema = JSON.stringify({ type: 'object', additionalProperties: false, required: ['colour'], properties: { colour: { type: 'string' } } });
    let patternId: string;

    it('lists every schema problem with its path when saving', async () => {
      const bad = JSON.stringify({ type: 'object', properties: { colour: { type: 'string', minLength: 2 } } });
      const res = await alice.agent.post('/patterns').type('form').send({ _csrf: alice.csrf, name: 'Colours', instructions: '', schema: bad }).expect(422);
      expect(res.text).to.include('objects must set &#34;additionalProperties&#34;: false');
      expect(res.text).to.include('/properties/colour: &#34;minLength&#34; is not supported for type string');
      expect(await t.deps.db('patterns').count({ n: '*' }).first()).to.deep.equal({ n: 0 });
    });

    it('saves version 1, and an edit makes version 2 while version 1 stays', async () => {
      const res = await alice.agent.post('/patterns').type('form').send({ _csrf: alice.csrf, name: 'Colours', instructions: 'Main colour', schema }).expect(303);
      patternId = res.headers.location.split('/').pop()!;
      await alice.agent.post(`/patterns/${patternId}`).type('form').send({ _csrf: alice.csrf, name: 'Colours', instructions: 'The main colour, in English', schema }).expect(303);
      const page = await alice.agent.get(`/patterns/${patternId}`).expect(200);
      expect(page.text).to.include('version 2').and.include('Version 1');
      const versions = await t.deps.db('pattern_versions').where({ pattern_id: patternId }).orderBy('version');
      expect(versions.map((v) => v.instructions)).to.deep.equal(['Main colour', 'The main colour, in English']);
    });

    it('answers 404 for another user\'s pattern on every page', async () => {
      await bob.agent.get(`/patterns/${patternId}`).expect(404);
      await bob.agent.get(`/patterns/${patternId}/edit`).expect(404);
      await bob.agent.post(`/patterns/${patternId}`).type('form').send({ _csrf: bob.csrf, name: 'x', instructions: '', schema }).expect(404);
      await bob.agent.post(`/patterns/${patternId}/delete`).type('form').send({ _csrf: bob.csrf }).expect(404);
    });

    it('tests a pattern on one uploaded image and shows where it stands', async () => {
      const res = await alice.agent.post(`/patterns/${patternId}/test?_csrf=${encodeURIComponent(alice.csrf)}`).attach('images', await solidImage('jpeg'), 'shoe.jpg').expect(303);
      expect(res.headers.location).to.match(new RegExp(`^/patterns/${patternId}/tests/`));
      const page = await alice.agent.get(res.headers.location).expect(200);
      expect(page.text).to.include('shoe.jpg').and.include('Still being described');
      const imageId = res.headers.location.split('/').pop()!;
      const job = await t.deps.db('jobs').where({ image_id: imageId }).first();
      const batch = await t.deps.db('batches').join('images', 'images.batch_id', 'batches.id').where('images.id', imageId).first('batches.options_json');
      expect(job).to.be.an('object');
      expect(JSON.parse(batch.options_json).pattern).to.include({ id: patternId, version: 2 });
      await bob.agent.get(res.headers.location).expect(404);
    });

    it('deletes a pattern but keeps its versions for the manifests made with them', async () => {
      await alice.agent.post(`/patterns/${patternId}/delete`).type('form').send({ _csrf: alice.csrf }).expect(303);
      await alice.agent.get(`/patterns/${patternId}`).expect(404);
      expect(await t.deps.db('pattern_versions').where({ pattern_id: patternId })).to.have.length(2);
    });
  });

  describe('/account/usage and /admin/quotas', () => {
    it('draws the month by day as an SVG chart without inline styles', async () => {
      const batchId = await insertBatch(t.deps.db, alice.user.id);
      const imageId = await insertImage(t.deps.db, alice.user.id, batchId);
      const now = t.clock.now().getTime();
      await t.deps.db('usage_events').insert([
        { user_id: alice.user.id, image_id: imageId, kind: 'description.created', source: 'web', created_at: now },
        { user_id: alice.user.id, image_id: imageId, kind: 'description.retrieved', source: 'api', created_at: now },
      ]);
      const res = await alice.agent.get('/account/usage').expect(200);
      expect(res.text).to.include('<svg class="usage-chart"');
      expect(res.text).not.to.match(/style=/);
      const today = new Date(now).toISOString().slice(0, 10);
      expect(res.text).to.include(`${today}: 1 created, 1 retrieved`);
    });

    it('lets only an admin set quotas, and the usage page says when the quota is used up', async () => {
      await alice.agent.post('/admin/quotas').type('form').send({ _csrf: alice.csrf, user_id: String(alice.user.id), monthly: '1' }).expect(403);
      await admin.agent.post('/admin/quotas').type('form').send({ _csrf: admin.csrf, user_id: String(alice.user.id), monthly: '1' }).expect(303);
      const res = await alice.agent.get('/account/usage').expect(200);
      expect(res.text).to.match(/You have used this month(&#39;|')s quota of 1 descriptions/);
      await admin.agent.post('/admin/quotas').type('form').send({ _csrf: admin.csrf, user_id: String(alice.user.id), clear: 'on' }).expect(303);
      expect((await alice.agent.get('/account/usage')).text).not.to.include('You have used');
    });

    it('the upload form refuses new images over the quota and says why, keeping nothing', async () => {
      await admin.agent.post('/admin/quotas').type('form').send({ _csrf: admin.csrf, user_id: String(bob.user.id), monthly: '0' }).expect(303);
      const blobs = (await workingCopyBlobs(t)).length;
      await bob.agent.post(`/images?_csrf=${encodeURIComponent(bob.csrf)}`).attach('images', await solidImage('jpeg'), 'a.jpg').expect(303).expect('Location', '/images/new');
      const page = await bob.agent.get('/images/new').expect(200);
      expect(page.text).to.include('descriptions for the month');
      expect(await t.deps.db('images').where({ user_id: bob.user.id })).to.have.length(0);
      expect((await workingCopyBlobs(t)).length).to.equal(blobs);
    });
  });
});
