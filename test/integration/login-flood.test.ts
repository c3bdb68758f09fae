import { expect } from 'chai';
import request from 'supertest';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { BUSY_ANSWER_DELAY_MS, passwordGate } from '../../server/auth/cpu-gate';
import { signUp } from '../helpers/session';

/** Occupies every slot and queue place of the password gate until `release()` is called. */
function fillPasswordGate(): { release: () => void; done: Promise<unknown> } {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  const tasks = Array.from({ length: passwordGate.concurrency + passwordGate.maxQueue }, () => passwordGate.run(() => held));
  return { release, done: Promise.all(tasks) };
}

describe('login flood', () => {
  let t: TestApp;
  before(async () => {
    t = await buildTestApp({ SIGNUP: 'open' });
  });
  after(async () => t.close());

  it('turns sign-in attempts away with a delayed 503, before any session or database work, while the password gate is full', async () => {
    const { agent } = await signUp(t.app, { email: 'busy@example.test' });
    const sessionsBefore = Number((await t.deps.db('sessions').count({ n: '*' }))[0]!.n);
    const gate = fillPasswordGate();
    try {
      expect(passwordGate.isFull()).to.equal(true);
      // No CSRF token, no cookie: the refusal comes first, so it is 503, not 403, and makes no session.
      for (const path of ['/login', '/signup']) {
        const started = Date.now();
        const res = await request(t.app).post(path).type('form').send({ email: 'x@example.test', password: 'whatever it is' });
        expect(res.status).to.equal(503);
        // Held before answering, so a flood connection cannot fire attempts back to back.
        expect(Date.now() - started).to.be.at.least(BUSY_ANSWER_DELAY_MS - 50);
        expect(res.headers['retry-after']).to.equal('5');
        expect(res.text).to.contain('Sign-in is busy right now');
      }
      expect(Number((await t.deps.db('sessions').count({ n: '*' }))[0]!.n)).to.equal(sessionsBefore);
      // Signed-in pages are not behind the gate.
      await agent.get('/').expect(200);
    } finally {
      gate.release();
      await gate.done;
    }
    // Once the gate has room, the ordinary checks answer again (here: no CSRF token, 403).
    await request(t.app).post('/login').type('form').send({ email: 'x@example.test', password: 'whatever it is' }).expect(403);
  });
});
