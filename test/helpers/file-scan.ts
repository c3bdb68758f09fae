import fs from 'node:fs';
import path from 'node:path';

/**
 * Every file and folder under a data directory, each file with its size, except the SQLite files of
 * the database and the rate limits (their pages change with any write): what "nothing of the image
 * was kept on disk" is checked against.
 */
export function dataDirListing(dataDir: string): string[] {
  const walk = (dir: string): string[] =>
    fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const full = path.join(dir, e.name);
      return e.isDirectory() ? [`${full}/`, ...walk(full)] : [`${full} ${fs.statSync(full).size}`];
    });
  return walk(dataDir).filter((line) => !/\/(sightline|rate-limits)\.sqlite(-wal|-shm)? \d+$/.test(line));
}
import type { Config } from '../../server/config';
import { isPostgres, type Db } from '../../server/db/knex';

/**
 * What the database holds, as bytes. SQLite: the database file and its WAL, raw (what a copied disk
 * would show). PostgreSQL: every row of every table, as JSON (its files belong to the server, and
 * compress large values, so they are read through it).
 */
export async function databaseBytes(t: { config: Config; deps: { db: Db } }): Promise<Buffer> {
  const { db } = t.deps;
  if (isPostgres(db)) {
    const tables: string[] = await db('information_schema.tables').where('table_schema', db.raw('current_schema()')).pluck('table_name');
    const rows = await Promise.all(tables.map((table) => db(table).select()));
    return Buffer.from(JSON.stringify(rows));
  }
  const file = t.config.databaseFile;
  return Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

const SIGNATURES: [string, Buffer][] = [
  ['JPEG', Buffer.from([0xff, 0xd8, 0xff])],
  ['PNG', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])],
  ['WebP', Buffer.from('WEBPVP8', 'latin1')],
];

/** A run this long of base64 characters is image data, not text any column of ours holds. */
const BASE64_RUN = /[A-Za-z0-9+/]{200,}={0,2}/;

/** Names of image traces found in the bytes: magic numbers of JPEG/PNG/WebP, or a long base64 run. */
export function imageTraces(bytes: Buffer): string[] {
  const found = SIGNATURES.filter(([, sig]) => bytes.includes(sig)).map(([name]) => name);
  const run = BASE64_RUN.exec(bytes.toString('latin1'));
  if (run) found.push(`base64 run at ${run.index}: ${run[0].slice(0, 40)}…`);
  return found;
}
