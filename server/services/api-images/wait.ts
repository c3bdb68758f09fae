import type { Deps } from '../../deps';

export interface FinishWatch {
  /** Resolves when the image completed or failed, or its batch was cancelled, or after `seconds`. */
  until(imageId: string, batchId: string, seconds: number): Promise<void>;
  stop(): void;
}

/**
 * Listens for a user's images finishing, from before the image exists: started ahead of the enqueue,
 * it cannot miss a completion, so waiting needs no read of the image until the end (that read, not
 * the event, is what the client gets: the database stays the truth).
 */
export function watchFinishes(deps: Pick<Deps, 'events'>, userId: number): FinishWatch {
  const finished = new Set<string>();
  const waiters = new Map<string, () => void>();
  const settle = (key: string) => {
    finished.add(key);
    waiters.get(key)?.();
  };
  const onImage = (event: { imageId: string; userId: number }) => event.userId === userId && settle(`image:${event.imageId}`);
  const offs = [
    deps.events.on('image.completed', onImage),
    deps.events.on('image.failed', onImage),
    deps.events.on('batch.cancelled', (event) => event.userId === userId && settle(`batch:${event.batchId}`)),
  ];
  return {
    until(imageId, batchId, seconds) {
      const keys = [`image:${imageId}`, `batch:${batchId}`];
      if (keys.some((k) => finished.has(k))) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          for (const k of keys) waiters.delete(k);
          resolve();
        };
        const timer = setTimeout(done, seconds * 1000);
        for (const k of keys) waiters.set(k, done);
      });
    },
    stop() {
      for (const off of offs) off();
      for (const done of [...waiters.values()]) done();
    },
  };
}
