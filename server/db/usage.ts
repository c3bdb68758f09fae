import { takeTurn, type Db } from './knex';

/** Rows per insert statement: 5 columns each, well under SQLite's bound-variable limit. */
const USAGE_INSERT_CHUNK = 500;

export type UsageKind = 'description.created' | 'description.retrieved';

export async function countUsage(db: Db, userId: number, kind: UsageKind, from: number, to: number): Promise<number> {
  const row = await db('usage_events')
    .where({ user_id: userId, kind })
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .count<{ n: number }[]>({ n: '*' })
    .first();
  return Number(row?.n ?? 0);
}

/** Counts per UTC day offset from `from` (0 = the first day), per kind. */
export async function dailyUsage(db: Db, userId: number, from: number, to: number): Promise<{ day: number; kind: UsageKind; n: number }[]> {
  const rows = await db('usage_events')
    .select(db.raw('cast((created_at - ?) / 86400000 as integer) as day', [from]), 'kind')
    .count({ n: '*' })
    .where({ user_id: userId })
    .andWhere('created_at', '>=', from)
    .andWhere('created_at', '<', to)
    .groupBy('day', 'kind');
  return (rows as unknown as { day: number; kind: UsageKind; n: number }[]).map((r) => ({ day: Number(r.day), kind: r.kind, n: Number(r.n) }));
}

/** Images accepted and not yet finished: each will become a created description unless it fails. */
export async function countInFlight(db: Db, userId: number): Promise<number> {
  const row = await db('images').where({ user_id: userId }).whereIn('status', ['queued', 'processing']).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function insertUsageEvents(db: Db, rows: { user_id: number; image_id: string | null; kind: UsageKind; source: 'web' | 'api'; created_at: number }[]): Promise<void> {
  if (rows.length === 0) return;
  // A library export can name more images than SQLite takes bound variables: then chunks, in one transaction.
  if (rows.length <= USAGE_INSERT_CHUNK) await db('usage_events').insert(rows);
  else await db.batchInsert('usage_events', rows, USAGE_INSERT_CHUNK);
}

export interface QuotaRow {
  user_id: number | null;
  monthly_descriptions: number | null;
}

/** The user's own quota row if there is one, else the default row, else undefined (no limit). */
export async function findQuota(db: Db, userId: number): Promise<{ own?: QuotaRow; fallback?: QuotaRow }> {
  const rows = await db<QuotaRow>('usage_quotas').where({ user_id: userId }).orWhereNull('user_id');
  return { own: rows.find((r) => r.user_id === userId), fallback: rows.find((r) => r.user_id === null) };
}

export async function listQuotas(db: Db): Promise<QuotaRow[]> {
  return db<QuotaRow>('usage_quotas').select('user_id', 'monthly_descriptions');
}

/** `monthly` null means unlimited; `clear` removes a per-user override so the default applies again. */
export async function saveQuota(db: Db, userId: number | null, monthly: number | null, now: number, clear = false): Promise<void> {
  await db.transaction(async (trx) => {
    // Two saves at once must not both delete nothing and both insert (NULL user ids are not unique).
    await takeTurn(trx, 'quota', userId ?? 0);
    const scope = userId === null ? trx('usage_quotas').whereNull('user_id') : trx('usage_quotas').where({ user_id: userId });
    await scope.clone().delete();
    if (!clear) await trx('usage_quotas').insert({ user_id: userId, monthly_descriptions: monthly, updated_at: now });
  });
}
