import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import { findRememberedBrowser, forgetRememberedBrowsers, insertRememberedBrowser, listRememberedBrowsers } from '../../db/two-factor';
import { tokenHash } from './secrets';

/** A remembered browser skips the second factor for at most this long. */
export const REMEMBER_MS = 30 * 24 * 3600 * 1000;

type RememberDeps = Pick<Deps, 'config' | 'db' | 'clock'>;

/**
 * Remembers this browser for the account: the cookie value is "id.token"; only the token's HMAC is
 * stored, so the row can be revoked (turning two-factor off, an admin's reset, "forget") and a copy
 * of the database does not hold working tokens.
 */
export async function rememberBrowser(deps: RememberDeps, userId: number): Promise<{ value: string; maxAgeMs: number }> {
  const id = crypto.randomBytes(12).toString('base64url');
  const token = crypto.randomBytes(32).toString('base64url');
  const now = deps.clock.now().getTime();
  await insertRememberedBrowser(deps.db, { id, user_id: userId, token_hash: tokenHash(deps.config, 'remembered browser', token), created_at: now, expires_at: now + REMEMBER_MS });
  return { value: `${id}.${token}`, maxAgeMs: REMEMBER_MS };
}

/** True when the cookie names a live, unrevoked remembered browser of this account. */
export async function isRememberedBrowser(deps: RememberDeps, userId: number, cookieValue: string | undefined): Promise<boolean> {
  const [id, token] = (cookieValue ?? '').split('.');
  if (!id || !token) return false;
  const row = await findRememberedBrowser(deps.db, id);
  if (!row || row.user_id !== userId || row.expires_at <= deps.clock.now().getTime()) return false;
  const expected = Buffer.from(row.token_hash);
  const given = Buffer.from(tokenHash(deps.config, 'remembered browser', token));
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export async function rememberedBrowserCount(deps: RememberDeps, userId: number): Promise<number> {
  return (await listRememberedBrowsers(deps.db, userId, deps.clock.now().getTime())).length;
}

export async function forgetBrowsers(deps: RememberDeps, userId: number): Promise<number> {
  return forgetRememberedBrowsers(deps.db, userId);
}
