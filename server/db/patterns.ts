import type { Db } from './knex';
import { sealColumns } from './text-codec';
import { PATTERN_TEXT, PATTERN_VERSION_TEXT } from './sealed-tables';

export interface PatternRow {
  id: string;
  user_id: number;
  name: string;
  current_version: number;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

export interface PatternVersionRow {
  pattern_id: string;
  version: number;
  /** The pattern's owner, repeated so its text can be sealed and re-sealed under the owner's key. */
  user_id?: number;
  name: string;
  instructions: string;
  schema_json: string;
  created_at: number;
}

/** A pattern's name, instructions and schema are the person's text: sealed on PostgreSQL (text-codec.ts). */
export async function insertPattern(db: Db, pattern: PatternRow, version: PatternVersionRow): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('patterns').insert(await sealColumns(trx, pattern.user_id, pattern, PATTERN_TEXT));
    await trx('pattern_versions').insert(await sealColumns(trx, pattern.user_id, { ...version, user_id: pattern.user_id }, PATTERN_VERSION_TEXT));
  });
}

/** Owner-scoped and live: deleted patterns read as missing. */
export function findPattern(db: Db, userId: number, id: string): Promise<PatternRow | undefined> {
  return db<PatternRow>('patterns').where({ id, user_id: userId }).whereNull('deleted_at').first();
}

/** By name, sorted here: on PostgreSQL the names are sealed, so the database cannot order them. */
export async function listPatternRows(db: Db, userId: number): Promise<PatternRow[]> {
  const rows = await db<PatternRow>('patterns').where({ user_id: userId }).whereNull('deleted_at').orderBy('id');
  return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function findVersion(db: Db, patternId: string, version: number): Promise<PatternVersionRow | undefined> {
  return db<PatternVersionRow>('pattern_versions').where({ pattern_id: patternId, version }).first();
}

export function listVersions(db: Db, patternId: string): Promise<PatternVersionRow[]> {
  return db<PatternVersionRow>('pattern_versions').where({ pattern_id: patternId }).orderBy('version', 'desc');
}

/** A new version and the pointer to it, together; the old versions stay as they were. */
export async function addVersion(db: Db, userId: number, version: PatternVersionRow): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('pattern_versions').insert(await sealColumns(trx, userId, { ...version, user_id: userId }, PATTERN_VERSION_TEXT));
    const pointer = await sealColumns(trx, userId, { name: version.name, current_version: version.version, updated_at: version.created_at }, PATTERN_TEXT);
    await trx('patterns').where({ id: version.pattern_id, user_id: userId }).update(pointer);
  });
}

/** Kept as a tombstone so manifests made with it still name their pattern and version. */
export async function markPatternDeleted(db: Db, userId: number, id: string, now: number): Promise<boolean> {
  return (await db('patterns').where({ id, user_id: userId }).whereNull('deleted_at').update({ deleted_at: now, updated_at: now })) > 0;
}
