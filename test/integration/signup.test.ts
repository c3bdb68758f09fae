import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { csrfFrom, DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { createInvite } from '../../server/services/accounts/admin';
import { countUsers } from '../../server/db/users';

async function postSignup(t: TestApp, fields: Record<string, string>, path = '/signup') {
  const agent = request.agent(t.app);
  const csrf = await csrfFrom(agent, path);
  const res = await agent.post('/signup').type('form').send({ _csrf: csrf, ...fields });
  const next = res.status === 303 ? await agent.get(res.headers.location) : undefined;
  return { res, next };
}

/** What a visitor can observe of an answer: status, where it leads, the page it leads to. */
function observable(answer: { res: request.Response; next?: request.Response }) {
  const strip = (html = '') => html.replace(/content="[^"]*"|value="[^"]*"/g, '');
  return {
    status: answer.res.status,
    location: answer.res.headers.location,
    body: strip(answer.res.text),
    nextStatus: answer.next?.status,
    nextBody: strip(answer.next?.text),
    cookieNames: ([] as string[]).concat(answer.res.headers['set-cookie'] ?? []).map((c) => c.split('=')[0]),
  };
}

describe('sign-up', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('lets the first visitor create the admin account even when SIGNUP=closed', async () => {
    t = await buildTestApp({ SIGNUP: 'closed' });
    await signUp(t.app);
    const page = await request(t.app).get('/signup').expect(403);
    expect(page.text).to.contain('not being created');
  });

  it('makes one administrator of visitors signing up at the same moment, and one account of one email', async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    const form = (email: string) => ({ email, name: 'Racer', password: DEFAULT_PASSWORD });
    const first = await Promise.all(['a', 'b', 'c', 'd'].map((who) => postSignup(t, form(`${who}@example.test`))));
    expect(first.map((answer) => answer.res.status)).to.deep.equal([303, 303, 303, 303]);
    expect(await t.deps.db('users').where({ role: 'admin' }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    const same = await Promise.all([1, 2, 3].map(() => postSignup(t, form('same@example.test'))));
    expect(same.map((answer) => answer.res.status)).to.deep.equal([303, 303, 303]);
    expect(await t.deps.db('users').where({ email: 'same@example.test' }).count({ n: '*' }).first()).to.deep.equal({ n: 1 });
  });

  it('is by invitation by default once an admin exists', async () => {
    t = await buildTestApp();
    await signUp(t.app);
    const page = await request(t.app).get('/signup').expect(403);
    expect(page.text).to.contain('by invitation');
  });

  it('is open to anyone with SIGNUP=open', async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    await signUp(t.app);
    const { res } = await postSignup(t, { email: 'walk-in@example.test', password: DEFAULT_PASSWORD });
    expect(res.status).to.equal(303);
    expect(await countUsers(t.deps.db)).to.equal(2);
  });

  it('accepts an invite link once', async () => {
    t = await buildTestApp();
    const admin = await signUp(t.app);
    const token = await createInvite(t.deps, null, admin.user.id);
    const first = await postSignup(t, { email: 'invited@example.test', password: DEFAULT_PASSWORD, invite: token }, `/signup?invite=${token}`);
    expect(first.res.status).to.equal(303);
    expect(await countUsers(t.deps.db)).to.equal(2);
    const page = await request(t.app).get(`/signup?invite=${token}`).expect(403);
    expect(page.text).to.contain('already been used or has expired');
  });

  it('refuses an invite link after 7 days', async () => {
    t = await buildTestApp();
    const admin = await signUp(t.app);
    const token = await createInvite(t.deps, null, admin.user.id);
    t.clock.advance(7 * 24 * 3_600_000 + 1000);
    await request(t.app).get(`/signup?invite=${token}`).expect(403);
  });

  it('refuses weak passwords with a message beside the field', async () => {
    t = await buildTestApp();
    const { res } = await postSignup(t, { email: 'weak@example.test', password: 'password123' });
    expect(res.status).to.equal(422);
    expect(res.text).to.contain('too common');
    expect(res.text).to.contain('aria-invalid="true"');
    expect(await countUsers(t.deps.db)).to.equal(0);
  });

  it('does not reveal whether an email is registered: the answers are identical', async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    await signUp(t.app, { email: 'taken@example.test' });
    const taken = observable(await postSignup(t, { email: 'taken@example.test', password: 'another fine passphrase' }));
    const fresh = observable(await postSignup(t, { email: 'fresh@example.test', password: 'another fine passphrase' }));
    expect(taken).to.deep.equal(fresh);
    expect(taken.status).to.equal(303);
  });

  it('keeps the existing account untouched and tells its owner about the attempt', async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    const owner = await signUp(t.app, { email: 'owner@example.test' });
    await postSignup(t, { email: 'Owner@Example.test', password: 'attacker chosen passphrase' });
    const page = await owner.agent.get('/account').expect(200);
    expect(page.text).to.contain('Someone tried to sign up with this email address');
    expect(await countUsers(t.deps.db)).to.equal(1);
  });

  it('answers 429 to a flood of sign-ups from one address', async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
    await signUp(t.app); // the admin, signed in by signing up: the flood comes after
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/signup');
    let last = 0;
    for (let i = 0; i < 21; i += 1) {
      const res = await agent.post('/signup').type('form').send({ _csrf: csrf, email: `bulk${i}@example.test`, password: DEFAULT_PASSWORD });
      last = res.status;
    }
    expect(last).to.equal(429);
  });
});
