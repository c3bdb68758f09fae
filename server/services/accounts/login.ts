import type { Deps } from '../../deps';
import type { RateLimits } from '../../rate-limits';
import { passwordGate } from '../../auth/cpu-gate';
import { dummyHash, verifyPasswordInSlot, withPasswordSlot } from '../../auth/passwords';
import { findUserByEmail, SessionUser } from '../../db/users';
import { recordAudit, RequestMeta } from './audit';
import { normalizeEmail } from './email';

export type LoginResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks an email and password. A full password gate refuses first, before any query, so a flood it
 * turns away costs nothing; then the limits count the attempt as a failure (in the database, shared
 * by every process), so a refused attempt costs no bcrypt; an unknown email is checked against a
 * dummy hash so it answers as slowly as a wrong password.
 */
export async function logIn(deps: Deps, limits: RateLimits, meta: RequestMeta, emailInput: unknown, passwordInput: unknown): Promise<LoginResult> {
  const email = normalizeEmail(emailInput);
  const password = typeof passwordInput === 'string' ? passwordInput : '';
  passwordGate.refuseWhenFull();
  const { loginPerIp: perIp, loginPerAccount: perAccount } = limits;
  // Counted as a failure now, checked and counted in one step, so attempts in flight together cannot
  // all pass; given back once the password proves right (or was never checked).
  const ipVerdict = await perIp.take(meta.ip);
  if (!ipVerdict.allowed) return throttled(ipVerdict.resetMs);
  const accountVerdict = await perAccount.take(email);
  if (!accountVerdict.allowed) {
    await perIp.giveBack(meta.ip);
    return throttled(accountVerdict.resetMs);
  }
  const giveBack = async (): Promise<void> => {
    await Promise.all([perIp.giveBack(meta.ip), perAccount.giveBack(email)]);
  };

  const { user, matches } = await withPasswordSlot(async () => {
    const found = email ? await findUserByEmail(deps.db, email) : undefined;
    const hash = found?.password_hash ?? (await dummyHash(deps.config));
    return { user: found, matches: await verifyPasswordInSlot(deps.config, password, hash) };
  }).catch(async (err: unknown) => {
    await giveBack();
    throw err;
  });
  if (!user || !matches) {
    await recordAudit(deps, meta, { userId: user?.id ?? null, event: 'login.failure' });
    return { ok: false, reason: 'invalid' };
  }
  await giveBack();
  if (user.status !== 'active') {
    await recordAudit(deps, meta, { userId: user.id, event: 'login.refused' });
    return { ok: false, reason: 'disabled' };
  }
  await perAccount.reset(email);
  await recordAudit(deps, meta, { userId: user.id, event: 'login.success' });
  // A pending deletion is cancelled once the whole sign-in (second step included) is done: signIn.
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}

function throttled(resetMs: number): LoginResult {
  return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil(resetMs / 1000)) };
}
