import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { listen } from '../helpers/api-client';
import { DEFAULT_PASSWORD, signUp } from '../helpers/session';

const CSRF_META = /<meta name="csrf-token" content="([^"]+)">/;

function cookieOf(res: Response): string {
  return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
}

/** A signed-out browser's cookie and CSRF token, taken from the login page over real HTTP. */
async function loginForm(url: string): Promise<{ cookie: string; csrf: string }> {
  const res = await fetch(`${url}/login`);
  return { cookie: cookieOf(res), csrf: CSRF_META.exec(await res.text())![1]! };
}

/** A browser signed in over real HTTP: its cookie and the session's CSRF token. */
async function signedIn(url: string, email: string): Promise<{ cookie: string; csrf: string }> {
  const form = await loginForm(url);
  const body = new URLSearchParams({ _csrf: form.csrf, email, password: DEFAULT_PASSWORD });
  const login = await fetch(`${url}/login`, { method: 'POST', headers: { cookie: form.cookie }, body, redirect: 'manual' });
  expect(login.status).to.equal(303);
  const cookie = cookieOf(login);
  const page = await (await fetch(`${url}/account`, { headers: { cookie } })).text();
  return { cookie, csrf: CSRF_META.exec(page)![1]! };
}

/** Posts every form at once; answers how many answers had each status. */
async function postTogether(url: string, cookie: string, forms: Record<string, string>[]): Promise<Record<number, number>> {
  const statuses = await Promise.all(
    forms.map(async (form) => {
      const res = await fetch(url, { method: 'POST', headers: { cookie }, body: new URLSearchParams(form), redirect: 'manual' });
      await res.arrayBuffer();
      return res.status;
    }),
  );
  const counts: Record<number, number> = {};
  for (const status of statuses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

/** Sends a wrong password for each email, all at once, from one signed-out browser. */
async function attemptsTogether(url: string, emails: string[]): Promise<Record<number, number>> {
  const { cookie, csrf } = await loginForm(url);
  return postTogether(`${url}/login`, cookie, emails.map((email, i) => ({ _csrf: csrf, email, password: `wrong guess ${i}` })));
}

async function failuresRecorded(t: TestApp): Promise<number> {
  return Number((await t.deps.db('audit_events').where({ event: 'login.failure' }).count({ n: '*' }))[0]!.n);
}

describe('sign-in and sign-up limits under parallel attempts', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  beforeEach(async () => {
    // A cost that makes each check take a few milliseconds, so attempts really are in flight together.
    t = await buildTestApp({ SIGNUP: 'open', BCRYPT_COST: '8' });
    server = await listen(t.app);
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  it('checks exactly 10 passwords for one account when 40 wrong ones arrive at once', async () => {
    await signUp(t.app, { email: 'target@example.test' });
    const counts = await attemptsTogether(server.url, Array(40).fill('target@example.test'));
    expect(counts).to.deep.equal({ 401: 10, 429: 30 });
    expect(await failuresRecorded(t)).to.equal(10);
  });

  it('checks exactly 50 passwords per address across several accounts', async () => {
    const accounts = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'].map((name) => `${name}@example.test`);
    for (const email of accounts) await signUp(t.app, { email });
    // 45 failures one after another, 9 on each of five accounts: each account stays under its limit.
    for (let i = 0; i < 45; i += 1) {
      expect(await attemptsTogether(server.url, [accounts[i % 5]!])).to.deep.equal({ 401: 1 });
    }
    // Then 40 at once on four fresh accounts: only 5 more fit under the address's 50.
    const counts = await attemptsTogether(server.url, accounts.slice(5).flatMap((email) => Array(10).fill(email)));
    expect(counts).to.deep.equal({ 401: 5, 429: 35 });
    expect(await failuresRecorded(t)).to.equal(50);
  });

  it('checks exactly 10 current passwords when 40 wrong ones arrive at once on the account page', async () => {
    await signUp(t.app, { email: 'owner@example.test' });
    const { cookie, csrf } = await signedIn(server.url, 'owner@example.test');
    const forms = Array.from({ length: 40 }, (_, i) => ({ _csrf: csrf, email: `new${i}@example.test`, current_password: `wrong guess ${i}` }));
    expect(await postTogether(`${server.url}/account/email`, cookie, forms)).to.deep.equal({ 422: 10, 429: 30 });
  });

  it('creates exactly 20 accounts per address when sign-ups arrive at once', async () => {
    let { cookie, csrf } = await loginForm(server.url);
    const form = (i: number) => ({ _csrf: csrf, email: `bulk${i}@example.test`, password: DEFAULT_PASSWORD });
    // The first account is the admin, signed in by signing up (a new session): the rest come from a visitor.
    expect(await postTogether(`${server.url}/signup`, cookie, [form(0)])).to.deep.equal({ 303: 1 });
    ({ cookie, csrf } = await loginForm(server.url));
    for (let i = 1; i < 10; i += 1) expect(await postTogether(`${server.url}/signup`, cookie, [form(i)])).to.deep.equal({ 303: 1 });
    const counts = await postTogether(`${server.url}/signup`, cookie, Array.from({ length: 20 }, (_, i) => form(10 + i)));
    expect(counts).to.deep.equal({ 303: 10, 429: 10 });
    expect(Number((await t.deps.db('users').count({ n: '*' }))[0]!.n)).to.equal(20);
  });
});
