import type { Deps } from '../../deps';
import type { ImageEvent } from '../../events';
import { expireImageBlobs } from './expire-blobs';

/**
 * When an image finishes, sets its expiry at once, and deletes its working copy at once when the
 * retention is "immediately", rather than waiting for the next minute's tick.
 */
export function watchImageExpiry(deps: Deps): () => Promise<void> {
  // Work still running when the app stops is awaited, so the database is never closed under it.
  const inFlight = new Set<Promise<void>>();
  const onFinished = (event: ImageEvent) => {
    const work = expireImageBlobs(deps, { imageId: event.imageId })
      .then(() => undefined)
      .catch((err: unknown) => {
        deps.logger.error({ err, imageId: event.imageId }, 'could not apply retention to a finished image');
      })
      .finally(() => inFlight.delete(work));
    inFlight.add(work);
  };
  const offCompleted = deps.events.on('image.completed', onFinished);
  const offFailed = deps.events.on('image.failed', onFinished);
  return async () => {
    offCompleted();
    offFailed();
    await Promise.all(inFlight);
  };
}
