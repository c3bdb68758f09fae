import crypto from 'node:crypto';
import type { Deps } from '../deps';
import type { PatternSpec } from '../describers/types';
import { HttpError } from '../middleware/errors';
import { addVersion, findPattern, findVersion, insertPattern, listPatternRows, listVersions, markPatternDeleted, type PatternVersionRow } from '../db/patterns';
import { parseStrictSchema, SchemaSubsetError } from './schema-subset';

export { SCHEMA_LIMITS, SchemaSubsetError } from './schema-subset';

export interface PatternInput {
  name: string;
  instructions: string;
  /** The JSON Schema as text, as typed into the form or sent by the API. */
  schema: string;
}

export interface PatternView {
  id: string;
  name: string;
  version: number;
  instructions: string;
  schema: Record<string, unknown>;
  schemaText: string;
  createdAt: number;
  updatedAt: number;
}

/** Field-by-field problems for the form; `schema` may hold several lines. */
export class PatternInputError extends HttpError {
  constructor(readonly fields: Record<string, string[]>) {
    super(400, Object.values(fields)[0][0], 'invalid_pattern');
  }
}

function checkInput(input: PatternInput): { name: string; instructions: string; schema: Record<string, unknown> } {
  const fields: Record<string, string[]> = {};
  const name = String(input.name ?? '').trim();
  const instructions = String(input.instructions ?? '').trim();
  if (!name || name.length > 100) fields.name = ['Give the pattern a name of 1 to 100 characters.'];
  if (instructions.length > 2000) fields.instructions = ['Keep the instructions under 2000 characters.'];
  let schema: Record<string, unknown> = {};
  try {
    schema = parseStrictSchema(String(input.schema ?? ''));
  } catch (err) {
    if (!(err instanceof SchemaSubsetError)) throw err;
    fields.schema = err.problems;
  }
  if (Object.keys(fields).length) throw new PatternInputError(fields);
  return { name, instructions, schema };
}

function versionRow(patternId: string, version: number, checked: ReturnType<typeof checkInput>, now: number): PatternVersionRow {
  return { pattern_id: patternId, version, name: checked.name, instructions: checked.instructions, schema_json: JSON.stringify(checked.schema), created_at: now };
}

function toView(row: PatternVersionRow, createdAt: number): PatternView {
  const schema = JSON.parse(row.schema_json) as Record<string, unknown>;
  return {
    id: row.pattern_id,
    name: row.name,
    version: row.version,
    instructions: row.instructions,
    schema,
    schemaText: JSON.stringify(schema, null, 2),
    createdAt,
    updatedAt: Number(row.created_at),
  };
}

export async function createPattern(deps: Deps, userId: number, input: PatternInput): Promise<PatternView> {
  const checked = checkInput(input);
  const id = `pat_${crypto.randomBytes(12).toString('base64url')}`;
  const now = deps.clock.now().getTime();
  const version = versionRow(id, 1, checked, now);
  await insertPattern(deps.db, { id, user_id: userId, name: checked.name, current_version: 1, created_at: now, updated_at: now, deleted_at: null }, version);
  return toView(version, now);
}

/** The current version, or a given one (for a manifest's provenance). 404 for another user's. */
export async function getPattern(deps: Deps, userId: number, id: string, version?: number): Promise<PatternView> {
  const pattern = await findPattern(deps.db, userId, id);
  const row = pattern && (await findVersion(deps.db, id, version ?? pattern.current_version));
  if (!pattern || !row) throw new HttpError(404, 'No such pattern.', 'not_found');
  return toView(row, Number(pattern.created_at));
}

export async function listPatterns(deps: Deps, userId: number): Promise<PatternView[]> {
  const rows = await listPatternRows(deps.db, userId);
  return Promise.all(rows.map((p) => getPattern(deps, userId, p.id)));
}

export async function patternVersions(deps: Deps, userId: number, id: string): Promise<{ version: number; name: string; createdAt: number }[]> {
  await getPattern(deps, userId, id);
  return (await listVersions(deps.db, id)).map((v) => ({ version: v.version, name: v.name, createdAt: Number(v.created_at) }));
}

/** Editing never changes a version in place: it adds the next one, so earlier manifests keep theirs. */
export async function updatePattern(deps: Deps, userId: number, id: string, input: PatternInput): Promise<PatternView> {
  const current = await getPattern(deps, userId, id);
  const checked = checkInput(input);
  const unchanged = checked.name === current.name && checked.instructions === current.instructions && JSON.stringify(checked.schema) === JSON.stringify(current.schema);
  if (unchanged) return current;
  const row = versionRow(id, current.version + 1, checked, deps.clock.now().getTime());
  await addVersion(deps.db, userId, row);
  return toView(row, current.createdAt);
}

export async function deletePattern(deps: Deps, userId: number, id: string): Promise<void> {
  if (!(await markPatternDeleted(deps.db, userId, id, deps.clock.now().getTime()))) throw new HttpError(404, 'No such pattern.', 'not_found');
}

/** What a describer receives in `options.pattern`: the current version, frozen. */
export async function patternSpec(deps: Deps, userId: number, id: string): Promise<PatternSpec> {
  const view = await getPattern(deps, userId, id);
  return { id: view.id, version: view.version, name: view.name, instructions: view.instructions, schema: view.schema };
}
