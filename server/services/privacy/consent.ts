import type { Deps } from '../../deps';
import { findUserPrivacy, updateUserPrivacy } from '../../db/privacy-settings';

/**
 * When the describer sends images off this machine, each user confirms once, for that destination,
 * before their first upload. A new destination (the admin switched providers) asks again.
 */
export async function needsDescriberConsent(deps: Deps, userId: number): Promise<boolean> {
  const destination = deps.describer.destination;
  if (!destination.offMachine) return false;
  const user = await findUserPrivacy(deps.db, userId);
  return user?.describer_consent_destination !== destination.host;
}

export async function confirmDescriberConsent(deps: Deps, userId: number): Promise<void> {
  const now = deps.clock.now().getTime();
  await updateUserPrivacy(deps.db, userId, { describer_consent_destination: deps.describer.destination.host, describer_consent_at: now }, now);
}
