import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { insertUser } from '../helpers/rows';
import { postgresFileBytes, sealedLeftovers } from '../helpers/postgres-files';
import { allAuditEvents, auditEventsFor, recordAudit } from '../../server/services/accounts/audit';
import { exportAuditLog } from '../../server/db/account-export';
import { anonymiseAccount } from '../../server/services/data-rights/account-deletion';
import { signUp } from '../helpers/session';

describe('audit events\' details on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(() => t.close());

  it('are sealed with the address and browser, read as written, and unreadable once the account is deleted', async () => {
    const userId = await insertUser(t.deps.db);
    const meta = { ip: '203.0.113.77', userAgent: 'Okapibrowser/9.1 (Quaggaphone)' };
    await recordAudit(t.deps, meta, { userId, event: 'passkey.add', detail: 'Narwhalesque security key' });
    // An event about no account has no key to seal under: it stays as it was.
    await recordAudit(t.deps, null, { userId: null, event: 'login.sso_refused', detail: 'no account' });

    const files = await postgresFileBytes(t.deps.db);
    for (const word of ['Narwhalesque', 'Okapibrowser', 'Quaggaphone', '203.0.113.77']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
      expect(files.wal.includes(word), `${word} in the WAL`).to.equal(false);
    }
    const written = { event: 'passkey.add', ip: '203.0.113.77', user_agent: 'Okapibrowser/9.1 (Quaggaphone)', detail: 'Narwhalesque security key' };
    expect((await auditEventsFor(t.deps, userId))[0]).to.include(written);
    expect((await allAuditEvents(t.deps)).find((e) => e.user_id === userId)).to.include(written);
    expect(await exportAuditLog(t.deps.db, userId)).to.deep.equal([{ ...written, created_at: t.clock.now().getTime() }]);
    expect((await allAuditEvents(t.deps)).find((e) => e.user_id === null)).to.include({ detail: 'no account' });

    const keyName = ((await t.deps.db('users').where({ id: userId }).first('text_key_name')) as { text_key_name: string }).text_key_name;
    const oldKey = await t.deps.blobs.get(keyName);
    await anonymiseAccount(t.deps, userId);
    const left = await sealedLeftovers(t.deps.db, t.deps.blobs, userId, oldKey);
    expect(left.underOldKey, 'the event\'s old version is in the files, under the destroyed key').to.include('Narwhalesque security key');
    expect(left.openedByKeysLeft).not.to.include('Narwhalesque');
    expect(left.openedByKeysLeft).not.to.include('Okapibrowser');
  });

  it('are sealed for an account made in the same transaction (a sign-up), which gets its key there', async () => {
    const fresh = await buildTestApp(); // the first account: its sign-up event has details too
    try {
      const person = await signUp(fresh.app);
      // Compared in SQL: every value read through knex comes back opened (and booleans as numbers).
      const sealed = await fresh.deps.db.raw(
        `select key_generation, detail like 'tk1:%' as detail_sealed, ip like 'tk1:%' as ip_sealed from audit_events where user_id = ? and event = 'signup'`,
        [person.user.id],
      );
      expect(sealed.rows).to.deep.equal([{ key_generation: 1, detail_sealed: 1, ip_sealed: 1 }]);
      expect((await auditEventsFor(fresh.deps, person.user.id)).find((e) => e.event === 'signup')?.detail).to.equal('first account, administrator');
    } finally {
      await fresh.close();
    }
  });
});
