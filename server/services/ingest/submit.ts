import type { Deps } from '../../deps';
import type { DescribeOptions } from '../../describers/types';
import { readDescribeDefaults, saveDescribeDefaults } from '../../db/describe-defaults';
import { parseDescribeOptions, readStoredOptions } from './options';
import { createBatch, discardUploads, PreparedUpload } from '.';
import { assertWithinQuota } from '../usage';
import { HttpError } from '../../middleware/errors';
import { patternSpec } from '../../patterns';

/** The options the upload form starts from: what the user chose to keep, else the app defaults. */
export async function describeDefaults(deps: Deps, userId: number): Promise<DescribeOptions> {
  return readStoredOptions(await readDescribeDefaults(deps.db, userId));
}

/**
 * The options an upload form sent, over the account's defaults, with the pattern it chose
 * (`pattern_id`; another account's pattern is "not found").
 */
export async function formOptions(deps: Deps, userId: number, form: Record<string, unknown>): Promise<DescribeOptions> {
  const options = parseDescribeOptions(form, await describeDefaults(deps, userId));
  const patternId = typeof form.pattern_id === 'string' ? form.pattern_id.trim() : '';
  if (patternId) options.pattern = await patternSpec(deps, userId, patternId);
  return options;
}

/**
 * "Keep these options as my defaults": the pattern, a link's destination and the text beside the
 * images belong to one upload's page, never kept as defaults.
 */
export async function rememberOptions(deps: Deps, userId: number, options: DescribeOptions): Promise<void> {
  const { pattern: _pattern, linkTarget: _linkTarget, surroundingText: _surroundingText, ...kept } = options;
  await saveDescribeDefaults(deps.db, userId, JSON.stringify(kept));
}

export interface Submitted {
  batchId: string;
  accepted: number;
  refused: number;
}

/**
 * The upload form's submission: options checked against the account defaults, a batch created from
 * the prepared files, and the options kept as the new defaults when the user asked for that.
 * A refusal (no file, over the quota, a bad option) throws an HttpError whose message is for the
 * user, after the stored working copies are removed again.
 */
export async function submitUpload(deps: Deps, userId: number, uploads: PreparedUpload[], form: Record<string, unknown>): Promise<Submitted> {
  let options: DescribeOptions;
  try {
    if (uploads.length === 0) throw new HttpError(400, 'Choose at least one image to upload.', 'no_files');
    // Checked early, before the options, so an account over its quota hears that first.
    await assertWithinQuota(deps, userId, uploads.filter((upload) => upload.status === 'ready').length);
    options = await formOptions(deps, userId, form);
  } catch (err) {
    await discardUploads(deps, uploads);
    throw err;
  }
  const name = typeof form.name === 'string' ? form.name.trim() : '';
  // createBatch counts the quota again in its transaction, for uploads that raced this one.
  const { batchId } = await createBatch(deps, { userId, uploads, options, name });
  if (form.remember === 'on') await rememberOptions(deps, userId, options);
  const refused = uploads.filter((upload) => upload.status === 'refused').length;
  return { batchId, accepted: uploads.length - refused, refused };
}
