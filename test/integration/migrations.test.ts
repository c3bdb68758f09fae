import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb, isPostgres, migrateLatest, rollbackAll, migrationConfig, Db } from '../../server/db/knex';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database';

const KNEX_TABLES = ['knex_migrations', 'knex_migrations_lock'];

async function tableNames(db: Db): Promise<string[]> {
  const rows: { name: string }[] = isPostgres(db)
    ? await db('pg_tables').where('schemaname', db.raw('current_schema()')).select('tablename as name')
    : await db('sqlite_master').where({ type: 'table' }).whereNot('name', 'like', 'sqlite_%').select('name');
  return rows.map((r) => r.name).sort();
}

/**
 * SQLite, read through its pragmas rather than from the stored CREATE statements: knex rewrites a
 * table to drop a column, which spells the same table differently.
 */
async function sqliteSchema(db: Db): Promise<unknown[]> {
  const objects: { type: string; name: string; tbl_name: string; sql: string | null }[] = await db('sqlite_master')
    .whereNotIn('tbl_name', KNEX_TABLES)
    .whereNot('name', 'like', 'sqlite_%')
    .orderBy('name')
    .select('type', 'name', 'tbl_name', 'sql');
  return Promise.all(
    objects.map(async (o) => {
      if (o.type === 'table') {
        const columns = await db.raw('select name, type, "notnull", dflt_value, pk from pragma_table_info(?)', [o.name]);
        const keys = await db.raw('select "table", "from", "to", on_delete from pragma_foreign_key_list(?)', [o.name]);
        const unique = await db.raw(`select name from pragma_index_list(?) where "unique" = 1 and origin != 'c' order by name`, [o.name]);
        return { table: o.name, columns, keys, unique };
      }
      if (o.type === 'index') {
        const columns = await db.raw('select name from pragma_index_info(?)', [o.name]);
        return { index: o.name, on: o.tbl_name, columns, unique: /^CREATE UNIQUE/i.test(o.sql ?? '') };
      }
      return o; // triggers, written by our migrations and kept as written
    }),
  );
}

/** Every table, column, index, constraint, trigger and sequence, as the database describes it (the migrations' own tables left out). */
async function schema(db: Db): Promise<unknown[]> {
  if (!isPostgres(db)) return sqliteSchema(db);
  const here = db.raw('current_schema()');
  const [columns, indexes, constraints, sequences] = await Promise.all([
    db('information_schema.columns')
      .where('table_schema', here)
      .whereNotIn('table_name', KNEX_TABLES)
      .orderBy(['table_name', 'column_name'])
      .select('table_name', 'column_name', 'data_type', 'is_nullable', 'column_default', 'generation_expression'),
    db('pg_indexes').where('schemaname', here).whereNotIn('tablename', KNEX_TABLES).orderBy('indexname').select('indexname', 'indexdef'),
    db('pg_constraint as c')
      .join('pg_class as t', 't.oid', 'c.conrelid')
      .where('c.connamespace', db.raw('current_schema()::regnamespace'))
      .whereNotIn('t.relname', KNEX_TABLES)
      .orderBy(['t.relname', 'c.conname'])
      .select('t.relname', 'c.conname', db.raw('pg_get_constraintdef(c.oid) as definition')),
    db('information_schema.sequences').where('sequence_schema', here).whereNot('sequence_name', 'like', 'knex_%').orderBy('sequence_name').select('sequence_name'),
  ]);
  return [columns, indexes, constraints, sequences];
}

describe(`migrations (${process.env.SIGHTLINE_TEST_DATABASE ?? 'sqlite'})`, () => {
  let dir: string;
  let database: TestDatabase;
  let db: Db;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-migrate-'));
    database = await createTestDatabase(dir, 'empty');
    db = createDb(database.target);
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('go up to latest, roll all the way back, and up again to the same schema', async () => {
    await migrateLatest(db);
    const latest = await tableNames(db);
    expect(latest).to.include.members(['users', 'sessions', 'audit_events', 'invites', 'jobs', 'descriptions']);
    const migrated = await schema(db);

    await rollbackAll(db);
    expect(await tableNames(db)).to.deep.equal(KNEX_TABLES);
    const [, pending] = (await db.migrate.list(migrationConfig)) as [unknown[], unknown[]];
    expect(pending.length).to.be.greaterThan(0);

    await migrateLatest(db);
    expect(await tableNames(db)).to.deep.equal(latest);
    expect(await schema(db)).to.deep.equal(migrated);
  });

  it('each undo exactly what they did, one at a time', async () => {
    const before: unknown[][] = [];
    for (;;) {
      const shape = await schema(db);
      const [, ran] = (await db.migrate.up(migrationConfig)) as [number, string[]];
      if (ran.length === 0) break;
      before.push(shape);
    }
    expect(before.length).to.be.greaterThan(10);
    while (before.length > 0) {
      const [, undone] = (await db.migrate.down(migrationConfig)) as [number, string[]];
      expect(await schema(db), `after undoing ${undone.join(', ')}`).to.deep.equal(before.pop());
    }
  });
});
