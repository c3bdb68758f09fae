import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { csrfFrom, signUp, type Agent } from '../../helpers/session';
import { passwordStep } from '../../helpers/two-factor';
import { SoftAuthenticator } from '../../helpers/soft-authenticator';

const ORIGIN = 'http://localhost:3000';

/** Registers a passkey for a signed-in agent through the same JSON calls public/js/passkeys.js makes. */
async function addPasskey(agent: Agent, csrf: string, authenticator: SoftAuthenticator, name = 'Laptop'): Promise<void> {
  const options = await agent.post('/account/passkeys/options').set('x-csrf-token', csrf).expect(200);
  expect(options.body.rp.id).to.equal('localhost');
  const response = authenticator.create(options.body);
  await agent.post('/account/passkeys').set('x-csrf-token', csrf).send({ name, response }).expect(201);
}

/** Signs in (or finishes a pending sign-in) with a passkey; answers the response to the final call. */
async function passkeyStep(agent: Agent, authenticator: SoftAuthenticator, id?: string): Promise<request.Response> {
  const csrf = await csrfFrom(agent, '/login');
  const options = await agent.post('/login/passkey/options').set('x-csrf-token', csrf).expect(200);
  return agent.post('/login/passkey').set('x-csrf-token', csrf).send({ response: authenticator.get(options.body, id) });
}

describe('passkeys', () => {
  let t: TestApp;
  beforeEach(async () => {
    // Passkeys are bound to BASE_URL's host and origin, whatever address the test connects to.
    t = await buildTestApp({ SIGNUP: 'open', BASE_URL: ORIGIN });
  });
  afterEach(async () => t.close());

  it('registers a passkey and signs in with it alone; each challenge answers once', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const authenticator = new SoftAuthenticator(ORIGIN);
    await addPasskey(agent, csrf, authenticator);
    const [row] = await t.deps.db('passkeys').where({ user_id: user.id });
    expect(row.name).to.equal('Laptop');

    const visitor = request.agent(t.app);
    const vcsrf = await csrfFrom(visitor, '/login');
    const options = await visitor.post('/login/passkey/options').set('x-csrf-token', vcsrf).expect(200);
    expect(options.body.allowCredentials ?? []).to.deep.equal([]);
    const answer = authenticator.get(options.body);
    // A failed answer uses the challenge up: the right answer to it comes too late.
    const spoiled = { ...answer, response: { ...(answer.response as object), signature: Buffer.from('not a signature').toString('base64url') } };
    await visitor.post('/login/passkey').set('x-csrf-token', vcsrf).send({ response: spoiled }).expect(401);
    await visitor.post('/login/passkey').set('x-csrf-token', vcsrf).send({ response: answer }).expect(400);
    const fresh = await visitor.post('/login/passkey/options').set('x-csrf-token', vcsrf).expect(200);
    const res = await visitor.post('/login/passkey').set('x-csrf-token', vcsrf).send({ response: authenticator.get(fresh.body) }).expect(200);
    expect(res.body.redirect).to.equal('/');
    await visitor.get('/account').expect(200);
    expect(Number((await t.deps.db('passkeys').where({ id: row.id }).first()).counter)).to.equal(2);

    // The same answer again, in another browser that never asked: no challenge to answer.
    const other = request.agent(t.app);
    const ocsrf = await csrfFrom(other, '/login');
    await other.post('/login/passkey').set('x-csrf-token', ocsrf).send({ response: answer }).expect(400);
    // And in one that asked for a new challenge: the old answer signs the old one, so it is refused.
    await other.post('/login/passkey/options').set('x-csrf-token', ocsrf).expect(200);
    await other.post('/login/passkey').set('x-csrf-token', ocsrf).send({ response: answer }).expect(401);
    await other.get('/account').expect(303);
  });

  it('is asked for after the password, and only the account\'s own passkey passes', async () => {
    const alice = await signUp(t.app);
    const mallory = await signUp(t.app);
    const aliceKey = new SoftAuthenticator(ORIGIN);
    const malloryKey = new SoftAuthenticator(ORIGIN);
    await addPasskey(alice.agent, alice.csrf, aliceKey);
    await addPasskey(mallory.agent, mallory.csrf, malloryKey);

    const { agent, location } = await passwordStep(t.app, alice.user.email);
    expect(location).to.equal('/login/two-factor');
    await agent.get('/account').expect(303);
    expect((await passkeyStep(agent, malloryKey)).status).to.equal(401);
    await agent.get('/account').expect(303);
    const done = await passkeyStep(agent, aliceKey);
    expect(done.status).to.equal(200);
    const account = await agent.get('/account').expect(200);
    expect(account.text).to.contain(alice.user.email);
  });

  it('refuses a disabled account, and a removed passkey', async () => {
    const admin = await signUp(t.app);
    const person = await signUp(t.app);
    const key = new SoftAuthenticator(ORIGIN);
    await addPasskey(person.agent, person.csrf, key);
    await admin.agent.post(`/admin/users/${person.user.id}/disable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await passkeyStep(request.agent(t.app), key)).status).to.equal(401);
    expect(await t.deps.db('audit_events').where({ user_id: person.user.id, event: 'login.refused' }).first()).to.not.equal(undefined);

    await admin.agent.post(`/admin/users/${person.user.id}/enable`).type('form').send({ _csrf: admin.csrf }).expect(303);
    const { agent } = await passwordStep(t.app, person.user.email);
    expect((await passkeyStep(agent, key)).status).to.equal(200);
    const [row] = await t.deps.db('passkeys').where({ user_id: person.user.id });
    const csrf = await csrfFrom(agent, '/account/two-factor');
    await agent.post(`/account/passkeys/${encodeURIComponent(row.id)}/delete`).type('form').send({ _csrf: csrf }).expect(303);
    expect((await passkeyStep(request.agent(t.app), key)).status).to.equal(401);
  });
});
