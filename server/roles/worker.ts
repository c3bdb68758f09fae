import type { Deps } from '../deps';
import { subscribeWebhooks } from '../webhooks';
import { watchImageExpiry } from '../services/retention/watch';
import type { RunningRole } from './running';

/**
 * Describes queued images and sends webhook deliveries. Serves no HTTP: a worker is watched
 * through its process (and the queue's rows), and has nothing to say to a browser.
 */
export async function startWorker(deps: Deps): Promise<RunningRole> {
  const webhooks = deps.webhooks!;
  // Subscribed before the queue starts, so no completion event goes unheard.
  const unsubscribe = subscribeWebhooks(deps, webhooks);
  webhooks.start();
  // Retention follows the queue's completions, so it runs where they happen.
  const stopRetentionWatch = watchImageExpiry(deps);
  // Jobs whose lease ran out while their worker was down go back to the queue before claiming starts.
  await deps.queue.start();
  // Models load in the background now rather than when the first image arrives.
  deps.describer.warm?.();
  return {
    async stop() {
      // Running describe jobs finish or go back to the queue before the database closes.
      await deps.queue.stop();
      // After the queue: its last completions still become deliveries, sent now or at the next start.
      unsubscribe();
      await webhooks.stop();
      await stopRetentionWatch();
    },
  };
}
