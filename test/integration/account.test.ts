import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { DEFAULT_PASSWORD, logIn, signUp } from '../helpers/session';
import { findUserById } from '../../server/db/users';

describe('the account page', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('changes the name', async () => {
    const me = await signUp(t.app);
    await me.agent.post('/account/name').type('form').send({ _csrf: me.csrf, name: 'Grace Hopper' }).expect(303);
    const page = await me.agent.get('/account').expect(200);
    expect(page.text).to.contain('value="Grace Hopper"');
    expect(page.text).to.contain('Your name has been saved.');
  });

  it('changes the email only with the current password', async () => {
    const me = await signUp(t.app, { email: 'old@example.test' });
    const wrong = await me.agent.post('/account/email').type('form').send({ _csrf: me.csrf, email: 'new@example.test', current_password: 'not my password at all' });
    expect(wrong.status).to.equal(422);
    expect(wrong.text).to.contain('That is not your current password.');
    expect((await findUserById(t.deps.db, me.user.id))?.email).to.equal('old@example.test');
    await me.agent.post('/account/email').type('form').send({ _csrf: me.csrf, email: 'New@Example.test', current_password: DEFAULT_PASSWORD }).expect(303);
    expect((await findUserById(t.deps.db, me.user.id))?.email).to.equal('new@example.test');
    await logIn(request.agent(t.app), 'new@example.test');
  });

  it('changes the password only with the current one, and only to an acceptable one', async () => {
    const me = await signUp(t.app, { email: 'pw@example.test' });
    const wrong = await me.agent.post('/account/password').type('form').send({ _csrf: me.csrf, current_password: 'wrong current pass', new_password: 'fresh new passphrase' });
    expect(wrong.status).to.equal(422);
    const weak = await me.agent.post('/account/password').type('form').send({ _csrf: me.csrf, current_password: DEFAULT_PASSWORD, new_password: 'short' });
    expect(weak.status).to.equal(422);
    expect(weak.text).to.contain('at least 10');
    await me.agent.post('/account/password').type('form').send({ _csrf: me.csrf, current_password: DEFAULT_PASSWORD, new_password: 'fresh new passphrase' }).expect(303);
    await logIn(request.agent(t.app), 'pw@example.test', 'fresh new passphrase');
    const old = request.agent(t.app);
    const oldLogin = await old.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(oldLogin.text)![1];
    await old.post('/login').type('form').send({ _csrf: csrf, email: 'pw@example.test', password: DEFAULT_PASSWORD }).expect(401);
  });

  it('shows the account\'s own security log with time, IP and browser', async () => {
    const me = await signUp(t.app);
    const page = await me.agent.get('/account').set('user-agent', 'TestBrowser/1.0').expect(200);
    expect(page.text).to.contain('Account created');
    expect(page.text).to.contain('Signed in');
    expect(page.text).to.match(/\d{4}-\d{2}-\d{2} \d{2}:\d{2} UTC/);
  });
});

describe('administration', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('lists users to admins only', async () => {
    const admin = await signUp(t.app, { email: 'boss@example.test' });
    const user = await signUp(t.app, { email: 'staff@example.test' });
    const page = await admin.agent.get('/admin/users').expect(200);
    expect(page.text).to.contain('boss@example.test').and.to.contain('staff@example.test');
    await user.agent.get('/admin/users').expect(403);
    await request(t.app).get('/admin/users').expect(303);
  });

  it('creates an invite link that works for sign-up, shown once', async () => {
    const admin = await signUp(t.app);
    const page = await admin.agent.post('/admin/invites').type('form').send({ _csrf: admin.csrf }).expect(201);
    const link = /readonly[^>]*>(http:\/\/[^<]+\/signup\?invite=[\w-]+)<\/textarea>/.exec(page.text)?.[1];
    expect(link).to.be.a('string');
    await request(t.app).get(new URL(link!).pathname + new URL(link!).search).expect(200);
    const again = await admin.agent.get('/admin/invites').expect(200);
    expect(again.text).to.not.contain(link);
    expect(again.text).to.contain('Not used yet');
  });

  it('disables and re-enables a user; a disabled user cannot sign in', async () => {
    const admin = await signUp(t.app);
    const user = await signUp(t.app, { email: 'tmp@example.test' });
    await admin.agent.post(`/admin/users/${user.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    const agent = request.agent(t.app);
    const login = await agent.get('/login');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
    const refused = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'tmp@example.test', password: DEFAULT_PASSWORD });
    expect(refused.status).to.equal(401);
    expect(refused.text).to.contain('disabled');
    await admin.agent.post(`/admin/users/${user.user.id}/enable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    await logIn(request.agent(t.app), 'tmp@example.test');
  });

  it('refuses to let an admin disable themselves', async () => {
    const admin = await signUp(t.app);
    await admin.agent.post(`/admin/users/${admin.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(400);
  });

  it('shows every account\'s security events in the admin log', async () => {
    const admin = await signUp(t.app);
    const user = await signUp(t.app, { email: 'logged@example.test' });
    await admin.agent.post(`/admin/users/${user.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    const page = await admin.agent.get('/admin/audit').expect(200);
    expect(page.text).to.contain('logged@example.test');
    expect(page.text).to.contain('Account disabled');
    expect(page.text).to.contain('Invite link used');
  });
});
