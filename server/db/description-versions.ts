import type { Knex } from 'knex';
import type { DescriptionRow, EditableFields } from './descriptions';
import type { DescribeOptions } from '../describers/types';
import { DESCRIPTION_TEXT, VERSION_TEXT, sealColumns } from './text-codec';

/** The fields a person can edit, named as the edit form and the API name them. */
export const EDITABLE_FIELDS = ['alt_text', 'caption', 'title', 'description', 'tags', 'filename', 'text', 'decorative'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

export type VersionOrigin = 'generated' | 'edited' | 'restored';
export type VersionState = 'applied' | 'waiting' | 'held';

/** The columns of `descriptions` a version keeps, so restoring one brings back the result exactly. */
const SNAPSHOT_COLUMNS = [
  'alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text', 'decorative', 'manifest_json',
  'describer', 'model', 'prompt_version', 'input_tokens', 'output_tokens', 'duration_ms', 'draft', 'notes_json', 'edited_at',
] as const;
export type Snapshot = Pick<DescriptionRow, (typeof SNAPSHOT_COLUMNS)[number]>;

export interface VersionRow extends Snapshot {
  id: number;
  image_id: string;
  user_id: number;
  number: number;
  origin: VersionOrigin;
  restored_from: number | null;
  edited_by: number | null;
  state: VersionState;
  human_fields_json: string;
  options_json: string | null;
  created_at: number;
}

const TABLE = 'description_versions';

function snapshotOf(row: Snapshot): Snapshot {
  return Object.fromEntries(SNAPSHOT_COLUMNS.map((c) => [c, row[c]])) as Snapshot;
}

export function humanFields(version: Pick<VersionRow, 'human_fields_json'> | undefined): EditableField[] {
  if (!version) return [];
  try {
    const parsed: unknown = JSON.parse(version.human_fields_json);
    return Array.isArray(parsed) ? EDITABLE_FIELDS.filter((f) => parsed.includes(f)) : [];
  } catch {
    return [];
  }
}

/** The options a generated version was made with; a pattern is named, not copied (its schema can be long). */
export function optionsForHistory(options: DescribeOptions): string {
  const { pattern, ...rest } = options;
  return JSON.stringify(pattern ? { ...rest, pattern: { id: pattern.id, version: pattern.version, name: pattern.name } } : rest);
}

async function nextNumber(trx: Knex, imageId: string): Promise<number> {
  const row = await trx(TABLE).where({ image_id: imageId }).max({ n: 'number' }).first();
  return Number(row?.n ?? 0) + 1;
}

type NewVersion = Omit<VersionRow, 'id' | 'number' | 'restored_from' | 'edited_by' | 'options_json'> &
  Partial<Pick<VersionRow, 'restored_from' | 'edited_by' | 'options_json'>>;

async function addVersion(trx: Knex, version: NewVersion): Promise<number> {
  const number = await nextNumber(trx, version.image_id);
  await trx(TABLE).insert(await sealColumns(trx, version.user_id, { ...version, number }, VERSION_TEXT));
  return number;
}

/**
 * The version the current result is: the newest applied one. A result stored without history (before
 * this table existed, or written directly) first becomes a version of its own, so no text is lost.
 */
async function currentVersion(trx: Knex, imageId: string): Promise<VersionRow | undefined> {
  const latest: VersionRow | undefined = await trx(TABLE).where({ image_id: imageId, state: 'applied' }).orderBy('number', 'desc').first();
  if (latest) return latest;
  const row: DescriptionRow | undefined = await trx('descriptions').where({ image_id: imageId }).first();
  if (!row) return undefined;
  const edited = row.edited_at !== null;
  await addVersion(trx, {
    ...snapshotOf(row),
    image_id: imageId,
    user_id: row.user_id,
    origin: edited ? 'edited' : 'generated',
    edited_by: edited ? row.user_id : null,
    state: 'applied',
    human_fields_json: JSON.stringify(edited ? EDITABLE_FIELDS : []),
    created_at: row.updated_at,
  });
  return trx(TABLE).where({ image_id: imageId, state: 'applied' }).orderBy('number', 'desc').first();
}

export interface GeneratedResult {
  imageId: string;
  userId: number;
  /** The describer's answer as `descriptions` columns (see descriptionColumns). */
  columns: Omit<DescriptionRow, 'image_id' | 'created_at'>;
  optionsJson: string | null;
  /** The person confirmed, for this image, that the new text may replace their edits. */
  replaceEdits: boolean;
  now: number;
}

/**
 * Stores a generated result inside the caller's transaction. It becomes the current result unless a
 * person wrote any field of the current one (and did not confirm replacing it): then the whole new
 * result waits as a version for them to choose, and the current result is left exactly as it is.
 * Answers whether the new text became current.
 */
export async function storeGeneratedResult(trx: Knex.Transaction, r: GeneratedResult): Promise<{ applied: boolean }> {
  const current = await currentVersion(trx, r.imageId);
  const keepEdits = !r.replaceEdits && humanFields(current).length > 0;
  // A newer result supersedes one still waiting.
  await trx(TABLE).where({ image_id: r.imageId, state: 'waiting' }).update({ state: 'held' });
  await addVersion(trx, {
    ...snapshotOf(r.columns),
    image_id: r.imageId,
    user_id: r.userId,
    origin: 'generated',
    state: keepEdits ? 'waiting' : 'applied',
    human_fields_json: '[]',
    options_json: r.optionsJson,
    created_at: r.now,
  });
  if (keepEdits) return { applied: false };
  const columns = await sealColumns(trx, r.userId, r.columns, DESCRIPTION_TEXT, r.columns);
  await trx('descriptions')
    .insert({ image_id: r.imageId, ...columns, created_at: r.now })
    .onConflict('image_id')
    .merge(columns);
  return { applied: true };
}

function changedFields(row: DescriptionRow, next: EditableFields): EditableField[] {
  return EDITABLE_FIELDS.filter((field) => {
    if (field === 'tags') return row.tags_json !== next.tags_json;
    if (field === 'decorative') return Boolean(row.decorative) !== next.decorative;
    return row[field] !== next[field];
  });
}

export type EditOutcome = 'missing' | 'unchanged' | 'saved';

/**
 * A person's save: the changed fields become current and a version records them, with every field
 * that person has written so far. A save that changes nothing writes nothing.
 */
export async function saveEdit(db: Knex, userId: number, imageId: string, fields: EditableFields, now: number): Promise<EditOutcome> {
  return db.transaction(async (trx) => {
    const row: DescriptionRow | undefined = await trx('descriptions').where({ image_id: imageId, user_id: userId }).first();
    if (!row) return 'missing';
    const changed = changedFields(row, fields);
    if (changed.length === 0) return 'unchanged';
    const current = await currentVersion(trx, imageId);
    const written = new Set([...humanFields(current), ...changed]);
    const changes = await sealColumns(trx, userId, { ...fields, edited_at: now, updated_at: now }, DESCRIPTION_TEXT, { ...row, ...fields });
    await trx('descriptions').where({ image_id: imageId, user_id: userId }).update(changes);
    await addVersion(trx, {
      ...snapshotOf({ ...row, ...fields, edited_at: now }),
      image_id: imageId,
      user_id: userId,
      origin: 'edited',
      edited_by: userId,
      state: 'applied',
      human_fields_json: JSON.stringify(EDITABLE_FIELDS.filter((f) => written.has(f))),
      created_at: now,
    });
    return 'saved';
  });
}

export type RestoreOutcome = 'missing' | 'current' | 'restored';

/** Makes an earlier (or the waiting) version the current result again, as a new version. Owner-scoped. */
export async function restoreVersion(db: Knex, userId: number, imageId: string, number: number, now: number): Promise<RestoreOutcome> {
  return db.transaction(async (trx) => {
    const version: VersionRow | undefined = await trx(TABLE).where({ image_id: imageId, user_id: userId, number }).first();
    if (!version) return 'missing';
    const current = await currentVersion(trx, imageId);
    if (current?.number === number) return 'current';
    const restored = await sealColumns(trx, userId, { ...snapshotOf(version), updated_at: now }, DESCRIPTION_TEXT, { ...version });
    const updated = await trx('descriptions').where({ image_id: imageId, user_id: userId }).update(restored);
    if (updated === 0) return 'missing';
    await addVersion(trx, {
      ...snapshotOf(version),
      image_id: imageId,
      user_id: userId,
      origin: 'restored',
      restored_from: number,
      edited_by: userId,
      state: 'applied',
      human_fields_json: version.human_fields_json,
      created_at: now,
    });
    // Choosing the current text answers a new description that was waiting, whichever version won.
    await trx(TABLE).where({ image_id: imageId, state: 'waiting' }).update({ state: 'held' });
    return 'restored';
  });
}

/** The version waiting for the person's choice, if any. */
export async function waitingVersion(db: Knex, userId: number, imageId: string): Promise<VersionRow | undefined> {
  return db(TABLE).where({ image_id: imageId, user_id: userId, state: 'waiting' }).first();
}

/** The person keeps their edits: the waiting version stays in the history only. */
export async function setWaitingAside(db: Knex, userId: number, imageId: string): Promise<number> {
  return db(TABLE).where({ image_id: imageId, user_id: userId, state: 'waiting' }).update({ state: 'held' });
}

/** The fields a person wrote in the current result ([] when it is all generated text). */
export async function currentHumanFields(db: Knex, userId: number, imageId: string): Promise<EditableField[]> {
  const latest: VersionRow | undefined = await db(TABLE).where({ image_id: imageId, user_id: userId, state: 'applied' }).orderBy('number', 'desc').first('human_fields_json');
  if (latest) return humanFields(latest);
  const row = await db('descriptions').where({ image_id: imageId, user_id: userId }).first('edited_at');
  return row?.edited_at ? [...EDITABLE_FIELDS] : [];
}

/** Every version of the given images, owner-scoped, newest first per image. */
export async function versionsFor(db: Knex, userId: number, imageIds: string[]): Promise<Map<string, VersionRow[]>> {
  const found = new Map<string, VersionRow[]>();
  // SQLite caps bound variables per statement; 500 ids at a time stays far below it.
  for (let i = 0; i < imageIds.length; i += 500) {
    const rows: VersionRow[] = await db(TABLE).where({ user_id: userId }).whereIn('image_id', imageIds.slice(i, i + 500)).orderBy([{ column: 'image_id' }, { column: 'number', order: 'desc' }]);
    for (const row of rows) {
      const list = found.get(row.image_id);
      if (list) list.push(row);
      else found.set(row.image_id, [row]);
    }
  }
  return found;
}
