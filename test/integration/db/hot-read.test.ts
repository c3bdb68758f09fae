import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createDb, Db } from '../../../server/db/knex';
import { hotRead } from '../../../server/db/hot-read';

describe('hot reads (statements kept prepared per connection)', () => {
  let dir: string;
  let db: Db;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-hot-read-'));
    db = createDb(path.join(dir, 'test.sqlite'));
    await db.schema.createTable('notes', (t) => {
      t.increments('id');
      t.string('body');
    });
    await db('notes').insert([{ body: 'one' }, { body: 'two' }]);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('answers with fresh rows each time, whatever the bindings', async () => {
    const sql = 'select body from notes where id >= ? order by id';
    expect(await hotRead(db, sql, [1])).to.deep.equal([{ body: 'one' }, { body: 'two' }]);
    expect(await hotRead(db, sql, [2])).to.deep.equal([{ body: 'two' }]);
    await db('notes').insert({ body: 'three' });
    expect(await hotRead(db, sql, [2])).to.deep.equal([{ body: 'two' }, { body: 'three' }]);
    await db.destroy();
  });

  it('reports bad SQL as an error without breaking later reads', async () => {
    let failed: unknown;
    await hotRead(db, 'select nope from notes', []).catch((err: unknown) => (failed = err));
    expect(String(failed)).to.contain('no such column');
    expect(await hotRead(db, 'select count(*) as n from notes', [])).to.deep.equal([{ n: 2 }]);
    await db.destroy();
  });

  it('waits for a running transaction instead of reading inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const trx = db.transaction(async (t) => {
      await t('notes').insert({ body: 'uncommitted until released' });
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const read = hotRead<{ n: number }>(db, 'select count(*) as n from notes', []);
    release();
    await trx;
    expect(await read).to.deep.equal([{ n: 3 }]);
    await db.destroy();
  });

  it('closes the database for real: prepared statements are finalized and the WAL is folded back', async () => {
    await hotRead(db, 'select body from notes', []);
    expect(fs.existsSync(path.join(dir, 'test.sqlite-wal'))).to.equal(true);
    await db.destroy();
    // SQLite removes the WAL file only when the last connection closes cleanly.
    expect(fs.existsSync(path.join(dir, 'test.sqlite-wal'))).to.equal(false);
    let failed: unknown;
    await hotRead(db, 'select body from notes', []).catch((err: unknown) => (failed = err));
    expect(failed).to.be.instanceOf(Error);
  });
});
