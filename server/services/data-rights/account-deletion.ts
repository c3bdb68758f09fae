import type { Deps } from '../../deps';
import { findUserPrivacy, updateUserPrivacy } from '../../db/privacy-settings';
import { accountsDueForAnonymising, scrubAccount } from '../../db/account-deletion';
import { deleteUserSessions } from '../../db/sessions';
import { revokeAllApiKeysOf } from '../../db/api-keys';
import { findImages } from '../../db/retention';
import { dummyHash, verifyPassword } from '../../auth/passwords';
import { findUserById } from '../../db/users';
import { recordAudit, RequestMeta } from '../accounts/audit';
import { removeImages } from '../retention/remove-images';
import { checkpointAndOptimize } from '../maintenance/database';
import { accountsWithLeftoverKeys, destroyTextKeys } from '../../db/text-shredding';

/** A deleted account can be restored by signing in for this long. */
export const DELETION_GRACE_MS = 30 * 24 * 3600 * 1000;

export interface DeletionRequest {
  /** who asked: the user themself, or an admin */
  actorId: number;
  /** skip the grace period */
  immediately: boolean;
}

/**
 * Deletes an account: every session ends and every API key is revoked now; the account is anonymised
 * when the grace period is over (or at once when asked). Until then, signing in again restores it,
 * but not its keys: a key may sit in scripts and places the person no longer controls, so after a
 * deletion they make new ones. Webhook deliveries are held meanwhile (see claimDueDeliveries).
 */
export async function requestAccountDeletion(deps: Deps, meta: RequestMeta | null, userId: number, request: DeletionRequest): Promise<boolean> {
  const user = await findUserPrivacy(deps.db, userId);
  if (!user || user.anonymised_at !== null) return false;
  const now = deps.clock.now().getTime();
  await deps.db.transaction(async (trx) => {
    await updateUserPrivacy(trx, userId, { deletion_requested_at: now, deletion_due_at: request.immediately ? now : now + DELETION_GRACE_MS }, now);
    await deleteUserSessions(trx, userId);
    await revokeAllApiKeysOf(trx, userId, now);
  });
  await recordAudit(deps, meta, { userId, actorId: request.actorId === userId ? null : request.actorId, event: 'account.delete' });
  if (request.immediately) await anonymiseAccount(deps, userId);
  return true;
}

/** Called on every successful sign-in: a pending deletion is cancelled. */
export async function restorePendingDeletion(deps: Deps, meta: RequestMeta | null, userId: number): Promise<boolean> {
  const user = await findUserPrivacy(deps.db, userId);
  if (!user || user.deletion_requested_at === null || user.anonymised_at !== null) return false;
  await updateUserPrivacy(deps.db, userId, { deletion_requested_at: null, deletion_due_at: null }, deps.clock.now().getTime());
  await recordAudit(deps, meta, { userId, event: 'account.restore' });
  return true;
}

/**
 * The final step: working copies deleted (receipts without a link to the person), then results,
 * receipts, batches, keys and sessions removed, the audit log stripped of identity, the email and
 * name replaced. SQLite: secure_delete zeroes the freed space; the checkpoint moves it out of the WAL.
 * PostgreSQL: the rows' old versions stay in its files, sealed; destroying the account's text keys
 * (after the rows are gone) leaves them unreadable. A key that cannot be destroyed now is logged and
 * destroyed by the next run of finishAccountDeletions.
 */
export async function anonymiseAccount(deps: Deps, userId: number): Promise<void> {
  await removeImages(deps, await findImages(deps.db, { userId }), 'account_deletion');
  const now = deps.clock.now().getTime();
  const passwordHash = await dummyHash(deps.config);
  await deps.db.transaction((trx) =>
    scrubAccount(trx, userId, { email: `deleted-${userId}@deleted.invalid`, passwordHash }, now),
  );
  await destroyTextKeys(deps.db, userId).catch((err: unknown) => deps.logger.error({ err, userId }, 'text key not destroyed yet; the next account-deletion run retries'));
  await checkpointAndOptimize(deps);
}

/** The hourly job: anonymises every account whose grace period has ended, and destroys text keys an earlier run could not. */
export async function finishAccountDeletions(deps: Deps): Promise<{ anonymised: number; keysDestroyed: number }> {
  const due = await accountsDueForAnonymising(deps.db, deps.clock.now().getTime());
  for (const userId of due) await anonymiseAccount(deps, userId);
  const leftover = await accountsWithLeftoverKeys(deps.db);
  for (const userId of leftover) await destroyTextKeys(deps.db, userId);
  return { anonymised: due.length, keysDestroyed: leftover.length };
}

export type ConfirmedDeletion = { ok: true } | { ok: false; errors: Record<string, string> };

/** The user deletes their own account, after re-entering their password. */
export async function deleteOwnAccount(
  deps: Deps,
  meta: RequestMeta,
  userId: number,
  input: { password?: unknown; immediately?: unknown },
): Promise<ConfirmedDeletion> {
  const user = await findUserById(deps.db, userId);
  const password = typeof input.password === 'string' ? input.password : '';
  if (!user || !password || !(await verifyPassword(deps.config, password, user.password_hash))) {
    return { ok: false, errors: { password: 'Enter your current password to delete your account.' } };
  }
  await requestAccountDeletion(deps, meta, userId, { actorId: userId, immediately: input.immediately === 'on' });
  return { ok: true };
}
