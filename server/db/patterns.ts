import type { Db } from './knex';

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
  name: string;
  instructions: string;
  schema_json: string;
  created_at: number;
}

export async function insertPattern(db: Db, pattern: PatternRow, version: PatternVersionRow): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('patterns').insert(pattern);
    await trx('pattern_versions').insert(version);
  });
}

/** Owner-scoped and live: deleted patterns read as missing. */
export function findPattern(db: Db, userId: number, id: string): Promise<PatternRow | undefined> {
  return db<PatternRow>('patterns').where({ id, user_id: userId }).whereNull('deleted_at').first();
}

export function listPatternRows(db: Db, userId: number): Promise<PatternRow[]> {
  return db<PatternRow>('patterns').where({ user_id: userId }).whereNull('deleted_at').orderBy('name');
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
    await trx('pattern_versions').insert(version);
    await trx('patterns').where({ id: version.pattern_id, user_id: userId }).update({ name: version.name, current_version: version.version, updated_at: version.created_at });
  });
}

/** Kept as a tombstone so manifests made with it still name their pattern and version. */
export async function markPatternDeleted(db: Db, userId: number, id: string, now: number): Promise<boolean> {
  return (await db('patterns').where({ id, user_id: userId }).whereNull('deleted_at').update({ deleted_at: now, updated_at: now })) > 0;
}
