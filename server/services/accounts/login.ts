import type { Deps } from '../../deps';
import type { AuthLimits } from '../../auth/attempt-limiter';
import { dummyHash, verifyPasswordInSlot, withPasswordSlot } from '../../auth/passwords';
import { findUserByEmail, SessionUser } from '../../db/users';
import { recordAudit, RequestMeta } from './audit';
import { normalizeEmail } from './email';
import { restorePendingDeletion } from '../data-rights/account-deletion';

export type LoginResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'invalid' | 'disabled' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

/**
 * Checks an email and password. The limits are checked first, from memory, so a refused attempt costs
 * no bcrypt; then a place at the password gate, so a flood turned away there costs no query either;
 * an unknown email is checked against a dummy hash so it answers as slowly as a wrong password.
 */
export async function logIn(deps: Deps, limits: AuthLimits, meta: RequestMeta, emailInput: unknown, passwordInput: unknown): Promise<LoginResult> {
  const email = normalizeEmail(emailInput);
  const password = typeof passwordInput === 'string' ? passwordInput : '';
  const { loginFailuresPerIp: perIp, loginFailuresPerAccount: perAccount } = limits;
  const retryMs = Math.max(perIp.retryAfterMs(meta.ip), perAccount.retryAfterMs(email));
  if (retryMs > 0) return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(retryMs / 1000) };
  // Counted as a failure now, with no await since the check, so attempts in flight together cannot
  // all pass it; given back once the password proves right (or was never checked).
  const ipAttempt = perIp.record(meta.ip);
  const accountAttempt = perAccount.record(email);
  const giveBack = (): void => {
    perIp.release(meta.ip, ipAttempt);
    perAccount.release(email, accountAttempt);
  };

  const { user, matches } = await withPasswordSlot(async () => {
    const found = email ? await findUserByEmail(deps.db, email) : undefined;
    const hash = found?.password_hash ?? (await dummyHash(deps.config));
    return { user: found, matches: await verifyPasswordInSlot(deps.config, password, hash) };
  }).catch((err: unknown) => {
    giveBack();
    throw err;
  });
  if (!user || !matches) {
    await recordAudit(deps, meta, { userId: user?.id ?? null, event: 'login.failure' });
    return { ok: false, reason: 'invalid' };
  }
  giveBack();
  if (user.status !== 'active') {
    await recordAudit(deps, meta, { userId: user.id, event: 'login.refused' });
    return { ok: false, reason: 'disabled' };
  }
  perAccount.reset(email);
  await recordAudit(deps, meta, { userId: user.id, event: 'login.success' });
  await restorePendingDeletion(deps, meta, user.id);
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
