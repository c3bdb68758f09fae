import type { Config } from '../config';
import { createDb, migrateLatest, type Db } from '../db/knex';
import type { Logger } from '../logger';
import { systemClock, type Clock } from '../clock';
import type { Deps } from '../deps';
import { createEvents } from '../events';
import { createDescriber } from '../describers';
import { createQueue, type QueueOptions } from '../queue';
import { createBlobStore } from '../storage';
import { startTextKeys } from '../db/text-shredding';
import { WebhookDispatcher, type DispatcherOptions } from '../webhooks';
import { ProcessConnection } from '../db/process-connection';
import { publishBatchChanges, sharedBatchChanges } from '../services/describe/shared-batch-changes';
import { closeComparisonDescribers } from '../services/compare/describers';

/** How long a booting process waits for another one to finish migrating the same database. */
const MIGRATION_WAIT_MS = 120_000;

/**
 * What every role shares: config, database (migrated), blobs, events, describer, and the queue and
 * webhook dispatcher objects, which only the worker role starts.
 */
export async function openProcess(config: Config, logger: Logger): Promise<Deps> {
  const db = createDb(config.database);
  await migrateWhenFree(db, logger);
  const deps = await assembleDeps(config, logger, db);
  if (config.database.client === 'postgres') {
    deps.connection = new ProcessConnection(config.database.url, logger);
    await deps.connection.open();
    // Live progress shown by any web process hears the workers of every process.
    publishBatchChanges(deps.events, db, logger);
    deps.batchChanges = sharedBatchChanges(deps.connection, logger);
  }
  return deps;
}

/** What a process's parts may be built with besides the config (tests: a manual clock, faster polling). */
export interface AssembleOptions {
  clock?: Clock;
  queue?: Partial<QueueOptions>;
  webhooks?: DispatcherOptions;
}

/**
 * The parts every process is made of, over a migrated database: blobs, text keys, events, describer,
 * and the queue and webhook dispatcher objects, which only the worker role starts.
 */
export async function assembleDeps(config: Config, logger: Logger, db: Db, options: AssembleOptions = {}): Promise<Deps> {
  const blobs = createBlobStore(config);
  // PostgreSQL: result text is sealed under per-account keys kept in the blob store.
  await startTextKeys(db, blobs);
  const deps: Deps = {
    config,
    db,
    logger,
    clock: options.clock ?? systemClock,
    blobs,
    events: createEvents(),
    // The web role describes zero-retention uploads itself: their bytes never leave its memory.
    describer: createDescriber(config, logger),
    queue: createQueue(config, () => deps, options.queue),
  };
  // Built in every role: the web role sends "test" deliveries through it; the worker role starts it.
  deps.webhooks = new WebhookDispatcher(deps, options.webhooks);
  return deps;
}

/** After every role has stopped: the describer and the database go last. */
export async function closeProcess(deps: Deps): Promise<void> {
  await deps.connection?.close();
  await closeComparisonDescribers(deps.describer);
  await deps.describer.close();
  await deps.db.destroy();
}

/**
 * Processes booting together race for knex's migration lock; the losers wait for the winner and
 * then find nothing left to do, rather than failing to start.
 */
async function migrateWhenFree(db: Db, logger: Logger): Promise<void> {
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2_000)) {
    try {
      return await migrateLatest(db);
    } catch (err) {
      if (!(err instanceof Error && err.name === 'MigrationLocked') || Date.now() > deadline) throw err;
      logger.info('another process is migrating the database; waiting');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
