import type { Knex } from 'knex';

/** All SQL for the WordPress integration's sites; every query is scoped by the owning account. */
export interface SiteRow {
  id: string;
  user_id: number;
  site_url: string;
  site_name: string;
  user_login: string;
  password_encrypted: string;
  language: string;
  daily?: boolean | number;
  daily_run_at?: number | null;
  created_at: number;
  updated_at: number;
}

export async function insertSite(db: Knex, row: SiteRow): Promise<void> {
  await db('wordpress_sites').insert(row);
}

export async function updateSiteCredentials(db: Knex, userId: number, id: string, fields: Pick<SiteRow, 'site_name' | 'user_login' | 'password_encrypted' | 'language' | 'updated_at'>): Promise<void> {
  await db('wordpress_sites').where({ id, user_id: userId }).update(fields);
}

export async function findSite(db: Knex, userId: number, id: string): Promise<SiteRow | undefined> {
  return db('wordpress_sites').where({ id, user_id: userId }).first();
}

export async function findSiteByUrl(db: Knex, userId: number, siteUrl: string): Promise<SiteRow | undefined> {
  return db('wordpress_sites').where({ user_id: userId, site_url: siteUrl }).first();
}

export async function listSites(db: Knex, userId: number): Promise<SiteRow[]> {
  return db('wordpress_sites').where({ user_id: userId }).orderBy('created_at', 'asc');
}

export async function deleteSite(db: Knex, userId: number, id: string): Promise<number> {
  return db('wordpress_sites').where({ id, user_id: userId }).delete();
}

export async function setDaily(db: Knex, userId: number, id: string, daily: boolean): Promise<number> {
  return db('wordpress_sites').where({ id, user_id: userId }).update({ daily });
}

/** Sites whose daily run is due (never run, or last run before `before`), across accounts: for the scheduler. */
export async function dailySitesDue(db: Knex, before: number): Promise<SiteRow[]> {
  return db('wordpress_sites').where({ daily: true }).where((q) => q.whereNull('daily_run_at').orWhere('daily_run_at', '<', before)).orderBy('created_at', 'asc');
}

export async function markDailyRun(db: Knex, userId: number, id: string, at: number): Promise<void> {
  await db('wordpress_sites').where({ id, user_id: userId }).update({ daily_run_at: at });
}
