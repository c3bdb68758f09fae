import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { csrfFrom, DEFAULT_PASSWORD, signUp } from '../helpers/session';
import type { Auth } from '../../server/auth';
import { passwordGate } from '../../server/auth/cpu-gate';
import { logIn } from '../../server/services/accounts/login';

describe('logIn (service)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  /** Counts bcrypt runs: every hash and compare goes through the gate. */
  async function countBcrypt<T>(work: () => Promise<T>): Promise<{ result: T; runs: number }> {
    const original = passwordGate.run.bind(passwordGate);
    let runs = 0;
    passwordGate.run = (fn) => {
      runs += 1;
      return original(fn);
    };
    try {
      return { result: await work(), runs };
    } finally {
      passwordGate.run = original;
    }
  }

  it('refuses the 11th attempt for an account without running bcrypt', async () => {
    await signUp(t.app, { email: 'acct@example.test' });
    const limits = (t.app.locals.auth as Auth).limits;
    const meta = { ip: '203.0.113.9', userAgent: 'test' };
    for (let i = 0; i < 10; i += 1) {
      const { result, runs } = await countBcrypt(() => logIn(t.deps, limits, meta, 'acct@example.test', `wrong ${i} password`));
      expect(result).to.deep.equal({ ok: false, reason: 'invalid' });
      expect(runs).to.equal(1);
    }
    const { result, runs } = await countBcrypt(() => logIn(t.deps, limits, { ...meta, ip: '198.51.100.1' }, 'ACCT@example.test', DEFAULT_PASSWORD));
    expect(result.ok).to.equal(false);
    expect(result).to.have.property('reason', 'throttled');
    expect(runs).to.equal(0);
  });

  it('runs bcrypt for an unknown email too, so it takes as long as a wrong password', async () => {
    const limits = (t.app.locals.auth as Auth).limits;
    const { result, runs } = await countBcrypt(() => logIn(t.deps, limits, { ip: '1.2.3.4', userAgent: '' }, 'ghost@example.test', 'some password here'));
    expect(result).to.deep.equal({ ok: false, reason: 'invalid' });
    expect(runs).to.equal(1);
  });

  it('limits failures per IP address across accounts (50 per 15 minutes)', async () => {
    await signUp(t.app); // an instance with an account shows the sign-in form
    const agent = request.agent(t.app);
    const csrf = await csrfFrom(agent, '/login');
    for (let i = 0; i < 50; i += 1) {
      await agent.post('/login').type('form').send({ _csrf: csrf, email: `spray${i}@example.test`, password: 'spray password 1' }).expect(401);
    }
    const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'fresh@example.test', password: 'spray password 1' }).expect(429);
    expect(Number(res.headers['retry-after'])).to.be.greaterThan(0);
  });

  it('records a failed sign-in in the audit log with IP and browser', async () => {
    const me = await signUp(t.app, { email: 'audited@example.test' });
    const limits = (t.app.locals.auth as Auth).limits;
    await logIn(t.deps, limits, { ip: '192.0.2.7', userAgent: 'Firefox/140' }, 'audited@example.test', 'not the password');
    const row = await t.deps.db('audit_events').where({ user_id: me.user.id, event: 'login.failure' }).first();
    expect(row).to.include({ ip: '192.0.2.7', user_agent: 'Firefox/140' });
  });

  it('turns an attempt away while the password gate is full without reading the database', async () => {
    await signUp(t.app, { email: 'queued@example.test' });
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const places = Array.from({ length: passwordGate.concurrency + passwordGate.maxQueue }, () => passwordGate.run(() => held));
    let queries = 0;
    const count = () => (queries += 1);
    t.deps.db.on('query', count);
    try {
      const refused = await logIn(t.deps, (t.app.locals.auth as Auth).limits, { ip: '203.0.113.7', userAgent: 'test' }, 'queued@example.test', DEFAULT_PASSWORD).catch(
        (err: { status?: number }) => err,
      );
      expect(refused).to.have.property('status', 503);
      expect(queries).to.equal(0);
    } finally {
      t.deps.db.off('query', count);
      release();
      await Promise.all(places);
    }
  });
});
