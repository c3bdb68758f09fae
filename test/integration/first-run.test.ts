import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { csrfFrom, DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { countUsers } from '../../server/db/users';
import { safeReturnPath } from '../../server/auth/return-path';

const cookieOf = (res: request.Response) => ([] as string[]).concat(res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');

describe('first run', () => {
  let t: TestApp;
  afterEach(async () => t?.close());

  it('opens a fresh instance on "Create the admin account", from the root and from /login', async () => {
    t = await buildTestApp();
    const agent = request.agent(t.app);
    expect((await agent.get('/').expect(303)).headers.location).to.equal('/login');
    expect((await agent.get('/login').expect(303)).headers.location).to.equal('/signup');
    const page = await agent.get('/signup').expect(200);
    expect(page.text).to.contain('<h1>Create the admin account</h1>');
    expect(page.text).to.not.contain('href="/login"');
  });

  it('signs the first account in with a fresh session and lands on the dashboard', async () => {
    t = await buildTestApp();
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/signup');
    const before = cookieOf(await agent.get('/signup'));
    const res = await agent.post('/signup').type('form').send({ _csrf: csrf, email: 'first@example.test', name: 'Ada', password: DEFAULT_PASSWORD }).expect(303);
    expect(res.headers.location).to.equal('/');
    // The session id changes at sign-up, as at every sign-in.
    const after = cookieOf(res);
    expect(after).to.match(/sightline\.sid=/);
    expect(after).to.not.equal(before);
    const dashboard = await agent.get('/').expect(200);
    expect(dashboard.text).to.contain('Welcome, Ada').and.to.contain('you are signed in');
    await agent.get('/admin/users').expect(200);
    // The form the visitor started with belongs to the old session: it is no use any more.
    await agent.post('/logout').type('form').send({ _csrf: csrf }).expect(403);
  });

  it('does not sign in later accounts, and shows the sign-in form once an admin exists', async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    await signUp(t.app);
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/signup');
    const res = await agent.post('/signup').type('form').send({ _csrf: csrf, email: 'second@example.test', password: DEFAULT_PASSWORD }).expect(303);
    expect(res.headers.location).to.equal('/login');
    expect((await agent.get('/login').expect(200)).text).to.contain('<h1>Sign in</h1>');
    expect(await countUsers(t.deps.db)).to.equal(2);
  });

  it('shows "Sign up" only when anyone may sign up', async () => {
    t = await buildTestApp();
    await signUp(t.app);
    const byInvite = await request(t.app).get('/login').expect(200);
    expect(byInvite.text).to.not.contain('href="/signup"');
    expect(byInvite.text).to.contain('ask your administrator for an invite link');
    await t.close();
    t = await buildTestApp({ SIGNUP: 'open' });
    await signUp(t.app);
    const open = await request(t.app).get('/login').expect(200);
    expect(open.text.match(/href="\/signup"/g)).to.have.length(2);
  });
});

describe('signing in returns to the page asked for', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
    await signUp(t.app, { email: 'owner@example.test' });
  });
  after(async () => t.close());

  /** Signs in from /login?next=…, as a person would, and with `next` forged straight into the form. */
  async function signIn(next: string | undefined): Promise<string> {
    const agent = request.agent(t.app);
    const path = next === undefined ? '/login' : `/login?next=${encodeURIComponent(next)}`;
    const page = await agent.get(path).expect(200);
    const csrf = /<meta name="csrf-token" content="([^"]*)">/.exec(page.text)![1];
    const kept = /name="next" value="([^"]*)"/.exec(page.text)?.[1]?.replace(/&amp;/g, '&');
    const viaPage = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'owner@example.test', password: DEFAULT_PASSWORD, next: kept }).expect(303);
    const forged = request.agent(t.app);
    const forgedCsrf = await csrfFrom(forged, '/login');
    const viaForm = await forged.post('/login').type('form').send({ _csrf: forgedCsrf, email: 'owner@example.test', password: DEFAULT_PASSWORD, next }).expect(303);
    expect(viaForm.headers.location).to.equal(viaPage.headers.location);
    return viaPage.headers.location;
  }

  it('sends a signed-out visitor to sign in, and back to the page with its query', async () => {
    const asked = await request(t.app).get('/images?q=eagle&page=2').expect(303);
    expect(asked.headers.location).to.equal('/login?next=%2Fimages%3Fq%3Deagle%26page%3D2');
    expect(await signIn('/images?q=eagle&page=2')).to.equal('/images?q=eagle&page=2');
  });

  it('goes to the dashboard when nothing was asked for', async () => {
    expect((await request(t.app).get('/').expect(303)).headers.location).to.equal('/login');
    expect(await signIn(undefined)).to.equal('/');
  });

  const elsewhere = ['//evil.example', '//evil.example/path', 'https://evil.example', 'http:evil.example', '/\\evil.example', '\\\\evil.example',
    '/\t/evil.example', '/%0A/evil.example', 'javascript:alert(1)', ' /images', '%2F%2Fevil.example', '/%2F%2Fevil.example'];

  for (const next of elsewhere) {
    it(`never leaves the site for next=${JSON.stringify(next)}`, async () => {
      const location = await signIn(next);
      // Only an encoded path stays (a page of this site that does not exist); all else goes home.
      expect(location).to.equal(next.startsWith('/%') ? next : '/');
    });
  }

  it('refuses, as a return path, every address a browser would read as another site', () => {
    for (const next of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example', 'evil.example', '', ' /x']) {
      expect(safeReturnPath(next), JSON.stringify(next)).to.equal(undefined);
    }
    expect(safeReturnPath('/%2F%2Fevil.example')).to.equal('/%2F%2Fevil.example');
    expect(safeReturnPath('/account/api-keys')).to.equal('/account/api-keys');
  });

  it('sends a signed-in visitor on from /login to the page asked for', async () => {
    const { agent } = await signUp(t.app);
    expect((await agent.get('/login?next=%2Faccount').expect(303)).headers.location).to.equal('/account');
    expect((await agent.get('/login?next=%2F%2Fevil.example').expect(303)).headers.location).to.equal('/');
  });
});
