import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { csrfFrom, DEFAULT_PASSWORD, signUp } from '../../helpers/session';
import { codeStep, enrolTotp, passwordStep, startEnrolment, totpCode } from '../../helpers/two-factor';

describe('two-factor sign-in with an authenticator app', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
  });
  afterEach(async () => t.close());

  it('turns on only after a right code, and stores the secret sealed and the recovery codes hashed', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const secret = await startEnrolment(agent, csrf);
    const page = await agent.get('/account/two-factor').expect(200);
    expect(page.text).to.match(/<img class="totp-qr" src="data:image\/svg\+xml;base64,/);
    await agent.post('/account/two-factor/confirm').type('form').send({ _csrf: csrf, code: '000000' === totpCode(secret, t.clock) ? '111111' : '000000' }).expect(422);
    expect((await t.deps.db('totp_secrets').where({ user_id: user.id }).first()).confirmed_at).to.equal(null);
    const res = await agent.post('/account/two-factor/confirm').type('form').send({ _csrf: csrf, code: totpCode(secret, t.clock) }).expect(201);
    const codes = /<textarea id="recovery-codes"[^>]*>([^<]*)<\/textarea>/.exec(res.text)![1]!.trim().split('\n');
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);
    const row = await t.deps.db('totp_secrets').where({ user_id: user.id }).first();
    expect(row.secret_encrypted).to.not.contain(secret);
    expect(Buffer.from(row.secret_encrypted, 'base64').toString('latin1')).to.not.contain(secret);
    const stored = (await t.deps.db('recovery_codes').where({ user_id: user.id }).select('code_hash')).map((r: { code_hash: string }) => r.code_hash);
    expect(stored).to.have.length(10);
    for (const code of codes) expect(stored.join(' ')).to.not.contain(code);
    expect(await t.deps.db('audit_events').where({ user_id: user.id, event: 'two_factor.enable' }).first()).to.not.equal(undefined);
  });

  it('does not sign in until the second step passes', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const { secret } = await enrolTotp(agent, csrf, t.clock);
    const { agent: fresh, location } = await passwordStep(t.app, user.email);
    expect(location).to.equal('/login/two-factor');
    const account = await fresh.get('/account').expect(303);
    expect(account.headers.location).to.match(/^\/login/);
    await codeStep(fresh, '12345x', 401);
    await fresh.get('/account').expect(303);
    // The enrolment used this step's code; the next step's signs in.
    t.clock.advance(30_000);
    const done = await codeStep(fresh, totpCode(secret, t.clock), 303);
    expect(done.headers.location).to.equal('/');
    await fresh.get('/account').expect(200);
  });

  it('refuses a code that was already used within its window', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const { secret } = await enrolTotp(agent, csrf, t.clock);
    t.clock.advance(30_000);
    const code = totpCode(secret, t.clock);
    const first = await passwordStep(t.app, user.email);
    await codeStep(first.agent, code, 303);
    const second = await passwordStep(t.app, user.email);
    await codeStep(second.agent, code, 401);
    // An earlier step's code, still inside the tolerance, is refused too; the next step's works.
    await codeStep(second.agent, totpCode(secret, t.clock, -1), 401);
    t.clock.advance(30_000);
    await codeStep(second.agent, totpCode(secret, t.clock), 303);
  });

  it('cancels a pending account deletion only once the second step has passed', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const { secret } = await enrolTotp(agent, csrf, t.clock);
    await agent.post('/account/delete').type('form').send({ _csrf: csrf, password: DEFAULT_PASSWORD }).expect(303);
    const { agent: fresh } = await passwordStep(t.app, user.email);
    expect((await t.deps.db('users').where({ id: user.id }).first()).deletion_requested_at).to.not.equal(null);
    t.clock.advance(30_000);
    await codeStep(fresh, totpCode(secret, t.clock), 303);
    expect((await t.deps.db('users').where({ id: user.id }).first()).deletion_requested_at).to.equal(null);
  });

  it('limits wrong codes per account like passwords, even when the right one follows', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const { secret } = await enrolTotp(agent, csrf, t.clock);
    t.clock.advance(30_000);
    const { agent: fresh } = await passwordStep(t.app, user.email);
    const right = totpCode(secret, t.clock);
    const wrong = right === '000000' ? '000001' : '000000';
    for (let i = 0; i < 10; i += 1) await codeStep(fresh, wrong, 401);
    const refused = await codeStep(fresh, right, 429);
    expect(Number(refused.headers['retry-after'])).to.be.greaterThan(0);
    expect(await t.deps.db('audit_events').where({ user_id: user.id, event: 'two_factor.failure' }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(10);
  });

  it('accepts each recovery code once', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const { recoveryCodes } = await enrolTotp(agent, csrf, t.clock);
    const first = await passwordStep(t.app, user.email);
    await codeStep(first.agent, recoveryCodes[3]!.toUpperCase(), 303);
    const second = await passwordStep(t.app, user.email);
    await codeStep(second.agent, recoveryCodes[3]!, 401);
    await codeStep(second.agent, recoveryCodes[4]!, 303);
    const page = await second.agent.get('/account/two-factor').expect(200);
    expect(page.text).to.contain('8 of 10 recovery codes left');
  });

  it('remembers a browser for 30 days at most, and forgets it when two-factor is turned off', async () => {
    const { agent, csrf, user } = await signUp(t.app);
    const { secret } = await enrolTotp(agent, csrf, t.clock);
    t.clock.advance(30_000);
    const browser = await passwordStep(t.app, user.email);
    const res = await codeStep(browser.agent, totpCode(secret, t.clock), 303, { remember: true });
    const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('sightline.remember='))!;
    expect(cookie).to.match(/HttpOnly/i);
    expect(Number(/Max-Age=(\d+)/i.exec(cookie)![1])).to.be.at.most(30 * 24 * 3600);
    const token = cookie.split(';')[0]!.split('=')[1]!;
    expect(JSON.stringify(await t.deps.db('remembered_browsers').select())).to.not.contain(decodeURIComponent(token).split('.')[1]);

    // The same browser signs in again with its password alone...
    await browser.agent.post('/logout').type('form').send({ _csrf: await csrfFrom(browser.agent, '/account') }).expect(303);
    expect((await passwordStep(t.app, user.email, browser.agent)).location).to.equal('/');
    // ...another does not...
    expect((await passwordStep(t.app, user.email)).location).to.equal('/login/two-factor');
    // ...and after 30 days neither does this one.
    // (The session itself ended long before: its absolute lifetime is hours.)
    t.clock.advance(30 * 24 * 3600 * 1000 + 1000);
    expect((await passwordStep(t.app, user.email, browser.agent)).location).to.equal('/login/two-factor');

    // Remembered again, then two-factor turned off and on: the old token no longer skips the step.
    const again = await codeStep(browser.agent, totpCode(secret, t.clock), 303, { remember: true });
    expect(([] as string[]).concat(again.headers['set-cookie'] ?? []).some((c) => c.startsWith('sightline.remember='))).to.equal(true);
    const csrf2 = await csrfFrom(browser.agent, '/account/two-factor');
    t.clock.advance(30_000);
    await browser.agent.post('/account/two-factor/disable').type('form').send({ _csrf: csrf2, code: totpCode(secret, t.clock) }).expect(303);
    expect(await t.deps.db('remembered_browsers').where({ user_id: user.id }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
    await enrolTotp(browser.agent, csrf2, t.clock);
    await browser.agent.post('/logout').type('form').send({ _csrf: await csrfFrom(browser.agent, '/account') }).expect(303);
    expect((await passwordStep(t.app, user.email, browser.agent)).location).to.equal('/login/two-factor');
  });

  it('lets an admin reset a person\'s two-factor, recorded with the admin as actor', async () => {
    const admin = await signUp(t.app);
    const person = await signUp(t.app);
    await enrolTotp(person.agent, person.csrf, t.clock);
    expect((await passwordStep(t.app, person.user.email)).location).to.equal('/login/two-factor');
    await person.agent.post(`/admin/sign-in/users/${admin.user.id}/reset`).type('form').send({ _csrf: person.csrf }).expect(403);
    // Without JavaScript the button opens a confirmation page; the admin's own row has none.
    const confirm = await admin.agent.get(`/admin/sign-in/users/${person.user.id}/reset`).expect(200);
    expect(confirm.text).to.contain(`Reset two-factor sign-in of ${person.user.email}?`);
    await admin.agent.get(`/admin/sign-in/users/${admin.user.id}/reset`).expect(404);
    await admin.agent.post(`/admin/sign-in/users/${person.user.id}/reset`).type('form').send({ _csrf: admin.csrf }).expect(303);
    expect((await passwordStep(t.app, person.user.email)).location).to.equal('/');
    const event = await t.deps.db('audit_events').where({ user_id: person.user.id, event: 'two_factor.reset' }).first();
    expect(event.actor_id).to.equal(admin.user.id);
    expect(await t.deps.db('recovery_codes').where({ user_id: person.user.id }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
  });

  it('sends people without a second factor to enrol when the admin requires it; API keys are unaffected', async () => {
    const admin = await signUp(t.app);
    const person = await signUp(t.app);
    await admin.agent.post('/admin/sign-in').type('form').send({ _csrf: admin.csrf, require_two_factor: 'on' }).expect(303);
    const { agent, location } = await passwordStep(t.app, person.user.email);
    expect(location).to.equal('/account/two-factor');
    const images = await agent.get('/images').expect(303);
    expect(images.headers.location).to.equal('/account/two-factor');
    const csrf = await csrfFrom(agent, '/account/two-factor');
    await agent.post('/account/name').type('form').send({ _csrf: csrf, name: 'x' }).expect(403);
    await enrolTotp(agent, csrf, t.clock);
    await agent.get('/images').expect(200);
    await request(t.app).get('/api/v1/images').expect(401);
  });
});
