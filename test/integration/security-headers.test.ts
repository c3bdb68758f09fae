import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';

function expectStrictHeaders(res: request.Response): void {
  const csp = String(res.headers['content-security-policy']);
  expect(csp).to.contain("default-src 'self'");
  expect(csp).to.contain("script-src 'self'");
  expect(csp).to.contain("style-src 'self'");
  expect(csp).to.contain("base-uri 'none'");
  expect(csp).to.contain("frame-ancestors 'none'");
  expect(csp).to.contain("form-action 'self'");
  expect(csp).to.not.contain('unsafe-inline');
  expect(res.headers['x-content-type-options']).to.equal('nosniff');
  expect(res.headers['x-frame-options']).to.equal('DENY');
  expect(res.headers['referrer-policy']).to.equal('same-origin');
  expect(res.headers['x-powered-by']).to.equal(undefined);
}

describe('security headers', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof signUp>>;
  before(async () => {
    t = await buildTestApp();
    admin = await signUp(t.app); // with an account, /login is the sign-in form (a fresh instance sends it to /signup)
  });
  after(async () => t.close());

  it('are on pages', async () => {
    expectStrictHeaders(await request(t.app).get('/login').expect(200));
  });

  it('are on the 404 page, which is friendly HTML without internals', async () => {
    const res = await request(t.app).get('/no/such/page').expect(404);
    expectStrictHeaders(res);
    expect(res.headers['content-type']).to.match(/text\/html/);
    expect(res.text).to.contain('Page not found');
  });

  it('are on JSON errors too', async () => {
    const res = await request(t.app).get('/no/such/page').set('accept', 'application/json').expect(404);
    expectStrictHeaders(res);
    expect(res.body).to.deep.equal({ error: { code: 'not_found', message: 'We could not find that page.' } });
  });

  it('are on the 500 page, which shows no stack trace or SQL', async () => {
    const broken = await buildTestApp();
    const { agent } = await signUp(broken.app);
    await broken.deps.db.destroy();
    const res = await agent.get('/');
    expect(res.status).to.equal(500);
    expectStrictHeaders(res);
    expect(res.text).to.contain('Something went wrong on our side');
    expect(res.text).to.not.match(/at .*\.js:\d+|knex|sqlite|Error:/i);
    const json = await agent.get('/').set('accept', 'application/json');
    expect(json.status).to.equal(500);
    expect(json.body.error.code).to.equal('internal');
    await broken.close();
  });

  it('mark signed-in pages no-store', async () => {
    const { agent } = admin;
    for (const path of ['/', '/account', '/admin/users']) {
      const res = await agent.get(path).expect(200);
      expect(res.headers['cache-control'], path).to.equal('no-store');
    }
  });

  it('send no HSTS over plain HTTP', async () => {
    const res = await request(t.app).get('/login');
    expect(res.headers['strict-transport-security']).to.equal(undefined);
  });

  it('cookie is HttpOnly and SameSite=Lax over plain HTTP', async () => {
    const res = await request(t.app).get('/login');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.match(/^sightline\.sid=/);
    expect(cookie).to.contain('HttpOnly');
    expect(cookie).to.contain('SameSite=Lax');
  });
});

describe('behind an HTTPS proxy (BASE_URL https, TRUST_PROXY)', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ BASE_URL: 'https://sightline.example', TRUST_PROXY: '1' });
  });
  after(async () => t.close());

  it('sends HSTS and upgrade-insecure-requests', async () => {
    const res = await request(t.app).get('/signup').set('x-forwarded-proto', 'https');
    expect(res.headers['strict-transport-security']).to.match(/max-age=31536000/);
    expect(res.headers['content-security-policy']).to.contain('upgrade-insecure-requests');
  });

  it('uses a Secure __Host- cookie on the whole origin', async () => {
    const res = await request(t.app).get('/signup').set('x-forwarded-proto', 'https');
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).to.match(/^__Host-sightline=/);
    expect(cookie).to.contain('Secure');
    expect(cookie).to.contain('Path=/');
    expect(cookie).to.not.contain('Domain=');
  });
});
