import type { Deps } from '../../deps';
import type { DescribeOptions } from '../../describers/types';
import { readDescribeDefaults, saveDescribeDefaults } from '../../db/describe-defaults';
import { parseDescribeOptions, readStoredOptions, OptionsError } from './options';
import { createBatch, discardUploads, PreparedUpload } from '.';
import { QuotaExceededError, quotaRefusal } from '../usage';

/** The options the upload form starts from: what the user chose to keep, else the app defaults. */
export async function describeDefaults(deps: Deps, userId: number): Promise<DescribeOptions> {
  return readStoredOptions(await readDescribeDefaults(deps.db, userId));
}

export type SubmitResult = { ok: true; batchId: string; accepted: number; refused: number } | { ok: false; error: string };

/**
 * The upload form's submission: options checked against the account defaults, a batch created from
 * the prepared files, and the options kept as the new defaults when the user asked for that.
 * On any refusal the stored working copies are removed again.
 */
export async function submitUpload(deps: Deps, userId: number, uploads: PreparedUpload[], form: Record<string, unknown>): Promise<SubmitResult> {
  if (uploads.length === 0) return { ok: false, error: 'Choose at least one image to upload.' };
  const overQuota = await quotaRefusal(deps, userId, uploads.filter((upload) => upload.status === 'ready').length);
  if (overQuota) {
    await discardUploads(deps, uploads);
    return { ok: false, error: overQuota };
  }
  let options: DescribeOptions;
  try {
    options = parseDescribeOptions(form, await describeDefaults(deps, userId));
  } catch (err) {
    await discardUploads(deps, uploads);
    if (err instanceof OptionsError) return { ok: false, error: err.message };
    throw err;
  }
  const name = typeof form.name === 'string' ? form.name.trim() : '';
  let batchId: string;
  try {
    ({ batchId } = await createBatch(deps, { userId, uploads, options, name }));
  } catch (err) {
    // Another upload took the last of the quota since the check above.
    if (err instanceof QuotaExceededError) return { ok: false, error: err.message };
    throw err;
  }
  if (form.remember === 'on') await saveDescribeDefaults(deps.db, userId, JSON.stringify(options));
  const refused = uploads.filter((upload) => upload.status === 'refused').length;
  return { ok: true, batchId, accepted: uploads.length - refused, refused };
}
