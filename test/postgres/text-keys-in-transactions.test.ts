import crypto from 'node:crypto';
import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { insertUser } from '../helpers/rows';
import { insertBatch, findBatch } from '../../server/db/batches';
import { recordAudit, auditEventsFor } from '../../server/services/accounts/audit';

/** Fails instead of waiting forever: a transaction stuck on a lock it is itself waiting for. */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

describe('an account\'s first text key, made inside transactions, on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(() => t.close());

  const batch = (userId: number) => {
    const now = Date.now();
    return { id: crypto.randomBytes(12).toString('base64url'), user_id: userId, name: '', options_json: '{"instructions":"x"}', status: 'open', created_at: now, updated_at: now };
  };

  it('is made in a transaction that already changed the account\'s row, without waiting on itself', async () => {
    const userId = await insertUser(t.deps.db);
    await within(5_000, t.deps.db.transaction(async (trx) => {
      await trx('users').where({ id: userId }).update({ status: 'disabled' });
      await recordAudit({ ...t.deps, db: trx }, null, { userId, event: 'user.disable', detail: 'by an administrator' });
    }));
    expect((await auditEventsFor(t.deps, userId))[0]).to.include({ event: 'user.disable', detail: 'by an administrator' });
  });

  it('is made once when two transactions need it at the same time, and both commit', async () => {
    const userId = await insertUser(t.deps.db);
    const rows = [batch(userId), batch(userId)];
    await within(10_000, Promise.all(rows.map((row) => t.deps.db.transaction((trx) => insertBatch(trx, row)))));
    for (const row of rows) expect((await findBatch(t.deps.db, userId, row.id))?.options_json).to.equal('{"instructions":"x"}');
    const generations = await t.deps.db('batches').where({ user_id: userId }).pluck('key_generation');
    expect(generations).to.deep.equal([1, 1]);
  });
});
