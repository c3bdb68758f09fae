import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { takeTurn, type Db } from '../../db/knex';
import { countInFlight, countUsage, dailyUsage, findQuota, insertUsageEvents, listQuotas, saveQuota } from '../../db/usage';

export interface MonthUsage {
  /** "2026-11" */
  month: string;
  created: number;
  retrieved: number;
  /** Accepted images not yet described: they count against the quota before they are created. */
  inFlight: number;
  /** null: no limit */
  quota: number | null;
  remaining: number | null;
  resetsAt: number;
}

/** Calendar months in UTC: the same boundaries for every user and every server timezone. */
export function monthBounds(at: Date): { from: number; to: number; days: number; label: string } {
  const from = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
  const to = Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 1);
  return { from, to, days: Math.round((to - from) / 86_400_000), label: new Date(from).toISOString().slice(0, 7) };
}

export async function quotaFor(deps: Pick<Deps, 'db'>, userId: number): Promise<number | null> {
  const { own, fallback } = await findQuota(deps.db, userId);
  return (own ?? fallback)?.monthly_descriptions ?? null;
}

export async function monthUsage(deps: Deps, userId: number): Promise<MonthUsage> {
  const { from, to, label } = monthBounds(deps.clock.now());
  const [created, retrieved, inFlight, quota] = await Promise.all([
    countUsage(deps.db, userId, 'description.created', from, to),
    countUsage(deps.db, userId, 'description.retrieved', from, to),
    countInFlight(deps.db, userId),
    quotaFor(deps, userId),
  ]);
  const remaining = quota === null ? null : Math.max(0, quota - created - inFlight);
  return { month: label, created, retrieved, inFlight, quota, remaining, resetsAt: to };
}

export class QuotaExceededError extends HttpError {
  constructor(quota: number, remaining = 0, adding = 1) {
    // With some quota left, "used up" would be untrue: say how many images would still go through.
    const message =
      remaining > 0
        ? `This upload has ${adding} images, but this account has only ${remaining} of its ${quota} descriptions for the month left. Send fewer images; the count resets on the 1st (UTC), and an admin can raise the quota.`
        : `This account has used its ${quota} descriptions for the month. The count resets on the 1st (UTC); an admin can raise the quota.`;
    super(429, message, 'quota_exceeded');
  }
}

/**
 * Refuses new work once this month's created descriptions plus the images still in flight (accepted,
 * not yet described) would pass the quota. Run it with `db` set to the transaction that enqueues, so
 * concurrent accepts are counted one after the other and cannot overshoot together.
 */
export async function assertWithinQuota(deps: Pick<Deps, 'db' | 'clock'>, userId: number, adding = 1, db: Db = deps.db): Promise<void> {
  const quota = await quotaFor({ db }, userId);
  if (quota === null) return; // no limit: nothing to count on the hot path
  // Concurrent accepts of one user count one after the other, so they cannot both fit in the same room.
  await takeTurn(db, 'quota', userId);
  const { from, to } = monthBounds(deps.clock.now());
  const used = (await countUsage(db, userId, 'description.created', from, to)) + (await countInFlight(db, userId));
  if (used + adding > quota) throw new QuotaExceededError(quota, Math.max(0, quota - used), adding);
}

/** Counted when a finished description is handed to an API client or export. */
export async function recordRetrieved(deps: Deps, userId: number, imageIds: string[], source: 'web' | 'api'): Promise<void> {
  const now = deps.clock.now().getTime();
  await insertUsageEvents(deps.db, imageIds.map((imageId) => ({ user_id: userId, image_id: imageId, kind: 'description.retrieved', source, created_at: now })));
}

export interface DayBar {
  day: number;
  date: string;
  created: number;
  retrieved: number;
}

/** Every day of the current month, zeros included, for the chart. */
export async function monthByDay(deps: Deps, userId: number): Promise<DayBar[]> {
  const { from, to, days } = monthBounds(deps.clock.now());
  const bars: DayBar[] = Array.from({ length: days }, (_, i) => ({
    day: i + 1,
    date: new Date(from + i * 86_400_000).toISOString().slice(0, 10),
    created: 0,
    retrieved: 0,
  }));
  for (const row of await dailyUsage(deps.db, userId, from, to)) {
    const bar = bars[row.day];
    if (!bar) continue;
    if (row.kind === 'description.created') bar.created += row.n;
    else bar.retrieved += row.n;
  }
  return bars;
}

export async function setQuota(deps: Deps, userId: number | null, monthly: number | null, clear = false): Promise<void> {
  if (monthly !== null && (!Number.isInteger(monthly) || monthly < 0)) throw new HttpError(400, 'A quota is a whole number of descriptions, 0 or more.', 'invalid_quota');
  await saveQuota(deps.db, userId, monthly, deps.clock.now().getTime(), clear);
}

export function allQuotas(deps: Deps) {
  return listQuotas(deps.db);
}
