import { Client, type Notification } from 'pg';
import type { Logger } from '../logger';

/** Reconnection waits double from the first to the last, so a restarting server is not hammered. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

type Handler = (payload: string) => void;

/** The first key of this connection's advisory locks (1 and 2 are takeTurn's, in db/knex.ts). */
export const LOCKS = { scheduledJob: 3, zeroRetentionBatch: 4 } as const;

type LockClass = (typeof LOCKS)[keyof typeof LOCKS];

/**
 * This process's own PostgreSQL connection, outside knex's pool: it LISTENs for notifications
 * (a pooled connection would be handed to other queries and lose them) and holds the session-level
 * advisory locks that say what this process is doing. One per process, shared by every listener.
 * When it drops it reconnects with backoff, listens again, and tells `onReconnect` subscribers,
 * which catch up on whatever was notified meanwhile. Locks held when it dropped were released by
 * the server; holders are told through `onReconnect` too.
 */
export class ProcessConnection {
  private client?: Client;
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly reconnectHandlers = new Set<() => void>();
  private closed = false;
  private connecting?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
  ) {}

  /** Connects (and listens to every channel asked for so far). */
  async open(): Promise<void> {
    this.connecting ??= this.connect(RETRY_FIRST_MS, true);
    await this.connecting;
  }

  /** Calls `handler` with each notification's payload on `channel`; returns the unsubscribe. */
  async listen(channel: string, handler: Handler): Promise<() => void> {
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.client) await this.query(`LISTEN ${quoteIdent(channel)}`);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Called after every reconnection (not the first connection). */
  onReconnect(handler: () => void): () => void {
    this.reconnectHandlers.add(handler);
    return () => this.reconnectHandlers.delete(handler);
  }

  /** One query on this connection, after the ones before it; fails while it is down. */
  query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const run = this.queue.then(async () => {
      if (!this.client) throw new Error('the process connection to PostgreSQL is down');
      return (await this.client.query(sql, params)).rows as T[];
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Takes an exclusive session lock on (lockClass, name) if nobody holds it; true when taken. */
  async tryLock(lockClass: LockClass, name: string): Promise<boolean> {
    const [row] = await this.query<{ got: boolean }>('select pg_try_advisory_lock($1, hashtext($2)) as got', [lockClass, name]);
    return row?.got === true;
  }

  /** Holds a shared session lock on (lockClass, name): others' shared holds do not conflict, tryLock does. */
  async holdShared(lockClass: LockClass, name: string): Promise<void> {
    await this.query('select pg_advisory_lock_shared($1, hashtext($2))', [lockClass, name]);
  }

  /** Releases a lock this connection took (a no-op when a reconnection already lost it). */
  async unlock(lockClass: LockClass, name: string, mode: 'exclusive' | 'shared' = 'exclusive'): Promise<void> {
    const fn = mode === 'shared' ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock';
    await this.query(`select ${fn}($1, hashtext($2))`, [lockClass, name]);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(delayMs: number, first: boolean): Promise<void> {
    const client = new Client({ connectionString: this.url, application_name: 'sightline-process' });
    client.on('notification', (message: Notification) => this.deliver(message));
    // An error on an idle client is followed by 'end'; both mean: connect again.
    client.on('error', (err) => this.logger.warn({ err }, 'process connection to PostgreSQL failed'));
    client.on('end', () => this.dropped(client));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${quoteIdent(channel)}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      if (first || this.closed) throw err;
      this.logger.warn({ err, retryInMs: delayMs }, 'could not reconnect to PostgreSQL; trying again');
      this.retryTimer = setTimeout(() => (this.connecting = this.connect(Math.min(delayMs * 2, RETRY_MAX_MS), false)), delayMs);
      return;
    }
    if (this.closed) {
      await client.end().catch(() => undefined); // closed while connecting
      return;
    }
    this.client = client;
    if (!first) {
      this.logger.info('process connection to PostgreSQL restored');
      for (const handler of this.reconnectHandlers) handler();
    }
  }

  private dropped(client: Client): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.connecting = this.connect(RETRY_FIRST_MS, false);
  }

  private deliver(message: Notification): void {
    for (const handler of this.handlers.get(message.channel) ?? []) {
      try {
        handler(message.payload ?? '');
      } catch (err) {
        this.logger.error({ err, channel: message.channel }, 'notification handler failed');
      }
    }
  }
}

/** Channel names are ours (constants), but LISTEN takes an identifier, not a parameter. */
function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
