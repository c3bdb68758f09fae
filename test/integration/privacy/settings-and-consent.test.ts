import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp } from '../../helpers/session';
import { seedImageWithBlob, blobFilesOnDisk, withoutTextKeys } from '../../helpers/privacy-seed';
import { fixture } from '../../helpers/image-fixtures';

describe('retention settings on /account/privacy', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ MAX_IMAGE_RETENTION: '24h' });
  });
  afterEach(async () => t.close());

  it('offers only the choices under the admin cap and refuses anything else', async () => {
    const alice = await signUp(t.app);
    const page = await alice.agent.get('/account/privacy').expect(200);
    expect(page.text).to.contain('id="image-retention-24h"');
    expect(page.text).to.not.contain('id="image-retention-7d"');
    expect(page.text).to.not.contain('id="image-retention-forever"');
    expect(page.text).to.contain('allows at most 24 hours');
    await alice.agent.post('/account/privacy').type('form').send({ _csrf: alice.csrf, image_retention: '7d', text_retention: 'forever' }).expect(422);
    expect((await t.deps.db('users').where({ id: alice.user.id }).first()).image_retention).to.equal(null);
  });

  it('applies a shorter retention at once: working copies now overdue are deleted before the page returns', async () => {
    const alice = await signUp(t.app);
    await seedImageWithBlob(t, { userId: alice.user.id, processedAgoMs: 60_000 });
    await alice.agent.post('/account/privacy').type('form').send({ _csrf: alice.csrf, image_retention: '0', text_retention: '30' }).expect(303);
    expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);
    const page = await alice.agent.get('/account/privacy').expect(200);
    expect(page.text).to.match(/deleted immediately after processing, at \d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
    expect((await t.deps.db('users').where({ id: alice.user.id }).first()).text_retention_days).to.equal(30);
  });

  it('stores a batch override from the upload form, which can only shorten retention', async () => {
    const alice = await signUp(t.app);
    const form = await alice.agent.get('/images/new').expect(200);
    expect(form.text).to.contain('My account setting (30 minutes)');
    const res = await alice.agent.post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`).field('image_retention', '0').attach('images', fixture('dog.jpg'), 'dog.jpg').expect(303);
    const batchId = res.headers.location.split('/').pop();
    expect((await t.deps.db('batches').where({ id: batchId }).first()).image_retention).to.equal('0');
  });
});

describe('confirming where images go, before the first upload', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_API_KEY: 'sk-test', OPENAI_BASE_URL: 'https://vision.example.com/v1' });
  });
  afterEach(async () => t.close());

  it('names the provider, stores nothing until the user confirms, and asks only once', async () => {
    const alice = await signUp(t.app);
    const before = await alice.agent.get('/images/new').expect(200);
    expect(before.text).to.contain('I understand: send my images to vision.example.com');
    expect(before.text).to.not.contain('enctype="multipart/form-data"');

    const refused = await alice.agent.post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`).attach('images', fixture('dog.jpg'), 'dog.jpg').expect(303);
    expect(refused.headers.location).to.equal('/images/new');
    expect(await t.deps.db('images')).to.deep.equal([]);
    expect(await withoutTextKeys(t, blobFilesOnDisk(t)), 'working copies left').to.deep.equal([]);

    await alice.agent.post('/images/consent').type('form').send({ _csrf: alice.csrf }).expect(303);
    const after = await alice.agent.get('/images/new').expect(200);
    expect(after.text).to.not.contain('I understand: send my images');
    expect(after.text).to.contain('vision.example.com');
    const accepted = await alice.agent.post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`).attach('images', fixture('dog.jpg'), 'dog.jpg').expect(303);
    expect(accepted.headers.location).to.match(/^\/batches\//);

    const bob = await signUp(t.app);
    expect((await bob.agent.get('/images/new')).text).to.contain('I understand: send my images to vision.example.com');
  });

  it('does not ask when the model server is on this machine', async () => {
    const local = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' });
    try {
      const alice = await signUp(local.app);
      expect((await alice.agent.get('/images/new')).text).to.not.contain('I understand');
    } finally {
      await local.close();
    }
  });
});
