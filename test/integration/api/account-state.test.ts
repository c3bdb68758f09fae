import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { listen } from '../../helpers/api-client';
import { signUp, logIn, DEFAULT_PASSWORD, type SignedUp } from '../../helpers/session';
import { SCHEDULE } from '../../../jobs';

const DAY = 24 * 3600 * 1000;

describe('API keys follow their account', () => {
  let t: TestApp;
  let server: Awaited<ReturnType<typeof listen>>;
  let admin: SignedUp;
  beforeEach(async () => {
    t = await buildTestApp();
    server = await listen(t.app);
    admin = await signUp(t.app); // the first account is the admin
  });
  afterEach(async () => {
    await server.close();
    await t.close();
  });

  /** Creates a key through the account page, which shows it once. */
  async function newKey(user: SignedUp, name = 'script'): Promise<string> {
    const res = await user.agent.post('/account/api-keys').type('form').send({ _csrf: user.csrf, name, scope: 'write' }).expect(201);
    const match = /<textarea id="new-key" class="secret"[^>]*>(sl_live_[A-Za-z0-9_-]+)<\/textarea>/.exec(res.text);
    if (!match) throw new Error('the page did not show the new key');
    return match[1];
  }

  const usage = (key: string) => request(server.url).get('/api/v1/usage').set('Authorization', `Bearer ${key}`);
  const keyRows = (userId: number) => t.deps.db('api_keys').where({ user_id: userId }).orderBy('id');

  function expectRefused(res: request.Response, code: string, message: RegExp): void {
    expect(res.status).to.equal(401);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.headers['www-authenticate']).to.match(/^Bearer/);
    expect(res.body.error).to.include({ code });
    expect(res.body.error.message).to.match(message);
    expect(res.body.error.request_id).to.match(/^req_/);
  }

  it('answers 401 account_disabled to the keys of a disabled account, and they work again once an admin re-enables it', async () => {
    const bob = await signUp(t.app);
    const control = await signUp(t.app);
    const bobKey = await newKey(bob);
    const controlKey = await newKey(control);
    await usage(bobKey).expect(200);

    await admin.agent.post(`/admin/users/${bob.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expectRefused(await usage(bobKey), 'account_disabled', /disabled/);
    const write = await request(server.url).post('/api/v1/batches').set('Authorization', `Bearer ${bobKey}`).send({ name: 'x' });
    expectRefused(write, 'account_disabled', /disabled/);
    expect(await t.deps.db('batches').where({ user_id: bob.user.id })).to.deep.equal([]);
    await usage(controlKey).expect(200);
    // Disabling is not deleting: the keys are held back, not revoked.
    expect((await keyRows(bob.user.id)).map((k) => k.revoked_at)).to.deep.equal([null]);

    await admin.agent.post(`/admin/users/${bob.user.id}/enable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    await usage(bobKey).expect(200);
  });

  it('revokes every key when a user deletes their account, and signing in to restore it does not bring them back', async () => {
    const bob = await signUp(t.app);
    const keys = [await newKey(bob, 'shop'), await newKey(bob, 'cms')];
    await usage(keys[0]).expect(200);

    await bob.agent.post('/account/delete').type('form').send({ _csrf: bob.csrf, password: DEFAULT_PASSWORD }).expect(303);
    for (const key of keys) expectRefused(await usage(key), 'account_deleted', /deleted/);
    const now = t.clock.now().getTime();
    expect((await keyRows(bob.user.id)).map((k) => Number(k.revoked_at))).to.deep.equal([now, now]);

    const csrf = await logIn(bob.agent, bob.user.email);
    expect((await t.deps.db('users').where({ id: bob.user.id }).first()).deletion_requested_at).to.equal(null);
    for (const key of keys) expectRefused(await usage(key), 'unauthorized', /valid API key/);
    const page = await bob.agent.get('/account/api-keys').expect(200);
    expect(page.text.match(/Revoked /g)).to.have.length(2);
    expect(page.text).not.to.include('/revoke"');
    await usage(await newKey({ ...bob, csrf }, 'new')).expect(200);
  });

  it('revokes the keys of an account an admin deletes with a grace period', async () => {
    const erin = await signUp(t.app);
    const key = await newKey(erin);
    await admin.agent.post(`/admin/users/${erin.user.id}/delete`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expectRefused(await usage(key), 'account_deleted', /deleted/);
    expect((await keyRows(erin.user.id)).every((k) => k.revoked_at !== null)).to.equal(true);
  });

  it('leaves no key row of an account deleted at once, by its user or an admin', async () => {
    const carol = await signUp(t.app);
    const dave = await signUp(t.app);
    const carolKey = await newKey(carol);
    const daveKey = await newKey(dave);
    await carol.agent.post('/account/delete').type('form').send({ _csrf: carol.csrf, password: DEFAULT_PASSWORD, immediately: 'on' }).expect(303);
    await admin.agent.post(`/admin/users/${dave.user.id}/delete`).type('form').send({ _csrf: admin.csrf, immediately: 'on' }).expect(303);
    for (const [user, key] of [[carol, carolKey], [dave, daveKey]] as const) {
      expect(await keyRows(user.user.id)).to.deep.equal([]);
      expect((await usage(key)).status).to.equal(401);
    }
  });

  it('leaves no key row once the finish-account-deletions job ends the grace period', async () => {
    const frank = await signUp(t.app);
    const key = await newKey(frank);
    const kept = await signUp(t.app);
    await newKey(kept);
    await frank.agent.post('/account/delete').type('form').send({ _csrf: frank.csrf, password: DEFAULT_PASSWORD }).expect(303);
    expect(await keyRows(frank.user.id)).to.have.length(1);

    t.clock.advance(30 * DAY);
    const job = SCHEDULE.find((j) => j.name === 'finish-account-deletions')!;
    expect(await job.run(t.deps, { atBoot: false })).to.deep.equal({ anonymised: 1, keysDestroyed: 0 });
    expect(await keyRows(frank.user.id)).to.deep.equal([]);
    expect((await usage(key)).status).to.equal(401);
    expect(await keyRows(kept.user.id)).to.have.length(1);
  });
});
