import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { listen, userWithKey } from '../../helpers/api-client';
import { waitFor } from '../../helpers/queue-fixtures';
import * as fx from '../../helpers/image-fixtures';

/** Names as a browser sends them: raw UTF-8 in the part header. */
const NAMES = ['café.jpg', 'Ünïcödé 東京.png'];

describe('file names outside ASCII keep their letters', function () {
  this.timeout(30_000);
  let fake: FakeOpenAI;
  let t: TestApp;
  let alice: SignedUp;
  before(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    alice = await signUp(t.app);
  });
  after(async () => {
    await t.close();
    await fake.close();
  });

  it('through the upload form: on the batch page, in both CSV exports and in Content-Disposition', async () => {
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fx.fixture('dog.jpg'), NAMES[0])
      .attach('images', fx.fixture('cat.png'), NAMES[1])
      .expect(303);
    const batchPage = await alice.agent.get(res.headers.location).expect(200);
    const shown = [...batchPage.text.matchAll(/<h2 [^>]*class="image-name"[^>]*>([^<]*)<\/h2>/g)].map((m) => m[1]);
    expect(shown).to.deep.equal(NAMES);

    for (const csvPath of ['/images/export.csv', `${res.headers.location}/export.csv`]) {
      const csv = await alice.agent.get(csvPath).expect(200);
      const names = csv.text.split('\r\n').slice(1).filter(Boolean).map((line) => line.split(',')[2]);
      expect(names.sort(), csvPath).to.deep.equal([...NAMES].sort());
    }

    const rows = await t.deps.db('images').where({ user_id: alice.user.id }).orderBy('rowid');
    const file = await alice.agent.get(`/images/${rows[0].id}/file`).expect(200);
    expect(file.headers['content-disposition']).to.equal(`inline; filename="caf_.jpg"; filename*=UTF-8''caf%C3%A9.jpg`);
  });

  it('through "Describe without storing the images"', async () => {
    const res = await alice.agent
      .post(`/images/zero-retention?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fx.fixture('dog.jpg'), NAMES[0])
      .expect(303);
    const batchId = res.headers.location.split('/').pop();
    await waitFor(async () => (await t.deps.db('images').where({ batch_id: batchId })).every((row) => row.status === 'done'), 10_000, 'described');
    expect((await t.deps.db('images').where({ batch_id: batchId })).map((row) => row.original_name)).to.deep.equal([NAMES[0]]);
  });

  it('through the API: in the answer and when the image is read back', async () => {
    const server = await listen(t.app);
    try {
      const bob = await userWithKey(t.deps, 'write');
      const created = await request(server.url).post('/api/v1/images').set('Authorization', bob.auth).attach('image', fx.fixture('dog.jpg'), NAMES[1]).expect(202);
      expect(created.body.original_name).to.equal(NAMES[1]);
      const read = await request(server.url).get(`/api/v1/images/${created.body.id}`).set('Authorization', bob.auth).expect(200);
      expect(read.body.original_name).to.equal(NAMES[1]);
    } finally {
      await server.close();
    }
  });
});
