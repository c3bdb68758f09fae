import type { Deps } from '../deps';
import { HttpError } from '../middleware/errors';
import { createBatch, discardUploads, type PreparedUpload } from '../services/ingest';
import { describeDefaults } from '../services/ingest/submit';
import { assertWithinQuota } from '../services/usage';
import type { PatternSpec } from '../describers/types';
import { patternSpec } from '.';

async function checkTestRun(deps: Deps, userId: number, patternId: string, uploads: PreparedUpload[]): Promise<PatternSpec> {
  if (uploads.length !== 1) throw new HttpError(400, 'Choose one image to test the pattern on.', 'invalid_upload');
  if (uploads[0].status === 'refused') throw new HttpError(400, uploads[0].error, 'image_refused');
  const pattern = await patternSpec(deps, userId, patternId);
  await assertWithinQuota(deps, userId);
  return pattern;
}

/** Describes one uploaded image with the pattern's current version, as its own small batch. */
export async function testPatternOnImage(deps: Deps, userId: number, patternId: string, uploads: PreparedUpload[]): Promise<string> {
  let pattern: PatternSpec;
  try {
    pattern = await checkTestRun(deps, userId, patternId, uploads);
  } catch (err) {
    await discardUploads(deps, uploads);
    throw err;
  }
  const options = { ...(await describeDefaults(deps, userId)), pattern };
  const { imageIds } = await createBatch(deps, { userId, uploads, options, name: `Pattern test: ${pattern.name} v${pattern.version}` });
  return imageIds[0];
}
