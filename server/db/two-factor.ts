import type { Knex } from 'knex';

export interface TotpRow {
  user_id: number;
  secret_encrypted: string;
  confirmed_at: number | null;
  last_used_step: number | null;
  created_at: number;
}

export async function findTotp(db: Knex, userId: number): Promise<TotpRow | undefined> {
  const row = await db<TotpRow>('totp_secrets').where({ user_id: userId }).first();
  if (!row) return undefined;
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return { ...row, confirmed_at: num(row.confirmed_at), last_used_step: num(row.last_used_step), created_at: Number(row.created_at) };
}

/** A new, unconfirmed secret replaces any earlier unconfirmed one; a confirmed one is never overwritten. */
export async function putPendingTotp(db: Knex, userId: number, secretEncrypted: string, now: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('totp_secrets').where({ user_id: userId }).whereNull('confirmed_at').delete();
    await trx('totp_secrets').insert({ user_id: userId, secret_encrypted: secretEncrypted, created_at: now }).onConflict('user_id').ignore();
  });
}

export async function confirmTotp(db: Knex, userId: number, step: number, now: number): Promise<boolean> {
  const n = await db('totp_secrets').where({ user_id: userId }).whereNull('confirmed_at').update({ confirmed_at: now, last_used_step: step });
  return n === 1;
}

/**
 * Records `step` as used, only when it comes after the last used one: a code (or an earlier one
 * still inside the window) that already signed someone in is refused, even when two arrive together.
 */
export async function claimTotpStep(db: Knex, userId: number, step: number): Promise<boolean> {
  const n = await db('totp_secrets')
    .where({ user_id: userId })
    .whereNotNull('confirmed_at')
    .andWhere((q) => q.whereNull('last_used_step').orWhere('last_used_step', '<', step))
    .update({ last_used_step: step });
  return n === 1;
}

export async function replaceRecoveryCodes(db: Knex, userId: number, hashes: string[], now: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('recovery_codes').where({ user_id: userId }).delete();
    await trx('recovery_codes').insert(hashes.map((code_hash) => ({ user_id: userId, code_hash, created_at: now })));
  });
}

/** Marks one unused code used; false when there is none with that hash (or it was used already). */
export async function useRecoveryCode(db: Knex, userId: number, hash: string, now: number): Promise<boolean> {
  const n = await db('recovery_codes').where({ user_id: userId, code_hash: hash }).whereNull('used_at').update({ used_at: now });
  return n === 1;
}

export async function countUnusedRecoveryCodes(db: Knex, userId: number): Promise<number> {
  const row = await db('recovery_codes').where({ user_id: userId }).whereNull('used_at').count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

export interface RememberedBrowserRow {
  id: string;
  user_id: number;
  token_hash: string;
  created_at: number;
  expires_at: number;
}

export async function insertRememberedBrowser(db: Knex, row: RememberedBrowserRow): Promise<void> {
  await db('remembered_browsers').insert(row);
}

export async function findRememberedBrowser(db: Knex, id: string): Promise<RememberedBrowserRow | undefined> {
  const row = await db<RememberedBrowserRow>('remembered_browsers').where({ id }).first();
  return row ? { ...row, created_at: Number(row.created_at), expires_at: Number(row.expires_at) } : undefined;
}

export async function listRememberedBrowsers(db: Knex, userId: number, now: number): Promise<RememberedBrowserRow[]> {
  const rows = await db<RememberedBrowserRow>('remembered_browsers').where({ user_id: userId }).where('expires_at', '>', now).orderBy('created_at', 'desc');
  return rows.map((r) => ({ ...r, created_at: Number(r.created_at), expires_at: Number(r.expires_at) }));
}

export async function forgetRememberedBrowsers(db: Knex, userId: number): Promise<number> {
  return db('remembered_browsers').where({ user_id: userId }).delete();
}

/** Turns two-factor sign-in off: the secret, its recovery codes and remembered browsers go together. */
export async function deleteTotpFactor(db: Knex, userId: number): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('remembered_browsers').where({ user_id: userId }).delete();
    await trx('recovery_codes').where({ user_id: userId }).delete();
    await trx('totp_secrets').where({ user_id: userId }).delete();
  });
}

/**
 * One row per sign-in factor of the account, for its export: what it is, its name and its times.
 * Never a secret, a hash or a key.
 */
export async function signInFactorsForExport(db: Knex, userId: number): Promise<Record<string, unknown>[]> {
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const rows: Record<string, unknown>[] = [];
  const totp = await db('totp_secrets').where({ user_id: userId }).whereNotNull('confirmed_at').first('confirmed_at');
  if (totp) rows.push({ kind: 'authenticator app', name: '', created_at: num(totp.confirmed_at), used_at: null, expires_at: null });
  for (const c of await db('recovery_codes').where({ user_id: userId }).orderBy('id').select('created_at', 'used_at')) {
    rows.push({ kind: 'recovery code', name: '', created_at: num(c.created_at), used_at: num(c.used_at), expires_at: null });
  }
  for (const b of await db('remembered_browsers').where({ user_id: userId }).orderBy('created_at').select('created_at', 'expires_at')) {
    rows.push({ kind: 'remembered browser', name: '', created_at: num(b.created_at), used_at: null, expires_at: num(b.expires_at) });
  }
  for (const p of await db('passkeys').where({ user_id: userId }).orderBy('created_at').select('name', 'created_at', 'last_used_at')) {
    rows.push({ kind: 'passkey', name: p.name, created_at: num(p.created_at), used_at: num(p.last_used_at), expires_at: null });
  }
  return rows;
}

/** Ids of the accounts with any second factor (a confirmed authenticator app or a passkey). */
export async function accountsWithSecondFactor(db: Knex): Promise<Set<number>> {
  const totp = (await db('totp_secrets').whereNotNull('confirmed_at').select('user_id')) as { user_id: number }[];
  const passkeys = (await db('passkeys').distinct('user_id')) as { user_id: number }[];
  return new Set([...totp, ...passkeys].map((r) => Number(r.user_id)));
}
