import { z } from 'zod';
import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { cancelBatchJobs, requeueImage } from '../../queue/batch-control';
import type { DescribeOptions } from '../../describers/types';
import { assertWithinQuota } from '../usage';
import { currentHumanFields } from '../../db/description-versions';
import { patternSpec } from '../../patterns';

/** Cancels a batch: what has not started never will, what is running is aborted. 404 if not the user's. */
export async function cancelBatch(deps: Deps, userId: number, batchId: string): Promise<{ cancelled: number }> {
  const result = await cancelBatchJobs(deps.db, userId, batchId, deps.clock.now().getTime());
  if (!result) throw new HttpError(404, 'Not found', 'not_found');
  deps.queue.abortJobs(result.runningJobIds);
  deps.events.emit('batch.cancelled', { batchId, userId });
  return { cancelled: result.cancelled };
}

/**
 * Describes an image again, optionally with other options or instructions; 404 if not the user's, 429
 * over the quota. When a person has edited the image's text, the new text waits for their choice
 * unless `replaceEdits` says they confirmed, for this image, that it may replace their edits.
 * Answers whether their edits will be kept.
 */
export async function regenerateImage(
  deps: Deps,
  userId: number,
  imageId: string,
  options: Partial<DescribeOptions> = {},
  { replaceEdits = false }: { replaceEdits?: boolean } = {},
): Promise<{ batchId: string; keepsEdits: boolean }> {
  const result = await requeueImage(deps.db, userId, imageId, options, deps.clock.now().getTime(), (trx, adding) => assertWithinQuota(deps, userId, adding, trx), replaceEdits);
  if (result.outcome === 'not_found') throw new HttpError(404, 'Not found', 'not_found');
  if (result.outcome === 'gone') {
    throw new HttpError(409, 'This image is no longer stored (its retention period ended), so it cannot be described again.', 'image_gone');
  }
  deps.queue.abortJobs(result.runningJobIds);
  deps.events.emit('image.queued', { imageId, batchId: result.batchId, userId });
  deps.queue.nudge();
  const keepsEdits = !replaceEdits && (await currentHumanFields(deps.db, userId, imageId)).length > 0;
  return { batchId: result.batchId, keepsEdits };
}

/** The "replace my edits for this image" box of the form, or `replace_edits: true` from the API. */
export function parseReplaceEdits(body: unknown): boolean {
  const value = (body as Record<string, unknown> | undefined)?.replace_edits;
  if (value === undefined || value === false || value === '' || value === 'false') return false;
  if (value === true || value === 'on' || value === 'true') return true;
  throw new HttpError(400, 'replace_edits must be true or false.', 'invalid_options');
}

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalText = (max: number) => z.preprocess(blankToUndefined, z.string().trim().max(max).optional());

/** Form fields a regenerate request may carry; blank fields keep the batch's own options. */
export const regenerateFormSchema = z.object({
  language: z.preprocess(blankToUndefined, z.string().regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'language must be a language code such as en or pt-BR').optional()),
  altTextLength: z.preprocess(blankToUndefined, z.coerce.number().int().min(20).max(1000).optional()),
  tagCount: z.preprocess(blankToUndefined, z.coerce.number().int().min(0).max(50).optional()),
  style: z.preprocess(blankToUndefined, z.enum(['concise', 'descriptive', 'product']).optional()),
  instructions: optionalText(2000),
  title: optionalText(300),
  keywords: optionalText(500),
  product: optionalText(200),
  brand: optionalText(200),
  purpose: z.preprocess(blankToUndefined, z.enum(['informative', 'linked', 'functional', 'decorative', 'complex']).optional()),
  linkTarget: optionalText(500),
  surroundingText: optionalText(2000),
});

/** Turns a regenerate form (or JSON body) into describe options; a bad value is a 400 naming the field. */
export function parseRegenerateOptions(body: unknown): Partial<DescribeOptions> {
  const parsed = regenerateFormSchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new HttpError(400, `${issue.path.join('.') || 'options'}: ${issue.message}`, 'invalid_options');
  }
  const { title, keywords, product, brand, ...rest } = parsed.data;
  const options: Partial<DescribeOptions> = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const context = Object.fromEntries(Object.entries({ title, keywords, product, brand }).filter(([, v]) => v !== undefined));
  if (Object.keys(context).length) options.context = context;
  return options;
}

/** A "describe again" form's options with the pattern it chose (`pattern_id`), as the API takes them too. */
export async function regenerateOptionsWithPattern(deps: Deps, userId: number, body: Record<string, unknown>): Promise<Partial<DescribeOptions>> {
  const { pattern_id: patternId, ...rest } = body;
  const options = parseRegenerateOptions(rest);
  if (typeof patternId === 'string' && patternId.trim()) options.pattern = await patternSpec(deps, userId, patternId.trim());
  return options;
}
