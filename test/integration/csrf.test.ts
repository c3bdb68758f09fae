import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';

describe('CSRF protection', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('refuses a signed-in POST without a token and changes nothing', async () => {
    const { agent } = await signUp(t.app, { name: 'Before' });
    const res = await agent.post('/account/name').type('form').send({ name: 'After' }).expect(403);
    expect(res.text).to.contain('This form has expired');
    const user = await t.deps.db('users').where({ name: 'Before' }).first();
    expect(user).to.not.equal(undefined);
  });

  it('refuses a POST with another session\'s token', async () => {
    const a = await signUp(t.app);
    const b = await signUp(t.app);
    await a.agent.post('/account/name').type('form').send({ _csrf: b.csrf, name: 'x' }).expect(403);
  });

  it('accepts the token as the _csrf field, the x-csrf-token header, or the _csrf query parameter', async () => {
    const { agent, csrf } = await signUp(t.app);
    await agent.post('/account/name').type('form').send({ _csrf: csrf, name: 'Field' }).expect(303);
    await agent.post('/account/name').set('x-csrf-token', csrf).type('form').send({ name: 'Header' }).expect(303);
    await agent.post(`/account/name?_csrf=${encodeURIComponent(csrf)}`).type('form').send({ name: 'Query' }).expect(303);
  });

  it('refuses a login POST without a token before any password check', async () => {
    const res = await request(t.app).post('/login').type('form').send({ email: 'a@example.test', password: 'whatever you like' });
    expect(res.status).to.equal(403);
  });

  it('does not apply to the Bearer-key API under /api/v1 (its own key check answers instead)', async () => {
    const res = await request(t.app).post('/api/v1/usage').set('accept', 'application/json').send({});
    expect(res.status).to.equal(401);
    expect(res.text).to.not.contain('This form has expired');
  });
});
