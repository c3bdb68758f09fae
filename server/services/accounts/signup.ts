import crypto from 'node:crypto';
import type { Deps } from '../../deps';
import type { RateLimits } from '../../rate-limits';
import { hashPassword } from '../../auth/passwords';
import { passwordProblem } from '../../auth/password-policy';
import { countUsers, findUserByEmail, insertUser, type SessionUser } from '../../db/users';
import { consumeInvite, findUsableInvite } from '../../db/invites';
import { takeTurn } from '../../db/knex';
import { HttpError } from '../../middleware/errors';
import { recordAudit, RequestMeta } from './audit';
import { isValidEmail, normalizeEmail } from './email';

export type SignupMode = 'open' | 'invite' | 'closed';

export interface SignupInput {
  email: unknown;
  password: unknown;
  name: unknown;
  invite?: unknown;
}

/** `firstAdmin` is set when this was the instance's first account, which is signed in at once. */
export type SignupResult = { ok: true; firstAdmin?: SessionUser } | { ok: false; errors: Record<string, string> };

export function hashInviteToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

/** The first account may always be created (it becomes the admin); after that SIGNUP decides, invite by default. */
export async function signupMode(deps: Deps): Promise<SignupMode | 'first'> {
  if ((await countUsers(deps.db)) === 0) return 'first';
  return deps.config.signup ?? 'invite';
}

/** Whether the signup form may be shown: answers with the reason when it may not. */
export async function signupAllowed(deps: Deps, invite: unknown): Promise<{ allowed: true } | { allowed: false; reason: string }> {
  const mode = await signupMode(deps);
  if (mode === 'first' || mode === 'open') return { allowed: true };
  if (mode === 'closed') return { allowed: false, reason: 'New accounts are not being created on this Sightline.' };
  const token = typeof invite === 'string' ? invite : '';
  if (token && (await findUsableInvite(deps.db, hashInviteToken(token), deps.clock.now().getTime()))) return { allowed: true };
  return {
    allowed: false,
    reason: token
      ? 'This invite link has already been used or has expired. Ask your administrator for a new one.'
      : 'Accounts on this Sightline are by invitation. Ask your administrator for an invite link.',
  };
}

function refuseWhenThrottled(retryMs: number): void {
  if (retryMs <= 0) return;
  throw new HttpError(429, 'Too many sign-ups from your network. Try again later.', 'rate_limited', {
    retryAfterSeconds: Math.ceil(retryMs / 1000),
  });
}

/**
 * Creates an account. The answer is the same whether or not the email already has an account (no
 * account is created then, and its owner sees the attempt in their log), so signing up never tells
 * anyone which addresses are registered. The password is hashed either way so timing agrees too.
 */
export async function signUp(deps: Deps, limits: RateLimits, meta: RequestMeta, input: SignupInput): Promise<SignupResult> {
  refuseWhenThrottled(await limits.signupPerIp.retryAfterMs(meta.ip));
  const allowed = await signupAllowed(deps, input.invite);
  if (!allowed.allowed) throw new HttpError(403, allowed.reason, 'signup_closed');

  const email = normalizeEmail(input.email);
  const password = typeof input.password === 'string' ? input.password : '';
  const name = typeof input.name === 'string' ? input.name.trim().slice(0, 100) : '';
  const errors: Record<string, string> = {};
  if (!isValidEmail(email)) errors.email = 'Enter an email address such as name@example.com.';
  const problem = passwordProblem(password, email);
  if (problem) errors.password = problem;
  if (Object.keys(errors).length > 0) return { ok: false, errors };

  // Checked again and counted in one step: sign-ups in flight together all passed the check above.
  const verdict = await limits.signupPerIp.take(meta.ip);
  if (!verdict.allowed) refuseWhenThrottled(Math.max(1, verdict.resetMs));
  const passwordHash = await hashPassword(deps.config, password);
  const now = deps.clock.now().getTime();
  const inviteHash = typeof input.invite === 'string' && input.invite ? hashInviteToken(input.invite) : null;

  let firstAdmin: SessionUser | undefined;
  await deps.db.transaction(async (trx) => {
    // Sign-ups take turns, so two at once cannot both be the first account, or both take one email.
    await takeTurn(trx, 'signup');
    const trxDeps = { ...deps, db: trx };
    const mode = await signupMode(trxDeps);
    if (mode === 'invite' && !(inviteHash && (await consumeInvite(trx, inviteHash, now)))) {
      throw new HttpError(403, 'This invite link has already been used or has expired.', 'signup_closed');
    }
    const existing = await findUserByEmail(trx, email);
    if (existing) {
      await recordAudit(trxDeps, meta, { userId: existing.id, event: 'signup.duplicate' });
      return;
    }
    const role = mode === 'first' ? 'admin' : 'user';
    const userId = await insertUser(trx, { email, name, password_hash: passwordHash, role, created_at: now });
    await recordAudit(trxDeps, meta, { userId, event: 'signup', detail: role === 'admin' ? 'first account, administrator' : null });
    if (inviteHash) await recordAudit(trxDeps, meta, { userId, event: 'invite.use' });
    // No other account exists yet, so signing in at once tells nobody anything about other addresses.
    if (role === 'admin') {
      firstAdmin = { id: userId, email, name, role };
      await recordAudit(trxDeps, meta, { userId, event: 'login.success' });
    }
  });
  return { ok: true, firstAdmin };
}
