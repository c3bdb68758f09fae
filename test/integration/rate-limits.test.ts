import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type express from 'express';
import { buildTestApp, TestApp } from '../helpers/test-app';
import { csrfFrom, DEFAULT_PASSWORD, signUp } from '../helpers/session';
import { userWithKey } from '../helpers/api-client';
import { closeApp, createApp } from '../../server/app';
import { createDb, isPostgres, type Db } from '../../server/db/knex';
import type { Auth } from '../../server/auth';
import { bindTextKeys } from '../../server/db/text-keys';

/** Sends a wrong password for `email` to `app` from a signed-out browser; answers the status. */
async function wrongPassword(app: express.Express, email: string, i: number): Promise<number> {
  const agent = request.agent(app);
  const csrf = await csrfFrom(agent, '/login');
  return (await agent.post('/login').type('form').send({ _csrf: csrf, email, password: `wrong guess ${i}` })).status;
}

/** What the limits store holds, as text: the database's table on PostgreSQL, the limits file on SQLite. */
async function limitsStoreText(t: TestApp): Promise<string> {
  if (isPostgres(t.deps.db)) return JSON.stringify(await t.deps.db('rate_limits').select());
  const file = path.join(t.dataDir, 'rate-limits.sqlite');
  return [file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f).toString('latin1')).join('');
}

describe('rate limits in the database', () => {
  let t: TestApp;
  let secondDb: Db;
  let second: express.Express;
  beforeEach(async () => {
    t = await buildTestApp({ SIGNUP: 'open', API_RATE_LIMIT_PER_MINUTE: '5' });
    // A second app on the same database through a connection of its own, as a second web process.
    secondDb = createDb(t.config.database);
    bindTextKeys(secondDb, t.deps.blobs); // as a second process does at boot: what it writes (audit details) is sealed on PostgreSQL
    second = createApp({ ...t.deps, db: secondDb });
  });
  afterEach(async () => {
    await closeApp(second);
    await secondDb.destroy();
    await t.close();
  });

  it('are shared by two apps on one database: failed sign-ins on either count together', async () => {
    await signUp(t.app, { email: 'shared@example.test' });
    for (let i = 0; i < 10; i += 1) expect(await wrongPassword(i % 2 === 0 ? t.app : second, 'shared@example.test', i)).to.equal(401);
    expect(await wrongPassword(t.app, 'shared@example.test', 10)).to.equal(429);
    expect(await wrongPassword(second, 'shared@example.test', 11)).to.equal(429);
  });

  it('are shared by two apps on one database: an API key\'s requests on either count together', async () => {
    const { auth } = await userWithKey(t.deps, 'read');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await request(i % 2 === 0 ? t.app : second).get('/api/v1/usage').set('Authorization', auth)).status);
    expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429]);
    const refused = await request(second).get('/api/v1/usage').set('Authorization', auth).expect(429);
    expect(refused.headers['ratelimit-remaining']).to.equal('0');
  });

  it('give back the attempt of a right password, so signing in does not use up the limit', async () => {
    await signUp(t.app, { email: 'regular@example.test' });
    for (let i = 0; i < 9; i += 1) expect(await wrongPassword(t.app, 'regular@example.test', i)).to.equal(401);
    for (let i = 0; i < 12; i += 1) {
      const agent = request.agent(i % 2 === 0 ? t.app : second);
      const csrf = await csrfFrom(agent, '/login');
      await agent.post('/login').type('form').send({ _csrf: csrf, email: 'regular@example.test', password: DEFAULT_PASSWORD }).expect(303);
    }
    // The right password also forgot the failures before it: ten wrong ones fit again.
    for (let i = 0; i < 10; i += 1) expect(await wrongPassword(second, 'regular@example.test', i)).to.equal(401);
    expect(await wrongPassword(t.app, 'regular@example.test', 10)).to.equal(429);
  });

  it('store neither the email nor the address they count, only keyed hashes', async () => {
    // Sign-in is offered once an account exists; before that, /login leads to creating the admin.
    await signUp(t.app, { email: 'first.admin@example.test' });
    await wrongPassword(t.app, 'counted.person@example.test', 0);
    const stored = await limitsStoreText(t);
    expect(stored).to.not.contain('counted.person');
    expect(stored).to.not.contain('127.0.0.1');
    expect(stored).to.contain('loginPerAccount:');
  });

  it('leave the app\'s own transactions alone while checks run at the same time', async () => {
    const limits = (t.app.locals.auth as Auth).limits;
    await t.deps.db.schema.createTable('scratch_rows', (table) => {
      table.increments('id');
      table.integer('n');
    });
    const work: Promise<unknown>[] = [];
    for (let i = 0; i < 100; i += 1) {
      work.push(limits.apiPerKey.take(`key ${i % 7}`));
      // Read, then write, in one transaction: what a second writer on the database file would break.
      work.push(t.deps.db.transaction(async (trx) => {
        await trx('scratch_rows').count({ n: '*' });
        await trx('scratch_rows').insert({ n: i });
      }));
    }
    const outcomes = await Promise.allSettled(work);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => String((o as PromiseRejectedResult).reason))).to.deep.equal([]);
    expect(Number((await t.deps.db('scratch_rows').count({ n: '*' }))[0]!.n)).to.equal(100);
  });
});
