import type { SightlineEventName, SightlineEvents } from '../../events';

/**
 * Where the news "batch X may have changed" comes from; the watchers read the new state themselves.
 * One process hears the queue's own events (SQLite); on PostgreSQL the source is fed by LISTEN/NOTIFY,
 * so a page served by one process hears a worker in another (shared-batch-changes.ts).
 */
export interface BatchChangeSource {
  /** Calls `onChange` whenever the batch may have changed, until the returned function is called. */
  subscribe(batchId: string, onChange: () => void): () => void;
}

/** The events that change what a batch's progress shows. */
export const BATCH_EVENTS: SightlineEventName[] = ['image.started', 'image.queued', 'image.completed', 'image.failed', 'batch.completed', 'batch.cancelled'];

/**
 * Changes announced in this process: the queue worker's events as jobs start and finish, plus a
 * signal every `refreshMs` for changes that announce nothing (e.g. another tab deleting images).
 */
export function inProcessBatchChanges(events: SightlineEvents, refreshMs = 5_000): BatchChangeSource {
  return {
    subscribe(batchId, onChange) {
      const offs = BATCH_EVENTS.map((name) =>
        events.on(name, (event) => {
          if (event.batchId === batchId) onChange();
        }),
      );
      const refresh = setInterval(onChange, refreshMs);
      return () => {
        clearInterval(refresh);
        for (const off of offs) off();
      };
    },
  };
}
