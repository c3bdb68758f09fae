import type { Knex } from 'knex';

/** A user's privacy choices as stored (see migrations 20261122005000 and 005020). */
export interface UserPrivacyRow {
  id: number;
  email: string;
  name: string;
  role: string;
  image_retention: string | null;
  text_retention_days: number | null;
  deletion_requested_at: number | null;
  deletion_due_at: number | null;
  anonymised_at: number | null;
  describer_consent_destination: string | null;
  describer_consent_at: number | null;
}

const COLUMNS = [
  'id',
  'email',
  'name',
  'role',
  'image_retention',
  'text_retention_days',
  'deletion_requested_at',
  'deletion_due_at',
  'anonymised_at',
  'describer_consent_destination',
  'describer_consent_at',
];

export async function findUserPrivacy(db: Knex, userId: number): Promise<UserPrivacyRow | undefined> {
  return db('users').where({ id: userId }).first(COLUMNS);
}

export async function updateUserPrivacy(
  db: Knex,
  userId: number,
  patch: Partial<Omit<UserPrivacyRow, 'id' | 'email' | 'name' | 'role'>>,
  now: number,
): Promise<void> {
  await db('users').where({ id: userId }).update({ ...patch, updated_at: now });
}

export async function usersWithTextRetention(db: Knex): Promise<{ id: number; text_retention_days: number }[]> {
  return db('users').whereNotNull('text_retention_days').whereNull('anonymised_at').select('id', 'text_retention_days');
}

export async function setBatchPrivacy(db: Knex, batchId: string, patch: { image_retention?: string | null; zero_retention?: boolean }): Promise<void> {
  await db('batches').where({ id: batchId }).update(patch);
}

/** Instance switches an admin set from the web; absent keys fall back to the environment. */
export async function readInstanceSettings(db: Knex): Promise<Map<string, string>> {
  const rows = (await db('privacy_settings').select('key', 'value')) as { key: string; value: string }[];
  return new Map(rows.map((r) => [r.key, r.value]));
}

export async function writeInstanceSetting(db: Knex, key: string, value: string, now: number): Promise<void> {
  await db('privacy_settings').insert({ key, value, updated_at: now }).onConflict('key').merge();
}
