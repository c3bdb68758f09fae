import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { insertUsageEvents } from '../../db/usage';
import { assertWithinQuota } from '../usage';
import { describeDefaults } from '../ingest/submit';
import { AnonymousDescribeError, describeInMemory } from '../zero-retention/anonymous';
import { BusyError } from '../zero-retention';
import { RefusedImageError } from '../ingest/prepare';
import type { WorkspaceContext } from '../../workspaces/context';
import { carriesText, embedMetadataParts, fieldsOf } from '.';

/**
 * "Return my file with the text written in": the upload is described in memory with the workspace's
 * default options and handed back with the text inside it, pixels and other metadata untouched.
 * Nothing is stored: no image, no text, no working copy; only the month's usage counts it.
 */
export async function describeIntoFile(deps: Deps, workspace: WorkspaceContext, bytes: Buffer, source: 'web' | 'api'): Promise<Buffer[]> {
  if (!carriesText(bytes)) throw new HttpError(415, 'Only JPEG, PNG, WebP and TIFF files can carry the text. Nothing was kept.', 'unsupported_file');
  await assertWithinQuota(deps, workspace.id);
  const options = await describeDefaults(deps, workspace.id);
  const description = await describeInMemory(deps, bytes, options);
  const parts = embedMetadataParts(bytes, fieldsOf(description, options.language));
  await insertUsageEvents(deps.db, [{ user_id: workspace.id, image_id: null, kind: 'description.created', source, created_at: deps.clock.now().getTime() }]);
  return parts;
}

/** What a person is told when the in-memory describe could not be done: busy, refused file, describer. */
export function inMemoryFailure(err: unknown): unknown {
  if (err instanceof BusyError) return new HttpError(503, err.message, 'busy');
  if (err instanceof RefusedImageError) return new HttpError(415, `${err.message} Nothing was kept.`, 'image_refused');
  if (err instanceof AnonymousDescribeError) return new HttpError(502, `${err.message} Nothing was kept.`, 'describer_failed');
  return err;
}
