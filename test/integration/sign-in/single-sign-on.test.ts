import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { listen } from '../../helpers/api-client';
import { signUp } from '../../helpers/session';
import { CookieJar, startIdentityProvider, walkSignOn, type TestIdentityProvider } from '../../helpers/oidc-provider';
import { loadConfig } from '../../../server/config';

const ACCOUNTS = {
  ada: { email: 'ada@example.test', emailVerified: true, name: 'Ada' },
  unverified: { email: 'bob@example.test', emailVerified: false },
  newcomer: { email: 'new@example.test', emailVerified: true, name: 'Newcomer' },
  disabled: { email: 'dis@example.test', emailVerified: true },
};

describe('single sign-on with OpenID Connect', () => {
  let t!: TestApp;
  let idp!: TestIdentityProvider;
  let app!: Awaited<ReturnType<typeof listen>>;
  let cleanups: (() => Promise<void>)[] = [];

  async function start(allowSignup: boolean): Promise<void> {
    idp = await startIdentityProvider(ACCOUNTS);
    cleanups.push(() => idp.close());
    t = await buildTestApp({
      SIGNUP: 'open',
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: idp.clientId,
      OIDC_CLIENT_SECRET: idp.clientSecret,
      OIDC_NAME: 'Test IdP',
      OIDC_ALLOW_SIGNUP: allowSignup ? 'true' : 'false',
    });
    cleanups.push(() => t.close());
    app = await listen(t.app);
    cleanups.push(() => app.close());
    await idp.allowRedirect(`${app.url}/login/sso/callback`);
  }
  afterEach(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    cleanups = [];
  });

  /** Runs the whole flow from the login page's link; answers where Sightline sent the browser. */
  async function signOn(jar: CookieJar, login: string): Promise<{ url: string; status: number; body: string }> {
    const page = await jar.fetch(`${app.url}/login`);
    expect(await page.text()).to.contain('Sign in with Test IdP');
    const { url, res, body } = await walkSignOn(jar, `${app.url}/login/sso`, login);
    return { url, status: res.status, body };
  }

  it('signs in the account with the same verified email, through code flow with PKCE, state and nonce', async () => {
    await start(false);
    await signUp(t.app, { email: 'admin@example.test' });
    const ada = await signUp(t.app, { email: 'ada@example.test' });
    const jar = new CookieJar();
    const start1 = await jar.fetch(`${app.url}/login/sso`);
    const auth = new URL(start1.headers.get('location')!);
    expect(auth.origin).to.equal(idp.issuer);
    expect(auth.searchParams.get('code_challenge_method')).to.equal('S256');
    for (const name of ['state', 'nonce', 'code_challenge']) expect(auth.searchParams.get(name)).to.have.length.greaterThan(20);
    const { url, status } = await signOn(jar, 'ada');
    expect(status).to.equal(200);
    expect(url).to.equal(`${app.url}/`);
    const account = await jar.fetch(`${app.url}/account`);
    expect(await account.text()).to.contain('ada@example.test');
    expect(await t.deps.db('audit_events').where({ user_id: ada.user.id, event: 'login.sso' }).first()).to.not.equal(undefined);
  });

  it('refuses an email the provider has not verified, even when an account has it', async () => {
    await start(true);
    await signUp(t.app, { email: 'admin@example.test' });
    await signUp(t.app, { email: 'bob@example.test' });
    const jar = new CookieJar();
    const { status, body } = await signOn(jar, 'unverified');
    expect(status).to.equal(401);
    expect(body).to.contain('has not verified your email address');
    expect((await jar.fetch(`${app.url}/account`)).status).to.equal(303);
  });

  it('refuses a disabled account', async () => {
    await start(true);
    const admin = await signUp(t.app, { email: 'admin@example.test' });
    const person = await signUp(t.app, { email: 'dis@example.test' });
    await admin.agent.post(`/admin/users/${person.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    const jar = new CookieJar();
    const { status, body } = await signOn(jar, 'disabled');
    expect(status).to.equal(401);
    expect(body).to.contain('has been disabled');
    expect((await jar.fetch(`${app.url}/account`)).status).to.equal(303);
  });

  it('creates an account on first sign-in only when the admin allows it', async () => {
    await start(false);
    await signUp(t.app, { email: 'admin@example.test' });
    const refused = await signOn(new CookieJar(), 'newcomer');
    expect(refused.status).to.equal(401);
    expect(refused.body).to.contain('no account here');
    expect(await t.deps.db('users').where({ email: 'new@example.test' }).first()).to.equal(undefined);
  });

  it('creates the account on first sign-in when OIDC_ALLOW_SIGNUP is true', async () => {
    await start(true);
    await signUp(t.app, { email: 'admin@example.test' });
    const jar = new CookieJar();
    const { url } = await signOn(jar, 'newcomer');
    expect(url).to.equal(`${app.url}/`);
    const row = await t.deps.db('users').where({ email: 'new@example.test' }).first();
    expect(row.name).to.equal('Newcomer');
    expect(row.role).to.equal('user');
  });

  it('answers a callback only once, and never without the flow it started', async () => {
    await start(false);
    await signUp(t.app, { email: 'admin@example.test' });
    const jar = new CookieJar();
    const res = await jar.fetch(`${app.url}/login/sso/callback?code=forged&state=forged`);
    expect(res.status).to.equal(401);
    expect(await res.text()).to.contain('did not complete');
  });

  it('refuses settings with an issuer but no client secret, or a plain-http issuer elsewhere than loopback', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/sightline-oidc-config', OIDC_ISSUER: 'https://id.example.test', OIDC_CLIENT_ID: 'x' })).to.throw(/OIDC_CLIENT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'test', DATA_DIR: '/tmp/sightline-oidc-config', OIDC_ISSUER: 'http://id.example.test', OIDC_CLIENT_ID: 'x', OIDC_CLIENT_SECRET: 'y' })).to.throw(/https/);
  });
});
