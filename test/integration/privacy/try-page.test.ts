import fs from 'node:fs';
import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { fixture } from '../../helpers/image-fixtures';
import { dataDirListing } from '../../helpers/file-scan';
import { workingCopyBlobs } from '../../helpers/privacy-seed';
import { zeroRetentionQueue, ZERO_RETENTION_CAPACITY } from '../../../server/services/zero-retention';

/** A signed-out visitor with the token the /try form carries. */
async function visitor(t: TestApp): Promise<{ agent: ReturnType<typeof request.agent>; action: string }> {
  const agent = request.agent(t.app);
  const res = await agent.get('/try').expect(200);
  const action = /action="(\/try\?_csrf=[^"]+)"/.exec(res.text)?.[1];
  if (!action) throw new Error('no form on /try');
  return { agent, action: action.replace(/&#34;|&amp;/g, (m) => (m === '&amp;' ? '&' : '"')) };
}

describe('public describe page /try', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  let admin: SignedUp;
  const enable = (on: boolean) => admin.agent.post('/admin/privacy').type('form').send({ _csrf: admin.csrf, ...(on ? { public_describe_page: 'on' } : {}) }).expect(303);
  beforeEach(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    admin = await signUp(t.app);
  });
  afterEach(async () => {
    await t.close();
    await fake.close();
  });

  it('answers 404 and is not linked from the login page until the admin enables it', async () => {
    await request(t.app).get('/try').expect(404);
    await request(t.app).post('/try').expect((res) => expect(res.status).to.be.oneOf([403, 404]));
    expect((await request(t.app).get('/login')).text).to.not.contain('href="/try"');
    const adminPage = await admin.agent.get('/admin/privacy').expect(200);
    expect(adminPage.text).to.contain('name="public_describe_page"');
    await enable(true);
    expect((await admin.agent.get('/admin/privacy')).text).to.match(/name="public_describe_page" value="on" checked/);
    expect((await request(t.app).get('/login')).text).to.contain('href="/try"');
    const page = await request(t.app).get('/try').expect(200);
    expect(page.text).to.contain('never').and.to.contain('written to disk');
    expect(page.text).to.contain('description is not stored');
    await enable(false);
    await request(t.app).get('/try').expect(404);
  });

  it('describes one image without an account and stores nothing: no blob, no image, no description', async () => {
    await enable(true);
    const before = dataDirListing(t.dataDir);
    const { agent, action } = await visitor(t);
    const res = await agent.post(action).attach('image', fixture('dog.jpg'), 'dog.jpg').expect(200);
    expect(fake.requests).to.have.length(1);
    expect(res.text).to.contain('id="try-alt"').and.to.contain('id="try-caption"').and.to.contain('id="try-tags"').and.to.contain('id="try-text"');
    const alt = /id="try-alt">([^<]*)</.exec(res.text)?.[1] ?? '';
    expect(alt.trim()).to.not.equal('');
    expect(dataDirListing(t.dataDir)).to.deep.equal(before);
    expect(await workingCopyBlobs(t), 'working copies').to.deep.equal([]);
    expect(await t.deps.db('images')).to.deep.equal([]);
    expect(await t.deps.db('descriptions')).to.deep.equal([]);
    expect(await t.deps.db('batches')).to.deep.equal([]);
    expect(zeroRetentionQueue(t.deps).size).to.equal(0);
  });

  it('answers the 11th request from one address within the hour with 429 and Retry-After', async () => {
    // The limits count on real time: this app's window is 4 s rather than an hour.
    const windowMs = 4000;
    await t.close();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl }, { limitRules: { tryPerIp: { points: 10, windowMs } } });
    admin = await signUp(t.app);
    await enable(true);
    const { agent, action } = await visitor(t);
    const started = Date.now();
    for (let i = 0; i < 10; i++) await agent.post(action).attach('image', fixture('cat.png'), 'cat.png').expect(200);
    const res = await agent.post(action).attach('image', fixture('cat.png'), 'cat.png').expect(429);
    expect(Number(res.headers['retry-after'])).to.be.greaterThan(0).and.at.most(windowMs / 1000);
    expect(res.text).to.contain('Try again in');
    expect(fake.requests).to.have.length(10);
    let status = 429;
    while (status === 429 && Date.now() - started < windowMs + 5000) {
      const later = await visitor(t);
      status = (await later.agent.post(later.action).attach('image', fixture('cat.png'), 'cat.png')).status;
      if (status === 429) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status).to.equal(200);
    expect(Date.now() - started).to.be.at.least(windowMs - 100);
  });

  it('refuses SVG bytes with 415 and a reason, describing and storing nothing', async () => {
    await enable(true);
    const { agent, action } = await visitor(t);
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const res = await agent.post(action).attach('image', svg, 'pic.png').expect(415);
    expect(res.text).to.contain('SVG files are not accepted');
    expect(fake.requests).to.have.length(0);
    expect(await t.deps.db('images')).to.deep.equal([]);
    expect(zeroRetentionQueue(t.deps).size).to.equal(0);
  });

  it('answers 503 "busy, try again" with Retry-After when the in-memory queue is full', async () => {
    await enable(true);
    const { agent, action } = await visitor(t);
    zeroRetentionQueue(t.deps).reserve(ZERO_RETENTION_CAPACITY);
    const res = await agent.post(action).attach('image', fixture('dog.jpg'), 'dog.jpg').expect(503);
    expect(res.headers['retry-after']).to.equal('30');
    expect(res.text).to.contain('busy').and.to.contain('Try again');
    expect(fake.requests).to.have.length(0);
  });
});
