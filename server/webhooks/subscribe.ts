import type { Deps } from '../deps';
import type { ImageEvent } from '../events';
import { loadBatchResource, loadImageResource } from '../services/api-resources';
import type { WebhookDispatcher } from './dispatcher';

/**
 * Turns committed image and batch events into deliveries. The payload is the same resource the API
 * returns, loaded after commit, so a receiver sees exactly what `GET /api/v1/images/:id` would.
 */
export function subscribeWebhooks(deps: Pick<Deps, 'db' | 'events' | 'logger'>, dispatcher: WebhookDispatcher): () => void {
  const fail = (err: unknown) => deps.logger.error({ err }, 'could not queue a webhook');
  const onImage = (type: 'image.completed' | 'image.failed') => (event: ImageEvent) => {
    void (async () => {
      const image = await loadImageResource(deps, event.userId, event.imageId);
      if (image) await dispatcher.enqueue(event.userId, type, image);
    })().catch(fail);
  };
  const onBatch = (event: ImageEvent) => {
    void (async () => {
      const batch = await loadBatchResource(deps, event.userId, event.batchId);
      if (!batch) return;
      const { images, ...summary } = batch;
      await dispatcher.enqueue(event.userId, 'batch.completed', { ...summary, image_ids: images.map((i) => i.id) });
    })().catch(fail);
  };
  const offs = [
    deps.events.on('image.completed', onImage('image.completed')),
    deps.events.on('image.failed', onImage('image.failed')),
    deps.events.on('batch.completed', onBatch),
  ];
  return () => offs.forEach((off) => off());
}
