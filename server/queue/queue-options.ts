import os from 'node:os';
import crypto from 'node:crypto';
import type { Knex } from 'knex';
import type { Clock } from '../clock';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { SightlineEvents } from '../events';
import type { Describer } from '../describers/types';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff';

/** What the worker needs from the app; `config` for the retention deadline a finish sets. */
export interface QueueDeps {
  db: Knex;
  config: Config;
  clock: Clock;
  logger: Logger;
  events: SightlineEvents;
  blobs: { get(key: string): Promise<Buffer> };
  describer: Describer;
}

export interface QueueOptions {
  concurrency: number;
  /** Must outlast one describer call; renewed every third of it while the job runs. */
  leaseMs: number;
  /** How often an idle worker looks for due jobs and expired leases. */
  pollMs: number;
  /** How long stop() lets running jobs finish before handing them back to the queue. */
  stopTimeoutMs: number;
  backoff: BackoffPolicy;
  random: () => number;
  workerId: string;
}

/**
 * A free worker slot held while an enqueue's transaction runs, so the new job is claimed in the same
 * commit that creates it: the worker starts at once, without a claim transaction of its own.
 */
export interface HeldSlot {
  /** Claims the fairest due job (usually the one just added) inside the caller's transaction. */
  claim(trx: Knex.Transaction): Promise<void>;
  /** After the commit: runs what was claimed, or hands the slot back and looks for work. */
  committed(): void;
  /** After a rollback: nothing was claimed; the slot is free again. */
  abandon(): void;
}

/** Production settings: the lease outlasts one describer call with room to spare. */
export function defaultQueueOptions(concurrency: number, describerTimeoutMs: number): QueueOptions {
  return {
    concurrency,
    leaseMs: Math.round(describerTimeoutMs * 1.5) + 1_000,
    pollMs: 250,
    stopTimeoutMs: 15_000,
    backoff: DEFAULT_BACKOFF,
    random: Math.random,
    workerId: `${os.hostname()}:${process.pid}:${crypto.randomBytes(4).toString('hex')}`,
  };
}
