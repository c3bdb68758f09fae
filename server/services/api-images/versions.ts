import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { findImage } from '../../db/images';
import { humanFields, versionsFor, type VersionRow } from '../../db/description-versions';
import { iso, parseJson, patternRef, presentResult, type ResultResource } from '../api-resources';

/** One version of an image's result, as `GET /api/v1/images/{id}/versions` lists it. */
export interface VersionResource {
  object: 'result_version';
  number: number;
  /** This version is the image's current result. */
  current: boolean;
  /** A generated result held back because a person had edited the image; it waits for their choice. */
  waiting: boolean;
  origin: VersionRow['origin'];
  restored_from: number | null;
  /** The account that saved or restored it; null for generated text. */
  edited_by: number | null;
  /** Fields a person wrote in this version. */
  human_fields: string[];
  /** The describe options a generated version was made with. */
  options: Record<string, unknown> | null;
  created_at: string;
  result: ResultResource;
}

export function presentVersion(row: VersionRow, currentNumber: number | undefined): VersionResource {
  const options = parseJson<Record<string, unknown> | null>(row.options_json, null);
  return {
    object: 'result_version',
    number: row.number,
    current: row.number === currentNumber,
    waiting: row.state === 'waiting',
    origin: row.origin,
    restored_from: row.restored_from,
    edited_by: row.edited_by,
    human_fields: humanFields(row),
    options,
    created_at: iso(row.created_at) as string,
    result: presentResult(row, patternRef(options ?? undefined)),
  };
}

/** Every version of the user's image, newest first; 404 for an image that is not theirs. */
export async function listApiImageVersions(deps: Deps, userId: number, imageId: string): Promise<{ data: VersionResource[] }> {
  if (!(await findImage(deps.db, userId, imageId))) throw new HttpError(404, 'No such image.', 'not_found');
  const rows = (await versionsFor(deps.db, userId, [imageId])).get(imageId) ?? [];
  const current = rows.find((r) => r.state === 'applied')?.number;
  return { data: rows.map((row) => presentVersion(row, current)) };
}
