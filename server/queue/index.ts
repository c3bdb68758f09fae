import type { Config } from '../config';
import { Queue, defaultQueueOptions, type QueueDeps, type QueueOptions } from './worker';

export { Queue, type QueueDeps, type QueueOptions } from './worker';
export { commitAndWake, enqueueDescribe, type EnqueueDescribeArgs } from './enqueue';

/** The app's queue: QUEUE_CONCURRENCY workers polling every QUEUE_POLL_MS, leases sized from the describer timeout. */
export function createQueue(config: Config, deps: QueueDeps | (() => QueueDeps), overrides: Partial<QueueOptions> = {}): Queue {
  return new Queue(deps, { ...defaultQueueOptions(config.queueConcurrency, config.openai.timeoutMs), pollMs: config.queuePollMs, ...overrides });
}
