import type { Deps } from '../../deps';
import type { RateLimits } from '../../rate-limits';
import { accountsWithSecondFactor, countUnusedRecoveryCodes, deleteTotpFactor, findTotp, useRecoveryCode } from '../../db/two-factor';
import { countPasskeys, deleteAllPasskeys } from '../../db/passkeys';
import { readInstanceSettings, writeInstanceSetting } from '../../db/privacy-settings';
import { findUserById, listUsers } from '../../db/users';
import { recordAudit, type RequestMeta } from '../accounts/audit';
import { checkTotpCode } from './totp';
import { normalizeRecoveryCode, tokenHash } from './secrets';
import { rememberedBrowserCount } from './remembered';

export interface SecondFactors {
  totp: boolean;
  passkeys: number;
  recoveryCodesLeft: number;
  rememberedBrowsers: number;
}

export async function secondFactorsOf(deps: Deps, userId: number): Promise<SecondFactors> {
  const [totp, passkeys, recoveryCodesLeft, rememberedBrowsers] = await Promise.all([
    findTotp(deps.db, userId),
    countPasskeys(deps.db, userId),
    countUnusedRecoveryCodes(deps.db, userId),
    rememberedBrowserCount(deps, userId),
  ]);
  return { totp: Boolean(totp?.confirmed_at), passkeys, recoveryCodesLeft, rememberedBrowsers };
}

/** Whether signing in with a password needs a second step: an authenticator app or a passkey. */
export async function hasSecondFactor(deps: Deps, userId: number): Promise<boolean> {
  const factors = await secondFactorsOf(deps, userId);
  return factors.totp || factors.passkeys > 0;
}

export type CodeCheck = { ok: true; method: 'totp' | 'recovery' } | { ok: false; reason: 'invalid' } | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks a code from the authenticator app, or a recovery code, for the second sign-in step. Counted
 * under its own per-account limit before the check (as passwords are), forgiven when right.
 */
export async function checkSecondFactorCode(deps: Deps, limits: RateLimits, meta: RequestMeta, userId: number, input: unknown): Promise<CodeCheck> {
  const code = typeof input === 'string' ? input.trim() : '';
  const key = `user:${userId}`;
  const verdict = await limits.secondFactorPerAccount.take(key);
  if (!verdict.allowed) return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(verdict.resetMs / 1000)) };
  let method: 'totp' | 'recovery' | undefined;
  if (/^\d{6}$/.test(code.replace(/\s/g, ''))) {
    if (await checkTotpCode(deps, userId, code.replace(/\s/g, ''))) method = 'totp';
  } else if (code.length >= 10 && code.length <= 20) {
    const hash = tokenHash(deps.config, 'recovery code', normalizeRecoveryCode(code));
    if (await useRecoveryCode(deps.db, userId, hash, deps.clock.now().getTime())) method = 'recovery';
  }
  if (!method) {
    await recordAudit(deps, meta, { userId, event: 'two_factor.failure' });
    return { ok: false, reason: 'invalid' };
  }
  await limits.secondFactorPerAccount.reset(key);
  if (method === 'recovery') await recordAudit(deps, meta, { userId, event: 'two_factor.recovery_code' });
  return { ok: true, method };
}

/** Turns two-factor off for one's own account (after a code proves it is theirs). */
export async function turnOffTotp(deps: Deps, meta: RequestMeta, userId: number): Promise<void> {
  await deleteTotpFactor(deps.db, userId);
  await recordAudit(deps, meta, { userId, event: 'two_factor.disable' });
}

/**
 * An admin's reset for someone who lost their device: the authenticator secret, recovery codes,
 * remembered browsers and passkeys all go, and the person signs in with their password alone (and
 * enrols again when two-factor is required). Audited with the admin as actor.
 */
export async function resetSecondFactors(deps: Deps, meta: RequestMeta, adminId: number, userId: number): Promise<boolean> {
  if (adminId === userId || !(await findUserById(deps.db, userId))) return false;
  await deleteTotpFactor(deps.db, userId);
  await deleteAllPasskeys(deps.db, userId);
  await recordAudit(deps, meta, { userId, actorId: adminId, event: 'two_factor.reset' });
  return true;
}

const REQUIRE_KEY = 'require_two_factor';

/** The admin's instance-wide switch: everyone must have a second factor. */
export async function twoFactorRequired(deps: Deps): Promise<boolean> {
  return (await readInstanceSettings(deps.db)).get(REQUIRE_KEY) === 'true';
}

export async function setTwoFactorRequired(deps: Deps, meta: RequestMeta, adminId: number, required: boolean): Promise<void> {
  await writeInstanceSetting(deps.db, REQUIRE_KEY, required ? 'true' : 'false', deps.clock.now().getTime());
  await recordAudit(deps, meta, { userId: adminId, event: required ? 'two_factor.required' : 'two_factor.optional' });
}

/** Every account, with whether it has a second factor, for the admin's sign-in page. */
export async function accountsForSignInAdmin(deps: Deps): Promise<{ id: number; email: string; status: string; hasSecondFactor: boolean }[]> {
  const [users, withFactor] = await Promise.all([listUsers(deps.db), accountsWithSecondFactor(deps.db)]);
  return users.map((u) => ({ id: u.id, email: u.email, status: u.status, hasSecondFactor: withFactor.has(u.id) }));
}
