import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, logIn, signUp } from '../helpers/session';
import { countUserSessions } from '../../server/db/sessions';
import type { Auth } from '../../server/auth';

describe('sessions', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '12' });
  });
  afterEach(async () => t.close());

  it('are stored in the database with the user they belong to', async () => {
    const { user } = await signUp(t.app);
    expect(await countUserSessions(t.deps.db, user.id)).to.equal(1);
  });

  it('end after 30 idle minutes', async () => {
    const { agent } = await signUp(t.app);
    t.clock.advance(29 * 60_000);
    await agent.get('/').expect(200);
    t.clock.advance(29 * 60_000);
    await agent.get('/').expect(200);
    t.clock.advance(31 * 60_000);
    await agent.get('/').expect(303);
  });

  it('end 12 hours after sign-in however active the user is', async () => {
    const { agent } = await signUp(t.app);
    for (let elapsed = 0; elapsed < 11 * 60; elapsed += 20) {
      t.clock.advance(20 * 60_000);
      await agent.get('/').expect(200);
    }
    t.clock.advance(61 * 60_000);
    await agent.get('/').expect(303);
  });

  it('show the account as it is now on every request, without storing it in the session', async () => {
    const { agent, user } = await signUp(t.app, { email: 'renamed@example.test', name: 'Old Name' });
    await agent.get('/account').expect(200);
    await t.deps.db('users').where({ id: user.id }).update({ name: 'New Name' });
    expect((await agent.get('/account').expect(200)).text).to.contain('New Name');
    const rows: Array<{ data: string }> = await t.deps.db('sessions').where({ user_id: user.id }).select('data');
    expect(rows).to.have.length(1);
    expect(rows[0]!.data).to.not.contain('renamed@example.test');
    expect(JSON.parse(rows[0]!.data).passport).to.deep.equal({ user: user.id });
  });

  it('stop working at once when an admin disables the user', async () => {
    const admin = await signUp(t.app);
    const victim = await signUp(t.app);
    await victim.agent.get('/').expect(200);
    await admin.agent.post(`/admin/users/${victim.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    await victim.agent.get('/').expect(303);
    expect(await countUserSessions(t.deps.db, victim.user.id)).to.equal(0);
  });

  it('of a disabled user stop working even if the row survived', async () => {
    await signUp(t.app);
    const victim = await signUp(t.app);
    // Read just before: the update must still take effect on the very next request.
    await victim.agent.get('/').expect(200);
    await t.deps.db('users').where({ id: victim.user.id }).update({ status: 'disabled' });
    await victim.agent.get('/').expect(303);
    await victim.agent.get('/account').expect(303);
    // The login is taken out of the stored session, so re-enabling the account does not revive it.
    const rows: Array<{ user_id: number | null; data: string }> = await t.deps.db('sessions').select('user_id', 'data');
    expect(rows.filter((row) => row.user_id === victim.user.id || JSON.parse(row.data).passport?.user === victim.user.id)).to.deep.equal([]);
    await t.deps.db('users').where({ id: victim.user.id }).update({ status: 'active' });
    await victim.agent.get('/').expect(303);
  });

  it('all end when the password changes, and the changer continues in a new session', async () => {
    const me = await signUp(t.app, { email: 'me@example.test' });
    const otherDevice = request.agent(t.app);
    await logIn(otherDevice, 'me@example.test');
    const oldCookie = request.agent(t.app);
    await logIn(oldCookie, 'me@example.test');
    const res = await me.agent
      .post('/account/password')
      .type('form')
      .send({ _csrf: me.csrf, current_password: DEFAULT_PASSWORD, new_password: 'a brand new passphrase' })
      .expect(303);
    expect(res.headers.location).to.equal('/account');
    await otherDevice.get('/').expect(303);
    await oldCookie.get('/').expect(303);
    await me.agent.get('/').expect(200);
    expect(await countUserSessions(t.deps.db, me.user.id)).to.equal(1);
  });

  it('expired rows are pruned from the table', async () => {
    const { user } = await signUp(t.app);
    t.clock.advance(31 * 60_000);
    const auth = t.app.locals.auth as Auth;
    expect(await auth.sessionStore.prune()).to.be.greaterThan(0);
    expect(await countUserSessions(t.deps.db, user.id)).to.equal(0);
  });
});
