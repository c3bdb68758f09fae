import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { waitFor } from '../../helpers/queue-fixtures';
import { fixture } from '../../helpers/image-fixtures';
import { dataDirListing, databaseBytes, imageTraces } from '../../helpers/file-scan';
import { withoutTextKeys } from '../../helpers/privacy-seed';
import { PROJECT_ROOT } from '../../../server/app';

describe('zero-retention batches', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let alice: SignedUp;
  beforeEach(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    alice = await signUp(t.app);
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  it('write nothing under DATA_DIR except text rows: no blob, no temp file, no image bytes in the database', async () => {
    const before = await withoutTextKeys(t, dataDirListing(t.dataDir));
    const res = await alice.agent
      .post(`/images/zero-retention?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fixture('dog.jpg'), 'dog.jpg')
      .attach('images', fixture('cat.png'), 'cat.png')
      .expect(303);
    const batchId = res.headers.location.split('/').pop();
    await waitFor(async () => (await t.deps.db('images').where({ batch_id: batchId })).every((r) => r.status === 'done'), 10_000, 'described');
    expect(fake.requests).to.have.length(2);
    expect(await withoutTextKeys(t, dataDirListing(t.dataDir))).to.deep.equal(before);
    expect(await withoutTextKeys(t, fs.existsSync(localBlobs(t).dir) ? fs.readdirSync(localBlobs(t).dir).filter((n) => n !== 'tmp').map((n) => `${localBlobs(t).dir}/${n}`) : [])).to.deep.equal([]);
    const rows = await t.deps.db('images').where({ batch_id: batchId });
    expect(rows.every((r) => r.blob_key === null)).to.equal(true);
    expect(await t.deps.db('descriptions').whereIn('image_id', rows.map((r) => r.id))).to.have.length(2);
    expect((await t.deps.db('batches').where({ id: batchId }).first()).zero_retention).to.equal(1);
    expect(imageTraces(await databaseBytes(t))).to.deep.equal([]);
  });

  it('holds the number of images the README promises, then answers 503 with Retry-After, storing nothing for the refused upload', async () => {
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    const documented = Number(/bounded in-memory queue of (\d+) images/.exec(readme)?.[1]);
    expect(documented, 'the queue size the README states').to.be.greaterThan(0);
    const upload = (count: number) => {
      let req = alice.agent.post(`/images/zero-retention?_csrf=${encodeURIComponent(alice.csrf)}`);
      for (let i = 0; i < count; i += 1) req = req.attach('images', fixture('dog.jpg'), `dog-${i}.jpg`);
      return req;
    };
    // The model holds its answers, so every image stays in the queue until released.
    fake.hold();
    try {
      await upload(documented).expect(303);
      const res = await upload(1).set('Accept', 'application/json').expect(503);
      expect(res.headers['retry-after']).to.equal('30');
      expect(res.text).to.contain('busy').and.to.contain('Try again');
      expect(await t.deps.db('images').count({ n: '*' }).first()).to.deep.equal({ n: documented });
    } finally {
      fake.release();
    }
    await waitFor(async () => (await t.deps.db('images').whereNot({ status: 'done' })).length === 0, 20_000, 'every held image described');
    await upload(1).expect(303);
  });

  it('sends every upload to the in-memory path when zero retention is the only mode', async () => {
    await alice.agent.post('/admin/privacy').type('form').send({ _csrf: alice.csrf, zero_retention_only: 'on' }).expect(303);
    const query = `?_csrf=${encodeURIComponent(alice.csrf)}`;
    const res = await alice.agent.post(`/images${query}`).attach('images', fixture('dog.jpg'), 'dog.jpg');
    expect(res.status).to.equal(307);
    expect(res.headers.location).to.equal(`/images/zero-retention${query}`);
    expect(await t.deps.db('images')).to.deep.equal([]);
    expect((await alice.agent.get('/privacy')).text).to.contain('every upload is described from memory');
  });
});
