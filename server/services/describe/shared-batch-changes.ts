import type { Knex } from 'knex';
import type { Logger } from '../../logger';
import type { SightlineEvents } from '../../events';
import type { ProcessConnection } from '../../db/process-connection';
import { CHANNELS, notify } from '../../db/notifications';
import { BATCH_EVENTS, type BatchChangeSource } from './batch-changes';

/**
 * Tells every process that a batch changed, from the events of this one (the worker's started,
 * completed and failed; the web's queued and cancelled). Events are emitted after their commit,
 * so a listener that reads the batch sees the change. Returns the unsubscribe.
 */
export function publishBatchChanges(events: SightlineEvents, db: Knex, logger: Logger): () => void {
  const offs = BATCH_EVENTS.map((name) =>
    events.on(name, (event) => {
      notify(db, CHANNELS.batches, event.batchId).catch((err: unknown) => logger.warn({ err, event: name }, 'could not announce a batch change'));
    }),
  );
  return () => offs.forEach((off) => off());
}

/**
 * Batch changes announced by any process, heard on this process's one LISTEN connection and fanned
 * out in memory to the watchers of each batch (this process's own announcements come back the same
 * way). A signal every `refreshMs`, and one after a reconnection, cover what no notification said.
 */
export function sharedBatchChanges(connection: ProcessConnection, logger: Logger, refreshMs = 5_000): BatchChangeSource {
  const watchers = new Map<string, Set<() => void>>();
  const signal = (batchId: string) => watchers.get(batchId)?.forEach((onChange) => onChange());
  let listening: Promise<unknown> | undefined;
  const startListening = () => {
    listening ??= Promise.all([
      connection.listen(CHANNELS.batches, signal),
      connection.onReconnect(() => watchers.forEach((set) => set.forEach((onChange) => onChange()))),
    ]).catch((err: unknown) => {
      listening = undefined; // the next subscriber tries again; the refresh covers this one
      logger.warn({ err }, 'could not listen for batch changes');
    });
  };
  return {
    subscribe(batchId, onChange) {
      startListening();
      let set = watchers.get(batchId);
      if (!set) watchers.set(batchId, (set = new Set()));
      set.add(onChange);
      const refresh = setInterval(onChange, refreshMs);
      return () => {
        clearInterval(refresh);
        set.delete(onChange);
        if (set.size === 0 && watchers.get(batchId) === set) watchers.delete(batchId);
      };
    },
  };
}
