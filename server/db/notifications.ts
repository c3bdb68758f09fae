import type { Knex } from 'knex';
import { isPostgres } from './knex';

/** The PostgreSQL channels processes tell each other things on. */
export const CHANNELS = {
  /** A job became claimable: workers look for work now rather than at their next poll. */
  jobs: 'sightline_jobs',
  /** A batch may have changed (payload: its id): live-progress streams read it again. */
  batches: 'sightline_batches',
} as const;

export type Channel = (typeof CHANNELS)[keyof typeof CHANNELS];

/**
 * Sends a notification on PostgreSQL (nothing on SQLite, where one process hears its own events).
 * Inside a transaction it is delivered on commit, and not at all on rollback; identical
 * notifications of one transaction are delivered once.
 */
export async function notify(db: Knex, channel: Channel, payload = ''): Promise<void> {
  if (isPostgres(db)) await db.raw('select pg_notify(?, ?)', [channel, payload]);
}
