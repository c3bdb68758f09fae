import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import sqlite3 from 'sqlite3';
import { createDb } from '../../server/db/knex';
import { loadConfig } from '../../server/config';
import { openLimitStore } from '../../server/rate-limits/store';

const exec = (db: sqlite3.Database, sql: string) => new Promise<void>((resolve, reject) => db.exec(sql, (err) => (err ? reject(err) : resolve())));
const journalMode = (db: sqlite3.Database) =>
  new Promise<string>((resolve, reject) => db.get('PRAGMA journal_mode', (err, row: { journal_mode: string }) => (err ? reject(err) : resolve(row.journal_mode))));

/**
 * Another process writing to a new file (still in rollback mode) when ours opens it, as when a web
 * process and a worker start together on a fresh DATA_DIR: turning the file to WAL is refused at once
 * while that write lasts. The other process commits a moment later, on a timer.
 */
async function whileAnotherWrites(file: string, open: () => Promise<void>): Promise<void> {
  const other = new sqlite3.Database(file);
  await exec(other, 'CREATE TABLE IF NOT EXISTS other_process (x); BEGIN IMMEDIATE; INSERT INTO other_process VALUES (1)');
  const commit = new Promise<void>((resolve, reject) => setTimeout(() => exec(other, 'COMMIT').then(resolve, reject), 300));
  try {
    await open();
  } finally {
    await commit;
    await new Promise((resolve) => other.close(resolve));
  }
}

describe('opening a SQLite file another process is writing to', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-open-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('waits for the write to end, then opens the database in WAL mode', async () => {
    const file = path.join(dir, 'sightline.sqlite');
    const db = createDb({ client: 'sqlite', filename: file });
    try {
      await whileAnotherWrites(file, async () => {
        expect(await db.raw('PRAGMA journal_mode')).to.deep.equal([{ journal_mode: 'wal' }]);
      });
    } finally {
      await db.destroy();
    }
  });

  it('waits for the write to end, then opens the rate limits file and counts', async () => {
    const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dir });
    const mainDb = createDb({ client: 'sqlite', filename: path.join(dir, 'sightline.sqlite') });
    const file = path.join(dir, 'rate-limits.sqlite');
    let store: ReturnType<typeof openLimitStore> | undefined;
    try {
      await whileAnotherWrites(file, async () => {
        store = openLimitStore(config, mainDb);
        await store.ready;
        const res = await store.limiter('opened', 3, 60_000).consume('someone');
        expect(res.remainingPoints).to.equal(2);
      });
      const check = new sqlite3.Database(file);
      expect(await journalMode(check)).to.equal('wal');
      await new Promise((resolve) => check.close(resolve));
    } finally {
      await store?.close();
      await mainDb.destroy();
    }
  });
});
