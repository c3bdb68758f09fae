import type { Deps } from '../../deps';
import type { Resolver } from '../../net';
import { HttpError } from '../../middleware/errors';
import { MAX_FILES_PER_UPLOAD } from '../../middleware/upload';
import { createBatch, discardUploads, prepareUpload, type PreparedUpload } from '../ingest';
import { describeDefaults } from '../ingest/submit';
import { assertWithinQuota } from '../usage';
import { downloadImage } from '../api-images/source';

/** Images fetched at once: enough to keep a slow site from stalling the batch, few enough to be polite. */
const FETCH_AT_ONCE = 4;

/** An audit's web addresses that can be fetched (http or https), once each, at most a batch's worth. */
export function describableUrls(images: readonly string[]): string[] {
  const urls = images.filter((image) => /^https?:\/\//i.test(image));
  return [...new Set(urls)].slice(0, MAX_FILES_PER_UPLOAD);
}

export interface DescribedToFix {
  batchId: string;
  accepted: number;
  /** Addresses that could not be fetched, with the reason; they are not in the batch. */
  unreachable: { url: string; reason: string }[];
}

/**
 * Fetches the images an audit found wanting (through the outgoing-address guard, as `image_url` is)
 * and describes them as a new batch with the account's defaults. An address that fails is reported
 * and left out; the others go on.
 */
export async function describeToFix(deps: Deps, userId: number, images: readonly string[], resolve?: Resolver): Promise<DescribedToFix> {
  const urls = describableUrls(images);
  if (urls.length === 0) throw new HttpError(400, 'No web address to fetch: only images given as http or https addresses can be described from an audit.', 'no_urls');
  await assertWithinQuota(deps, userId, urls.length);
  // By the row's place, so the batch keeps the report's order however the fetches finish.
  const fetched: (PreparedUpload | undefined)[] = new Array(urls.length);
  const unreachable: DescribedToFix['unreachable'] = [];
  let next = 0;
  const fetchNext = async (): Promise<void> => {
    for (let i = next++; i < urls.length; i = next++) {
      try {
        const { bytes, name } = await downloadImage(deps, urls[i], resolve);
        fetched[i] = await prepareUpload(deps, bytes, name);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        unreachable.push({ url: urls[i], reason: err.message.replace(/^image_url: /, '').replace(/^image_url/, 'The address') });
      }
    }
  };
  const uploads = () => fetched.filter((upload): upload is PreparedUpload => upload !== undefined);
  try {
    await Promise.all(Array.from({ length: FETCH_AT_ONCE }, fetchNext));
    if (uploads().length === 0) throw new HttpError(422, `None of the ${urls.length} addresses could be fetched: ${unreachable[0]?.reason ?? ''}`, 'nothing_fetched');
  } catch (err) {
    await discardUploads(deps, uploads());
    throw err;
  }
  const ready = uploads();
  const { batchId } = await createBatch(deps, { userId, uploads: ready, options: await describeDefaults(deps, userId), name: `Audit: ${ready.length} images to fix` });
  return { batchId, accepted: ready.filter((upload) => upload.status === 'ready').length, unreachable };
}
