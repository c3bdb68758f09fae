import { expect } from 'chai';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { signUp } from '../helpers/session';
import type { Db } from '../../server/db/knex';

/** Counts the statements that write, as knex reports them through its public 'query' event. */
function countWrites(db: Db): { count: number } {
  const counter = { count: 0 };
  db.on('query', (query: { sql: string }) => {
    if (/^\s*(insert|update|delete|replace)\b/i.test(query.sql)) counter.count += 1;
  });
  return counter;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('session lifetimes on a manual clock', () => {
  let t: TestApp;
  afterEach(async () => t.close());

  it('keep a session with SESSION_IDLE_MINUTES=1 alive while it has a request every 15 s, then end it soon after the last', async () => {
    t = await buildTestApp({ SESSION_IDLE_MINUTES: '1' });
    const { agent, user } = await signUp(t.app);
    const storedExpiry = async () => Number((await t.deps.db('sessions').where({ user_id: user.id }).first())!.expires_at);
    for (let i = 0; i < 20; i += 1) {
      t.clock.advance(15 * SECOND);
      await agent.get('/').expect(200);
      // What the next request is judged by is never earlier than this request plus the idle minute.
      expect(await storedExpiry()).to.be.at.least(t.clock.now().getTime() + MINUTE);
    }
    // Idle for just under the minute: still signed in.
    t.clock.advance(MINUTE - 1);
    await agent.get('/').expect(200);
    // Idle for the minute and a tenth more: signed out.
    t.clock.advance(MINUTE + 6 * SECOND);
    await agent.get('/').expect(303);
  });

  it('write nothing for a busy signed-in page between moves of the idle expiry', async () => {
    t = await buildTestApp({ SESSION_IDLE_MINUTES: '30' });
    const { agent } = await signUp(t.app);
    await agent.get('/').expect(200);
    const writes = countWrites(t.deps.db);
    const before = writes.count;
    for (let i = 0; i < 10; i += 1) {
      t.clock.advance(5 * SECOND);
      await agent.get('/').expect(200);
    }
    expect(writes.count).to.equal(before);
  });

  it('end a session that keeps writing (flash messages) SESSION_ABSOLUTE_HOURS after sign-in', async () => {
    t = await buildTestApp({ SESSION_IDLE_MINUTES: '30', SESSION_ABSOLUTE_HOURS: '12' });
    const { agent, csrf } = await signUp(t.app);
    for (let elapsed = 20; elapsed < 12 * 60; elapsed += 20) {
      t.clock.advance(20 * MINUTE);
      // Each answer writes the session: the flash message is stored, then shown and taken out.
      await agent.post('/account/name').type('form').send({ _csrf: csrf, name: `Name ${elapsed}` }).expect(303);
      expect((await agent.get('/account').expect(200)).text).to.contain('Your name has been saved.');
    }
    t.clock.advance(20 * MINUTE);
    await agent.get('/account').expect(303);
  });
});
