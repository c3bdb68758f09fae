import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { postgresCluster } from './test-database';

/**
 * The raw bytes PostgreSQL keeps for one database: its table files (base/<oid>/) and the cluster's
 * WAL (pg_wal/), after a checkpoint has written every table page and a WAL switch has closed the
 * current segment: what a copied disk would show, read past the server.
 */
export async function postgresFileBytes(db: Knex): Promise<{ tables: Buffer; wal: Buffer }> {
  const row = await db('pg_database').where('datname', db.raw('current_database()')).first('oid');
  await db.raw('CHECKPOINT');
  await db.raw('SELECT pg_switch_wal()');
  const data = path.join((await postgresCluster()).dir, 'data');
  return { tables: readAll(path.join(data, 'base', String(row.oid))), wal: readAll(path.join(data, 'pg_wal')) };
}

function readAll(dir: string): Buffer {
  const files = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isFile());
  return Buffer.concat(files.map((e) => fs.readFileSync(path.join(dir, e.name))));
}

/** Every sealed value (tk1:account:generation:base64) found in raw bytes. */
export function sealedValuesIn(bytes: Buffer): string[] {
  return [...new Set(bytes.toString('latin1').match(/tk1:\d+:\d+:[A-Za-z0-9+/]+={0,2}/g) ?? [])];
}
