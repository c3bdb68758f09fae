import type { Deps } from '../../deps';
import type { RateLimits } from '../../rate-limits';
import { hashPassword, verifyPassword } from '../../auth/passwords';
import { passwordProblem } from '../../auth/password-policy';
import { findUserByEmail, findUserById, updateUser } from '../../db/users';
import { deleteUserSessions } from '../../db/sessions';
import { HttpError } from '../../middleware/errors';
import { recordAudit, RequestMeta } from './audit';
import { isValidEmail, normalizeEmail } from './email';

export type ChangeResult = { ok: true } | { ok: false; errors: Record<string, string> };

export async function changeName(deps: Deps, userId: number, nameInput: unknown): Promise<void> {
  const name = typeof nameInput === 'string' ? nameInput.trim().slice(0, 100) : '';
  await updateUser(deps.db, userId, { name, updated_at: deps.clock.now().getTime() });
}

/** Re-checks the current password, under the same per-account limit as logging in. */
async function confirmPassword(deps: Deps, limits: RateLimits, userId: number, password: unknown): Promise<boolean> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new HttpError(404, 'Not found', 'not_found');
  // Counted before the check, as at sign-in, so checks in flight together cannot pass the limit.
  const verdict = await limits.loginPerAccount.take(user.email);
  if (!verdict.allowed) {
    throw new HttpError(429, 'Too many wrong passwords. Try again later.', 'rate_limited', { retryAfterSeconds: Math.max(1, Math.ceil(verdict.resetMs / 1000)) });
  }
  const ok = await verifyPassword(deps.config, typeof password === 'string' ? password : '', user.password_hash).catch(async (err: unknown) => {
    await limits.loginPerAccount.giveBack(user.email);
    throw err;
  });
  if (ok) await limits.loginPerAccount.giveBack(user.email);
  return ok;
}

export async function changeEmail(deps: Deps, limits: RateLimits, meta: RequestMeta, userId: number, input: { email: unknown; currentPassword: unknown }): Promise<ChangeResult> {
  const email = normalizeEmail(input.email);
  if (!isValidEmail(email)) return { ok: false, errors: { email: 'Enter an email address such as name@example.com.' } };
  if (!(await confirmPassword(deps, limits, userId, input.currentPassword))) {
    return { ok: false, errors: { emailCurrentPassword: 'That is not your current password.' } };
  }
  const taken = await findUserByEmail(deps.db, email);
  if (taken && taken.id !== userId) return { ok: false, errors: { email: 'That email address cannot be used.' } };
  await updateUser(deps.db, userId, { email, updated_at: deps.clock.now().getTime() });
  await recordAudit(deps, meta, { userId, event: 'email.change' });
  return { ok: true };
}

/** Changing the password ends every session of the account, the current one included. */
export async function changePassword(deps: Deps, limits: RateLimits, meta: RequestMeta, userId: number, input: { currentPassword: unknown; newPassword: unknown }): Promise<ChangeResult> {
  const user = await findUserById(deps.db, userId);
  if (!user) throw new HttpError(404, 'Not found', 'not_found');
  const newPassword = typeof input.newPassword === 'string' ? input.newPassword : '';
  const problem = passwordProblem(newPassword, user.email);
  if (problem) return { ok: false, errors: { newPassword: problem } };
  if (!(await confirmPassword(deps, limits, userId, input.currentPassword))) {
    return { ok: false, errors: { currentPassword: 'That is not your current password.' } };
  }
  const passwordHash = await hashPassword(deps.config, newPassword);
  await deps.db.transaction(async (trx) => {
    await updateUser(trx, userId, { password_hash: passwordHash, updated_at: deps.clock.now().getTime() });
    await deleteUserSessions(trx, userId);
    await recordAudit({ ...deps, db: trx }, meta, { userId, event: 'password.change' });
  });
  return { ok: true };
}
