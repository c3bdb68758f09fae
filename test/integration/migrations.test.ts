import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb, migrateLatest, rollbackAll, migrationConfig, Db } from '../../server/db/knex';

async function tableNames(db: Db): Promise<string[]> {
  const rows: { name: string }[] = await db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').select('name');
  return rows.map((r) => r.name).sort();
}

describe('migrations', () => {
  let dir: string;
  let db: Db;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-migrate-'));
    db = createDb({ client: 'sqlite', filename: path.join(dir, 'db.sqlite') });
  });
  after(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('go up to latest, roll all the way back, and up again to the same schema', async () => {
    await migrateLatest(db);
    const latest = await tableNames(db);
    expect(latest).to.include.members(['users', 'sessions', 'audit_events', 'invites']);
    const schema = await db('sqlite_master').whereNotNull('sql').orderBy('name').select('name', 'sql');

    await rollbackAll(db);
    expect(await tableNames(db)).to.deep.equal(['knex_migrations', 'knex_migrations_lock'].filter((n) => latest.includes(n)));
    const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], unknown[]];
    expect(pending.length).to.be.greaterThan(0);

    await migrateLatest(db);
    expect(await tableNames(db)).to.deep.equal(latest);
    expect(await db('sqlite_master').whereNotNull('sql').orderBy('name').select('name', 'sql')).to.deep.equal(schema);
  });
});
