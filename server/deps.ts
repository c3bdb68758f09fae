import type { Config } from './config';
import type { Db } from './db/knex';
import type { Logger } from './logger';
import type { Clock } from './clock';
import type { BlobStore } from './storage';
import type { SightlineEvents } from './events';
import type { WebhookDispatcher } from './webhooks/dispatcher';
import type { Describer } from './describers/types';
import type { Queue } from './queue';
import type { ProcessConnection } from './db/process-connection';
import type { BatchChangeSource } from './services/describe/batch-changes';

/**
 * Everything a service needs, passed explicitly so tests can build the app
 * around a fresh database, a manual clock and a loopback model server.
 */
export interface Deps {
  config: Config;
  db: Db;
  logger: Logger;
  clock: Clock;
  blobs: BlobStore;
  /** Image and batch events, emitted after commit (live progress, webhooks). */
  events: SightlineEvents;
  /** Sends webhook deliveries; optional so a Deps built for a narrow test needs none (rows wait in the table). */
  webhooks?: WebhookDispatcher;
  describer: Describer;
  /** The describe queue's worker; started by server/index.ts, by tests only when they need results. */
  queue: Queue;
  /** On PostgreSQL, this process's own connection: notifications from other processes, advisory locks. */
  connection?: ProcessConnection;
  /** Where live progress hears that a batch changed; this process's own events when unset. */
  batchChanges?: BatchChangeSource;
}
