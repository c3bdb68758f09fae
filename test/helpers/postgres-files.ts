import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { openWith } from '../../server/db/text-codec';
import type { BlobStore } from '../../server/storage';
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

/** Opens a sealed value found in raw bytes; a trailing byte of the next column may have been read with it. */
export function openFound(key: Buffer, found: string): string | undefined {
  for (let cut = 0; cut < 4; cut++) {
    const plain = openWith(key, found.slice(0, found.length - cut));
    if (plain !== undefined) return plain;
  }
  return undefined;
}

/** The text keys still in the blob store (32-byte blobs). */
export async function keysInStore(blobs: BlobStore): Promise<Buffer[]> {
  const all = await Promise.all((await blobs.list()).map((name) => blobs.get(name)));
  return all.filter((bytes) => bytes.length === 32);
}

/**
 * What the table files and WAL still hold of one account's sealed values: opened with `oldKey` (a
 * key since destroyed) and with every key left in the blob store.
 */
export async function sealedLeftovers(db: Knex, blobs: BlobStore, userId: number, oldKey: Buffer): Promise<{ underOldKey: string; openedByKeysLeft: string }> {
  const files = await postgresFileBytes(db);
  const sealed = [...sealedValuesIn(files.tables), ...sealedValuesIn(files.wal)].filter((v) => v.startsWith(`tk1:${userId}:`));
  const left = await keysInStore(blobs);
  return {
    underOldKey: sealed.map((v) => openFound(oldKey, v) ?? '').join('\n'),
    openedByKeysLeft: sealed.map((v) => left.map((k) => openFound(k, v) ?? '').join('\n')).join('\n'),
  };
}
