import type { Deps } from '../../deps';
import type { ImageEvent } from '../../events';
import { expireImageBlobs } from './expire-blobs';

/**
 * When an image finishes, sets its expiry at once, and deletes its working copy at once when the
 * retention is "immediately", rather than waiting for the next minute's tick.
 */
export function watchImageExpiry(deps: Deps): () => void {
  const onFinished = (event: ImageEvent) => {
    expireImageBlobs(deps, { imageId: event.imageId }).catch((err: unknown) => {
      deps.logger.error({ err, imageId: event.imageId }, 'could not apply retention to a finished image');
    });
  };
  const offCompleted = deps.events.on('image.completed', onFinished);
  const offFailed = deps.events.on('image.failed', onFinished);
  return () => {
    offCompleted();
    offFailed();
  };
}
