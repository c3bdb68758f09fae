import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { testDatabaseKind } from '../../helpers/test-database';
import { findUserById, insertUser } from '../../../server/db/users';
import { insertBatch } from '../../../server/db/batches';
import { exportBatches } from '../../../server/db/account-export';

/** Past 2^31, as every epoch-millisecond timestamp is: a 32-bit integer would not hold it. */
const AT = 1_767_225_600_123;

describe(`values as the app reads them back (${testDatabaseKind()})`, () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('are numbers for counts, sums and bigint columns such as timestamps', async () => {
    const id = await insertUser(t.deps.db, { email: 'values@example.test', name: 'V', password_hash: 'x', role: 'user', created_at: AT });
    expect(await findUserById(t.deps.db, id)).to.include({ id, created_at: AT, updated_at: AT });
    expect(await t.deps.db('users').count({ n: '*' }).first()).to.deep.equal({ n: 1 });
    expect(await t.deps.db('users').sum({ total: 'created_at' }).first()).to.deep.equal({ total: AT });
  });

  it('are 1 and 0 for booleans, as SQLite stores them', async () => {
    const userId = await insertUser(t.deps.db, { email: 'flags@example.test', name: 'F', password_hash: 'x', role: 'user', created_at: AT });
    const batch = { user_id: userId, name: '', options_json: '{}', status: 'open', created_at: AT, updated_at: AT };
    await insertBatch(t.deps.db, { ...batch, id: 'kept' });
    await insertBatch(t.deps.db, { ...batch, id: 'unkept', created_at: AT + 1 });
    await t.deps.db('batches').where({ id: 'unkept' }).update({ zero_retention: true });
    expect((await exportBatches(t.deps.db, userId)).map((b) => [b.id, b.zero_retention])).to.deep.equal([
      ['kept', 0],
      ['unkept', 1],
    ]);
  });
});
