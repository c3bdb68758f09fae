import type { Knex } from 'knex';
import type { Deps } from '../../deps';
import type { MarkResource } from '../idempotency';
import type { DescribeOptions } from '../../describers/types';
import { HttpError } from '../../middleware/errors';
import type { Resolver } from '../../net';
import { findBatch } from '../../db/batches';
import { addToBatch, createBatch, discardUploads, prepareUpload, type PreparedUpload } from '../ingest';
import { describeDefaults } from '../ingest/submit';
import { parseDescribeOptions, readStoredOptions } from '../ingest/options';
import { patternSpec } from '../../patterns';
import { assertWithinQuota } from '../usage';
import { loadImageResource, type ImageResource } from '../api-resources';
import { decodeBase64Image, downloadImage } from './source';
import { watchFinishes } from './wait';
import { countRetrieved } from './manage';

export interface ApiImageInput {
  /** A multipart file, already prepared by the upload storage engine. */
  upload?: PreparedUpload;
  fields: Record<string, unknown>;
}

/** JSON numbers and booleans arrive typed; the shared option parser reads form strings (a list, as a form sends it: comma-separated). */
export function asFormFields(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || (Array.isArray(v) && v.every((x) => typeof x === 'string')))
      .map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : String(v)]),
  );
}

async function resolveOptions(deps: Deps, userId: number, fields: Record<string, string>, base: DescribeOptions): Promise<DescribeOptions> {
  const options = parseDescribeOptions(fields, base);
  if (fields.pattern_id) options.pattern = await patternSpec(deps, userId, fields.pattern_id);
  return options;
}

async function readSource(deps: Deps, input: ApiImageInput, resolve?: Resolver): Promise<PreparedUpload> {
  const base64 = input.fields.image_base64;
  const url = input.fields.image_url;
  const given = [input.upload, base64, url].filter((v) => v !== undefined && v !== '').length;
  if (given !== 1) throw new HttpError(400, 'Send exactly one image: a multipart file "image", or "image_base64", or "image_url".', 'invalid_image');
  if (input.upload) return input.upload;
  if (typeof base64 === 'string') return prepareUpload(deps, decodeBase64Image(deps, base64), typeof input.fields.filename === 'string' ? input.fields.filename : 'image');
  if (typeof url !== 'string') throw new HttpError(400, 'image_url must be a string.', 'invalid_image');
  const { bytes, name } = await downloadImage(deps, url, resolve);
  return prepareUpload(deps, bytes, name);
}

/**
 * Accepts one image for `POST /api/v1/images`: quota first (nothing is fetched for an account over
 * it), then the bytes (upload, base64 or URL) through the same preparation as the upload form, then
 * one transaction of image and job rows (which wakes the worker). A refused file creates nothing and
 * answers 422 with the reason.
 */
async function acceptApiImage(deps: Deps, userId: number, input: ApiImageInput, resolve?: Resolver, mark?: MarkResource): Promise<{ imageId: string; batchId: string }> {
  const inTransaction = mark ? (trx: Knex.Transaction, [imageId]: string[]) => mark(trx, imageId!) : undefined;
  let upload: PreparedUpload | undefined = input.upload;
  try {
    await assertWithinQuota(deps, userId);
    const fields = asFormFields(input.fields);
    const batch = fields.batch_id ? await findBatch(deps.db, userId, fields.batch_id) : undefined;
    if (fields.batch_id && !batch) throw new HttpError(404, 'No such batch.', 'not_found');
    const options = await resolveOptions(deps, userId, fields, batch ? readStoredOptions(batch.options_json) : await describeDefaults(deps, userId));
    upload = await readSource(deps, input, resolve);
    if (upload.status === 'refused') throw new HttpError(422, upload.error, 'image_refused');
    const ready = upload;
    upload = undefined; // from here the ingest service owns the working copy
    if (batch) {
      const imageId = await addToBatch(deps, { userId, batchId: batch.id, upload: ready, options, inTransaction });
      if (!imageId) throw new HttpError(404, 'No such batch.', 'not_found');
      return { imageId, batchId: batch.id };
    }
    const created = await createBatch(deps, { userId, uploads: [ready], options, name: fields.name ?? '', inTransaction });
    return { imageId: created.imageIds[0], batchId: created.batchId };
  } finally {
    if (upload) await discardUploads(deps, [upload]);
  }
}

const FINISHED = new Set(['done', 'failed', 'cancelled', 'refused']);

export function isFinished(image: ImageResource): boolean {
  return FINISHED.has(image.status);
}

/**
 * `POST /api/v1/images`, optionally waiting up to `waitSeconds` for the result. The watch starts
 * before the enqueue, so the wait ends on the completion event itself; the answer is then read from
 * the database once. A finished result handed over counts as retrieved.
 */
export async function submitApiImage(deps: Deps, userId: number, input: ApiImageInput, waitSeconds = 0, resolve?: Resolver, mark?: MarkResource): Promise<ImageResource> {
  const finishes = waitSeconds > 0 ? watchFinishes(deps, userId) : undefined;
  let imageId: string;
  try {
    const accepted = await acceptApiImage(deps, userId, input, resolve, mark);
    imageId = accepted.imageId;
    await finishes?.until(accepted.imageId, accepted.batchId, waitSeconds);
  } finally {
    finishes?.stop();
  }
  const image = await loadImageResource(deps, userId, imageId);
  if (!image) throw new HttpError(404, 'No such image.', 'not_found');
  if (isFinished(image)) countRetrieved(deps, userId, [image]);
  return image;
}
