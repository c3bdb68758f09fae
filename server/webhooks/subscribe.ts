import type { Deps } from '../deps';
import type { WebhookDispatcher } from './dispatcher';

/**
 * Sends at once what a finished image left in the outbox. The deliveries themselves were written in
 * the result's transaction (see outbox.ts); the event only saves waiting for the dispatcher's poll,
 * which also picks up anything a crash left pending.
 */
export function subscribeWebhooks(deps: Pick<Deps, 'events'>, dispatcher: WebhookDispatcher): () => void {
  const send = () => dispatcher.nudge();
  const offs = [deps.events.on('image.completed', send), deps.events.on('image.failed', send), deps.events.on('batch.completed', send)];
  return () => offs.forEach((off) => off());
}
