import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import type { Resolver } from '../../net';
import { MAX_FILES_PER_UPLOAD } from '../../middleware/upload';
import { mediaByIds, mediaOfQualities, setMediaImages, type MediaRow } from '../../db/wordpress-scans';
import { createBatch, discardUploads, prepareUpload, type PreparedUpload } from '../ingest';
import { describeDefaults } from '../ingest/submit';
import { assertWithinQuota } from '../usage';
import { downloadImage } from '../api-images/source';
import { OPTION_LIMITS } from '../ingest/options';
import { wpCall, type Credentials } from './client';
import { loadSite, siteCredentials } from './connect';

/** Images fetched at once from the site: enough to keep it moving, few enough to be polite. */
const FETCH_AT_ONCE = 4;

export interface DescribedSelection {
  batchId: string;
  accepted: number;
  /** Images that could not be fetched, with the reason; they are not in the batch. */
  unreachable: { mediaId: number; reason: string }[];
  /** Chosen images left for the next run (a batch holds MAX_FILES_PER_UPLOAD). */
  remaining: number;
}

/** The titles of the posts and pages the images are attached to: the context a describer gets. */
async function parentTitles(deps: Pick<Deps, 'config'>, creds: Credentials, media: MediaRow[], resolve?: Resolver): Promise<Map<number, string>> {
  const ids = [...new Set(media.map((m) => m.parent_post).filter((id): id is number => Boolean(id)))];
  const titles = new Map<number, string>();
  for (const type of ['posts', 'pages']) {
    for (let i = 0; i < ids.length; i += 100) {
      const wanted = ids.slice(i, i + 100).filter((id) => !titles.has(id));
      if (wanted.length === 0) continue;
      try {
        const { body } = await wpCall<{ id: number; title?: { raw?: string; rendered?: string } }[]>(deps, creds, 'GET', `/wp/v2/${type}?include=${wanted.join(',')}&per_page=100&context=edit&_fields=id,title&status=any`, undefined, resolve);
        for (const p of body) titles.set(p.id, String(p.title?.raw ?? p.title?.rendered ?? '').slice(0, OPTION_LIMITS.contextMax));
      } catch {
        // Context helps but is not needed: the images are described without it.
      }
    }
  }
  return titles;
}

/**
 * Describes the chosen images of a scan (by default every one without good alt text and not yet
 * described) as a new batch: each is fetched from its `source_url` through the outgoing-address guard,
 * described in the site's language with its post's title as context. An image that fails is reported.
 */
export async function describeSelection(
  deps: Deps,
  userId: number,
  siteId: string,
  choice: { mediaIds?: number[]; qualities?: string[] } = {},
  resolve?: Resolver,
): Promise<DescribedSelection> {
  const site = await loadSite(deps, userId, siteId);
  const creds = siteCredentials(deps, site);
  const chosen = (choice.mediaIds ? await mediaByIds(deps.db, userId, siteId, choice.mediaIds) : await mediaOfQualities(deps.db, userId, siteId, choice.qualities ?? ['missing', 'weak']))
    .filter((m) => choice.mediaIds || !m.image_id);
  if (chosen.length === 0) throw new HttpError(400, 'No image to describe: every chosen image has good alt text or was described already.', 'nothing_chosen');
  const media = chosen.slice(0, MAX_FILES_PER_UPLOAD);
  await assertWithinQuota(deps, userId, media.length);
  const titles = await parentTitles(deps, creds, media, resolve);
  const fetched: (PreparedUpload | undefined)[] = new Array(media.length);
  const unreachable: DescribedSelection['unreachable'] = [];
  let next = 0;
  const fetchNext = async (): Promise<void> => {
    for (let i = next++; i < media.length; i = next++) {
      try {
        const { bytes, name } = await downloadImage(deps, media[i].source_url, resolve);
        fetched[i] = await prepareUpload(deps, bytes, name);
      } catch (err) {
        if (!(err instanceof HttpError)) throw err;
        unreachable.push({ mediaId: media[i].media_id, reason: err.message.replace(/^image_url: /, '') });
      }
    }
  };
  const kept = () => fetched.flatMap((upload, i) => (upload ? [{ upload, item: media[i] }] : []));
  try {
    await Promise.all(Array.from({ length: FETCH_AT_ONCE }, fetchNext));
    if (kept().length === 0) throw new HttpError(422, `None of the ${media.length} images could be fetched from the site: ${unreachable[0]?.reason ?? ''}`, 'nothing_fetched');
  } catch (err) {
    await discardUploads(deps, kept().map((k) => k.upload));
    throw err;
  }
  const ready = kept();
  const defaults = await describeDefaults(deps, userId);
  const { batchId, imageIds } = await createBatch(deps, {
    userId,
    uploads: ready.map((k) => k.upload),
    options: { ...defaults, language: site.language },
    imageOptions: ready.map(({ item }) => {
      const title = item.parent_post ? titles.get(item.parent_post) : undefined;
      return title ? { context: { ...defaults.context, title } } : undefined;
    }),
    name: `WordPress: ${site.site_name || site.site_url}`,
  });
  await setMediaImages(deps.db, userId, siteId, ready.map((k, i) => ({ mediaId: k.item.media_id, imageId: imageIds[i] })));
  return { batchId, accepted: ready.filter((k) => k.upload.status === 'ready').length, unreachable, remaining: chosen.length - media.length };
}
