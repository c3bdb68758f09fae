import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { csrfFrom, DEFAULT_PASSWORD, logIn, signUp } from '../helpers/session';
import { findUserByEmail } from '../../server/db/users';

function sessionCookie(res: request.Response): string | undefined {
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  return cookies.find((c) => c.startsWith('sightline.sid='))?.split(';')[0];
}

describe('sign up, log in, log out', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('sends signed-out visitors from the dashboard to /login', async () => {
    const res = await request(t.app).get('/').expect(303);
    expect(res.headers.location).to.equal('/login');
  });

  it('makes the first account an admin and later ones plain users', async () => {
    const first = await signUp(t.app, { email: 'first@example.test' });
    const second = await signUp(t.app, { email: 'second@example.test' });
    expect((await findUserByEmail(t.deps.db, first.user.email))?.role).to.equal('admin');
    expect((await findUserByEmail(t.deps.db, second.user.email))?.role).to.equal('user');
    const home = await first.agent.get('/').expect(200);
    expect(home.text).to.contain('href="/admin/users"');
    await second.agent.get('/admin/users').expect(403);
  });

  it('shows the dashboard to a signed-in user with no-store caching', async () => {
    const { agent } = await signUp(t.app, { name: 'Ada' });
    const res = await agent.get('/').expect(200);
    expect(res.text).to.contain('Welcome, Ada');
    expect(res.headers['cache-control']).to.equal('no-store');
  });

  it('gives a new session id at login (no session fixation)', async () => {
    await signUp(t.app, { email: 'fix@example.test' });
    const agent = request.agent(t.app);
    const page = await agent.get('/login');
    const before = sessionCookie(page);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1];
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'fix@example.test', password: DEFAULT_PASSWORD }).expect(303);
    const after = sessionCookie(res);
    expect(before).to.be.a('string');
    expect(after).to.be.a('string').and.not.equal(before);
  });

  it('answers a wrong password and an unknown email with the same generic message', async () => {
    await signUp(t.app, { email: 'known@example.test' });
    const agent = request.agent(t.app);
    let csrf = await csrfFrom(agent, '/login');
    const wrong = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'known@example.test', password: 'not the password at all' });
    csrf = await csrfFrom(agent, '/login');
    const unknown = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'nobody@example.test', password: 'not the password at all' });
    expect(wrong.status).to.equal(401);
    expect(unknown.status).to.equal(401);
    const message = (html: string) => /<p class="flash flash-error"[^>]*>([^<]*)</.exec(html)?.[1];
    expect(message(wrong.text)).to.equal('That email address and password do not match an account.');
    expect(message(unknown.text)).to.equal(message(wrong.text));
  });

  it('logs out on POST /logout and the old session no longer opens the dashboard', async () => {
    const { agent, csrf } = await signUp(t.app);
    const res = await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(303);
    expect(res.headers.location).to.equal('/login');
    await agent.get('/').expect(303);
  });

  it('answers the 11th failed login for one account with 429 and Retry-After, before checking the password', async () => {
    // The limits count on real time: this app's window is 3 s rather than 15 minutes.
    const windowMs = 3000;
    await t.close();
    t = await buildTestApp({}, { limitRules: { loginPerAccount: { points: 10, windowMs } } });
    await signUp(t.app, { email: 'target@example.test' });
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    const started = Date.now();
    for (let i = 0; i < 10; i += 1) {
      await agent.post('/login').type('form').send({ _csrf: csrf, email: 'target@example.test', password: `wrong password ${i}` }).expect(401);
    }
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'target@example.test', password: DEFAULT_PASSWORD }).expect(429);
    expect(Number(res.headers['retry-after'])).to.be.within(1, windowMs / 1000);
    // After the window the right password works again, and not before.
    let status = 429;
    while (status === 429 && Date.now() - started < windowMs + 5000) {
      status = (await agent.post('/login').type('form').send({ _csrf: csrf, email: 'target@example.test', password: DEFAULT_PASSWORD })).status;
      if (status === 429) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(status).to.equal(303);
    expect(Date.now() - started).to.be.at.least(windowMs - 100);
  });

  it('counts failures per account, so other accounts still sign in during an attack on one', async () => {
    await signUp(t.app, { email: 'victim@example.test' });
    await signUp(t.app, { email: 'bystander@example.test' });
    const attacker = request.agent(t.app);
    const csrf = await csrfFrom(attacker, '/login');
    for (let i = 0; i < 11; i += 1) {
      await attacker.post('/login').type('form').send({ _csrf: csrf, email: 'victim@example.test', password: `guess number ${i}` });
    }
    await logIn(request.agent(t.app), 'bystander@example.test');
  });
});

describe('requireUser and requireAdmin', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('answer a signed-out JSON caller with 401 instead of a redirect', async () => {
    const res = await request(t.app).get('/account').set('accept', 'application/json').expect(401);
    expect(res.body.error.code).to.equal('unauthorized');
  });

  it('answer a signed-in non-admin with 403 on admin pages, in JSON when asked', async () => {
    await signUp(t.app);
    const user = await signUp(t.app);
    const res = await user.agent.get('/admin/users').set('accept', 'application/json').expect(403);
    expect(res.body.error.code).to.equal('forbidden');
  });
});
