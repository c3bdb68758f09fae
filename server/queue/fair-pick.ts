import type { Knex } from 'knex';
import { isPostgres } from '../db/knex';

/** The kinds of job the worker runs: describing an image, and describing it for a comparison run. */
const QUEUED_KINDS = ['describe', 'compare'];

/*
 * The fair order: among users with due describe jobs, the one with the fewest running jobs, then the
 * one whose last job started longest ago, then the one waiting with the oldest job.
 */

/**
 * SQLite: one query over the due jobs. Claims never overlap there (one connection, and the claim
 * runs in a transaction), so nothing needs locking.
 */
async function pickOnSqlite(trx: Knex.Transaction, now: number): Promise<number | undefined> {
  const pick = (await trx
    .select('j.user_id')
    .min({ job_id: 'j.id' })
    .select(
      trx.raw(`(select count(*) from jobs r where r.user_id = j.user_id and r.status = 'running') as running`),
      trx.raw(`(select coalesce(max(s.started_at), 0) from jobs s where s.user_id = j.user_id) as last_started`),
    )
    .from({ j: 'jobs' })
    .where('j.status', 'queued')
    .whereIn('j.kind', QUEUED_KINDS)
    .andWhere('j.run_at', '<=', now)
    .groupBy('j.user_id')
    .orderBy([{ column: 'running' }, { column: 'last_started' }, { column: 'job_id' }])
    .first()) as { job_id: number } | undefined;
  return pick?.job_id;
}

/** How many users, in fair order, a PostgreSQL claim tries before it leaves the rest to the next one. */
const CANDIDATE_USERS = 5;

/** Users with a due describe job, in fair order (PostgreSQL; reads only, locks nothing). */
const FAIR_USERS_SQL = `
  select u.id as user_id,
         (select count(*) from jobs r where r.user_id = u.id and r.status = 'running') as running,
         (select coalesce(max(s.started_at), 0) from jobs s where s.user_id = u.id) as last_started,
         (select min(d.id) from jobs d where d.user_id = u.id and d.status = 'queued' and d.kind in ('describe', 'compare') and d.run_at <= :now) as first_job
  from users u
  where exists (select 1 from jobs d where d.user_id = u.id and d.status = 'queued' and d.kind in ('describe', 'compare') and d.run_at <= :now)
  order by running, last_started, first_job
  limit :limit`;

/**
 * PostgreSQL, where workers in several processes claim at once, in two steps: choose the users in fair
 * order, then lock the oldest due job of the first of them that still has one nobody else holds
 * (FOR UPDATE SKIP LOCKED), so two claims never take the same job and neither waits for the other.
 * Ordering every due job in one query, as on SQLite, reads them all (seconds with 200,000 queued).
 * When other claims hold every candidate's jobs, any due job nobody holds is taken rather than none.
 */
async function pickOnPostgres(trx: Knex.Transaction, now: number): Promise<number | undefined> {
  const users = (await trx.raw(FAIR_USERS_SQL, { now, limit: CANDIDATE_USERS })) as { rows: { user_id: number }[] };
  const due = () => trx('jobs').where({ status: 'queued' }).whereIn('kind', QUEUED_KINDS).andWhere('run_at', '<=', now).orderBy('id').first('id').forUpdate().skipLocked();
  for (const { user_id } of users.rows) {
    const job = await due().andWhere({ user_id });
    if (job) return Number(job.id);
  }
  if (users.rows.length < CANDIDATE_USERS) return undefined;
  const job = await due();
  return job ? Number(job.id) : undefined;
}

/** The id of the next due describe job in fair order (locked until commit on PostgreSQL), if any. */
export function pickFairJob(trx: Knex.Transaction, now: number): Promise<number | undefined> {
  return isPostgres(trx) ? pickOnPostgres(trx, now) : pickOnSqlite(trx, now);
}
