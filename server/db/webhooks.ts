import type { Knex } from 'knex';
import { isPostgres, type Db } from './knex';
import { sealColumns } from './text-codec';
import { DELIVERY_TEXT } from './sealed-tables';
import { markRowsTextDeleted } from './text-key-rotation';

export interface EndpointRow {
  id: string;
  user_id: number;
  url: string;
  description: string;
  events_json: string;
  secret_encrypted: string;
  created_at: number;
  updated_at: number;
}

export interface DeliveryRow {
  id: string;
  endpoint_id: string;
  user_id: number;
  event_type: string;
  payload_json: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  /** Set by the dispatcher that claimed the delivery: nobody else sends it until then. */
  locked_until?: number | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface AttemptRow {
  delivery_id: string;
  attempt: number;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  created_at: number;
}

export async function insertEndpoint(db: Db, row: EndpointRow): Promise<void> {
  await db('webhook_endpoints').insert(row);
}

export function listEndpointRows(db: Db, userId: number): Promise<EndpointRow[]> {
  return db<EndpointRow>('webhook_endpoints').where({ user_id: userId }).orderBy('created_at', 'desc');
}

export function findEndpointRow(db: Db, userId: number, id: string): Promise<EndpointRow | undefined> {
  return db<EndpointRow>('webhook_endpoints').where({ id, user_id: userId }).first();
}

export function findEndpointById(db: Db, id: string): Promise<EndpointRow | undefined> {
  return db<EndpointRow>('webhook_endpoints').where({ id }).first();
}

export async function deleteEndpointRow(db: Db, userId: number, id: string): Promise<boolean> {
  // Its deliveries go with it (foreign key cascade), and with them copies of result text.
  await markRowsTextDeleted(db, db('webhook_deliveries').where({ endpoint_id: id, user_id: userId }), Date.now());
  return (await db('webhook_endpoints').where({ id, user_id: userId }).delete()) > 0;
}

export async function insertDeliveries(db: Db, rows: DeliveryRow[]): Promise<void> {
  // Payloads carry the result text: sealed as the result itself is.
  if (rows.length > 0) await db('webhook_deliveries').insert(await Promise.all(rows.map((r) => sealColumns(db, r.user_id, r, DELIVERY_TEXT))));
}

/**
 * Claims up to `limit` pending deliveries that are due and that no dispatcher holds, leasing them until
 * `leaseUntil`, and returns them oldest first. One statement, so the choice and the lease commit
 * together; on PostgreSQL `SKIP LOCKED` keeps dispatchers in other processes from choosing the same
 * rows or waiting on each other, and SQLite has one writer at a time. A lease that ends without an
 * outcome (its dispatcher died) makes the delivery due again: at least once.
 *
 * Only deliveries of active accounts are due: those of an account that is disabled or waiting out its
 * deletion are held (left pending, not attempted) until it is re-enabled or restored, and go with it
 * when it is anonymised.
 */
export async function claimDueDeliveries(db: Db, now: number, limit: number, leaseUntil: number): Promise<DeliveryRow[]> {
  const free = (q: Knex.QueryBuilder) => q.whereNull('webhook_deliveries.locked_until').orWhere('webhook_deliveries.locked_until', '<=', now);
  const due = db('webhook_deliveries')
    .join('users', 'users.id', 'webhook_deliveries.user_id')
    .where('webhook_deliveries.status', 'pending')
    .andWhere('webhook_deliveries.next_attempt_at', '<=', now)
    .andWhere(free)
    .andWhere('users.status', 'active')
    .whereNull('users.deletion_requested_at')
    .orderBy('webhook_deliveries.next_attempt_at')
    .limit(limit)
    .select('webhook_deliveries.id');
  if (isPostgres(db)) due.forUpdate('webhook_deliveries').skipLocked();
  const rows: DeliveryRow[] = await db('webhook_deliveries').whereIn('id', due).andWhere(free).update({ locked_until: leaseUntil }).returning('*');
  return rows.sort((a, b) => Number(a.next_attempt_at) - Number(b.next_attempt_at));
}

/** One attempt's outcome and the delivery's next state, together. */
/**
 * Records an attempt, and changes the delivery only while this dispatcher's lease still holds it: a
 * dispatcher whose lease ran out (a receiver slower than the lease) must not overwrite what the
 * dispatcher that took the delivery over recorded, or a delivered webhook would be sent again.
 */
export async function recordAttempt(db: Db, attempt: AttemptRow, update: Partial<DeliveryRow>, lease: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('webhook_attempts').insert(attempt);
    await trx('webhook_deliveries').where({ id: attempt.delivery_id, locked_until: lease }).update(update);
  });
}

export function deliveriesOfEndpoint(db: Db, endpointId: string, limit: number): Promise<DeliveryRow[]> {
  return db<DeliveryRow>('webhook_deliveries').where({ endpoint_id: endpointId }).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
}

export function attemptsOf(db: Db, deliveryIds: string[]): Promise<(AttemptRow & { id: number })[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db('webhook_attempts').whereIn('delivery_id', deliveryIds).orderBy('id');
}

/** Finished deliveries older than `before`; their attempts go with them (foreign key cascade). */
export async function deleteFinishedDeliveries(db: Db, before: number): Promise<number> {
  const finished = () => db('webhook_deliveries').whereIn('status', ['delivered', 'failed']).andWhere('updated_at', '<', before);
  // The real time: only whether the mark is set matters (the owners' text keys rotate).
  await markRowsTextDeleted(db, finished(), Date.now());
  return finished().delete();
}
