import type { Knex } from 'knex';

export interface PasskeyRow {
  id: string;
  user_id: number;
  webauthn_user_id: string;
  name: string;
  public_key: string;
  counter: number;
  transports: string;
  created_at: number;
  last_used_at: number | null;
}

function fromDb(row: PasskeyRow): PasskeyRow {
  return { ...row, counter: Number(row.counter), created_at: Number(row.created_at), last_used_at: row.last_used_at === null ? null : Number(row.last_used_at) };
}

export async function listPasskeys(db: Knex, userId: number): Promise<PasskeyRow[]> {
  return (await db<PasskeyRow>('passkeys').where({ user_id: userId }).orderBy('created_at')).map(fromDb);
}

export async function countPasskeys(db: Knex, userId: number): Promise<number> {
  const row = await db('passkeys').where({ user_id: userId }).count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export async function findPasskey(db: Knex, id: string): Promise<PasskeyRow | undefined> {
  const row = await db<PasskeyRow>('passkeys').where({ id }).first();
  return row ? fromDb(row) : undefined;
}

export async function insertPasskey(db: Knex, row: Omit<PasskeyRow, 'last_used_at'>): Promise<void> {
  await db('passkeys').insert(row);
}

/** Records a use; the counter only moves forward (a clone of an authenticator shows as a counter that did not). */
export async function touchPasskey(db: Knex, id: string, counter: number, now: number): Promise<void> {
  await db('passkeys').where({ id }).update({ counter, last_used_at: now });
}

export async function deletePasskey(db: Knex, userId: number, id: string): Promise<boolean> {
  return (await db('passkeys').where({ user_id: userId, id }).delete()) === 1;
}

export async function deleteAllPasskeys(db: Knex, userId: number): Promise<number> {
  return db('passkeys').where({ user_id: userId }).delete();
}
