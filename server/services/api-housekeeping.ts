import type { Deps } from '../deps';
import { deleteExpiredIdempotencyKeys } from '../db/idempotency';
import { deleteFinishedDeliveries } from '../db/webhooks';

/** The delivery log shows the last weeks; older finished deliveries (whose payloads hold result text) go. */
export const DELIVERY_LOG_DAYS = 30;

/**
 * Stored API answers past their 24 hours and old finished webhook deliveries both carry copies of
 * result text; neither may outlive its purpose.
 */
export async function purgeApiRecords(deps: Pick<Deps, 'db' | 'clock'>): Promise<{ idempotencyKeys: number; deliveries: number }> {
  const now = deps.clock.now().getTime();
  return {
    idempotencyKeys: await deleteExpiredIdempotencyKeys(deps.db, now),
    deliveries: await deleteFinishedDeliveries(deps.db, now - DELIVERY_LOG_DAYS * 86_400_000),
  };
}
