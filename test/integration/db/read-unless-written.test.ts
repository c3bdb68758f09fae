import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sqlite3 from 'sqlite3';
import { createDb, Db } from '../../../server/db/knex';
import { hotReadUnlessWritten, REMEMBER_AT_MOST_MS } from '../../../server/db/hot-read';

const COUNT = 'select count(*) as n from notes';
const count = async (db: Db) => (await hotReadUnlessWritten<{ n: number }>(db, COUNT, []))[0].n;

/** Writes the file the way another process would: a connection knex knows nothing about. */
function writeBehindKnexsBack(file: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const other = new sqlite3.Database(file, (openErr) => {
      if (openErr) return reject(openErr);
      other.run(sql, (err) => other.close(() => (err ? reject(err) : resolve())));
    });
  });
}

describe('hot reads answered from memory until something is written', () => {
  let dir: string;
  let file: string;
  let db: Db;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-read-cache-'));
    file = path.join(dir, 'test.sqlite');
    db = createDb(file);
    await db.schema.createTable('notes', (t) => {
      t.increments('id');
      t.string('body');
    });
    await db('notes').insert([{ body: 'one' }, { body: 'two' }]);
  });
  afterEach(async () => {
    await db.destroy();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the same read from memory while nothing is written, and re-reads after a second', async () => {
    expect(await count(db)).to.equal(2);
    await writeBehindKnexsBack(file, "insert into notes (body) values ('from elsewhere')");
    // Not seen yet: the answer came from memory, not from the file.
    expect(await count(db)).to.equal(2);
    await new Promise((resolve) => setTimeout(resolve, REMEMBER_AT_MOST_MS + 50));
    expect(await count(db)).to.equal(3);
  });

  it('reads again after any insert, update or delete through knex', async () => {
    const bodies = async () => (await hotReadUnlessWritten<{ body: string }>(db, 'select body from notes order by id', [])).map((r) => r.body);
    expect(await bodies()).to.deep.equal(['one', 'two']);
    await db('notes').insert({ body: 'three' });
    expect(await bodies()).to.deep.equal(['one', 'two', 'three']);
    await db('notes').where({ body: 'one' }).update({ body: 'uno' });
    expect(await bodies()).to.deep.equal(['uno', 'two', 'three']);
    await db('notes').where({ body: 'two' }).delete();
    expect(await bodies()).to.deep.equal(['uno', 'three']);
    await db.raw("update notes set body = 'tres' where body = 'three'");
    expect(await bodies()).to.deep.equal(['uno', 'tres']);
  });

  it('answers a read made while a transaction is open only after its commit, though an answer was remembered', async () => {
    expect(await count(db)).to.equal(2);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let inserted!: () => void;
    const insertDone = new Promise<void>((resolve) => (inserted = resolve));
    const trx = db.transaction(async (t) => {
      await t('notes').insert({ body: 'committed later' });
      inserted();
      await held;
    });
    await insertDone;
    const during = count(db);
    release();
    await trx;
    expect(await during).to.equal(3);
    expect(await count(db)).to.equal(3);
  });

  it('sees writes made through another knex instance on the same file', async () => {
    const other = createDb(file);
    try {
      expect(await count(db)).to.equal(2);
      await other('notes').insert({ body: 'through the other instance' });
      expect(await count(db)).to.equal(3);
    } finally {
      await other.destroy();
    }
  });

  it('keeps each set of bindings apart and hands out rows that cannot be changed in place', async () => {
    const sql = 'select body from notes where id = ?';
    const [first] = await hotReadUnlessWritten<{ body: string }>(db, sql, [1]);
    const [second] = await hotReadUnlessWritten<{ body: string }>(db, sql, [2]);
    expect([first.body, second.body]).to.deep.equal(['one', 'two']);
    expect(() => Object.assign(first, { body: 'changed' })).to.throw(TypeError);
    expect((await hotReadUnlessWritten<{ body: string }>(db, sql, [1]))[0].body).to.equal('one');
  });

  it('lets requests that need the same read while it runs share it: one trip to SQLite', async () => {
    const reader = (await db.client.acquireConnection()) as sqlite3.Database;
    await db.client.releaseConnection(reader);
    const sql = 'select body from notes where id < ?';
    let runs = 0;
    reader.on('trace', (ran: string) => (runs += ran.includes('where id <') ? 1 : 0));
    const answers = await Promise.all(Array.from({ length: 20 }, () => hotReadUnlessWritten<{ body: string }>(db, sql, [10])));
    expect(answers.every((rows) => rows.length === 2)).to.equal(true);
    // SQLite's trace events reach JavaScript asynchronously.
    const traced = () => new Promise((resolve) => setTimeout(resolve, 50));
    await traced();
    expect(runs).to.equal(1);
    await db('notes').insert({ body: 'three' });
    const after = await Promise.all(Array.from({ length: 5 }, () => hotReadUnlessWritten<{ body: string }>(db, sql, [10])));
    expect(after.map((rows) => rows.length)).to.deep.equal([3, 3, 3, 3, 3]);
    await traced();
    expect(runs).to.equal(2);
  });

  it('sees a write issued before it even while that write has not finished, though an answer was remembered', async () => {
    expect(await count(db)).to.equal(2);
    // Issued, not awaited: as when a redirect reaches the browser before the session is saved.
    const writing = db('notes').insert({ body: 'still being written' }).then(() => undefined);
    expect(await count(db)).to.equal(3);
    await writing;
  });

  it('does not keep a read that failed: the next one goes to SQLite again', async () => {
    const sql = 'select count(*) as n from later';
    let failed: unknown;
    await hotReadUnlessWritten(db, sql, []).catch((err: unknown) => (failed = err));
    expect(String(failed)).to.contain('no such table');
    // Made behind knex's back, so neither count moves: only a kept failure could answer now.
    await writeBehindKnexsBack(file, 'create table later (id integer)');
    expect(await hotReadUnlessWritten(db, sql, [])).to.deep.equal([{ n: 0 }]);
  });
});
