import type { Deps } from '../../deps';
import type { DescribeOptions } from '../../describers/types';
import { HttpError } from '../../middleware/errors';
import type { Resolver } from '../../net';
import { findBatch } from '../../db/batches';
import { addToBatch, createBatch, discardUploads, prepareUpload, type PreparedUpload } from '../ingest';
import { describeDefaults } from '../ingest/submit';
import { OptionsError, parseDescribeOptions, readStoredOptions } from '../ingest/options';
import { patternSpec } from '../../patterns';
import { assertWithinQuota } from '../usage';
import { loadImageResource, type ImageResource } from '../api-resources';
import { decodeBase64Image, downloadImage } from './source';

export interface ApiImageInput {
  /** A multipart file, already prepared by the upload storage engine. */
  upload?: PreparedUpload;
  fields: Record<string, unknown>;
}

/** JSON numbers and booleans arrive typed; the shared option parser reads form strings. */
export function asFormFields(fields: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      .map(([k, v]) => [k, String(v)]),
  );
}

async function resolveOptions(deps: Deps, userId: number, fields: Record<string, string>, base: DescribeOptions): Promise<DescribeOptions> {
  let options: DescribeOptions;
  try {
    options = parseDescribeOptions(fields, base);
  } catch (err) {
    if (err instanceof OptionsError) throw new HttpError(400, err.message, 'invalid_options');
    throw err;
  }
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
 * `POST /api/v1/images`: quota first (nothing is fetched for an account over it), then the bytes
 * (upload, base64 or URL) through the same preparation as the upload form, then one transaction of
 * image and job rows. A refused file creates nothing and answers 422 with the reason.
 */
export async function submitApiImage(deps: Deps, userId: number, input: ApiImageInput, resolve?: Resolver): Promise<ImageResource> {
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
    const imageId = batch
      ? await addToBatch(deps, { userId, batchId: batch.id, upload: ready, options })
      : (await createBatch(deps, { userId, uploads: [ready], options, name: fields.name ?? '' })).imageIds[0];
    if (!imageId) throw new HttpError(404, 'No such batch.', 'not_found');
    deps.queue.nudge();
    return (await loadImageResource(deps, userId, imageId)) as ImageResource;
  } finally {
    if (upload) await discardUploads(deps, [upload]);
  }
}

const FINISHED = new Set(['done', 'failed', 'cancelled', 'refused']);

export function isFinished(image: ImageResource): boolean {
  return FINISHED.has(image.status);
}

/**
 * Waits up to `seconds` for the image to finish, on the queue's events (no polling). The listener is
 * attached before the status is read again, so a completion in between is not missed.
 */
export async function waitForImage(deps: Deps, userId: number, imageId: string, seconds: number): Promise<ImageResource | undefined> {
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      offCompleted();
      offFailed();
      resolve();
    };
    const match = (event: { imageId: string }) => event.imageId === imageId && done();
    const offCompleted = deps.events.on('image.completed', match);
    const offFailed = deps.events.on('image.failed', match);
    const timer = setTimeout(done, seconds * 1000);
    loadImageResource(deps, userId, imageId).then((image) => (!image || isFinished(image)) && done(), done);
  });
  return loadImageResource(deps, userId, imageId);
}
