import crypto from 'node:crypto';
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Deps } from '../../deps';
import { deletePasskey, findPasskey, insertPasskey, listPasskeys, touchPasskey } from '../../db/passkeys';
import { recordAudit, type RequestMeta } from '../accounts/audit';

/** Where passkeys are bound: the site's origin and its host name (the WebAuthn relying party id). */
export interface RelyingParty {
  origin: string;
  rpID: string;
}

export function relyingParty(publicOrigin: string): RelyingParty {
  const url = new URL(publicOrigin);
  return { origin: url.origin, rpID: url.hostname };
}

export interface PasskeyView {
  id: string;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

export async function passkeysOf(deps: Pick<Deps, 'db'>, userId: number): Promise<PasskeyView[]> {
  return (await listPasskeys(deps.db, userId)).map((p) => ({ id: p.id, name: p.name, createdAt: p.created_at, lastUsedAt: p.last_used_at }));
}

const RP_NAME = 'Sightline';

/**
 * Options for a new passkey: discoverable (so it can sign in without an email address), every
 * existing passkey of the account excluded so one authenticator is not registered twice.
 */
export async function registrationOptions(deps: Pick<Deps, 'db'>, rp: RelyingParty, user: Express.User) {
  const existing = await listPasskeys(deps.db, user.id);
  const handle = existing[0]?.webauthn_user_id ?? crypto.randomBytes(16).toString('base64url');
  return generateRegistrationOptions({
    rpName: RP_NAME,
    rpID: rp.rpID,
    userName: user.email,
    userDisplayName: user.name || user.email,
    userID: new Uint8Array(Buffer.from(handle, 'base64url')),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({ id: p.id, transports: p.transports ? p.transports.split(',') : undefined })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
}

export type RegisterResult = { ok: true } | { ok: false; error: string };

export async function finishRegistration(
  deps: Deps,
  meta: RequestMeta,
  rp: RelyingParty,
  user: Express.User,
  expected: { challenge: string; userHandle: string },
  input: { name: unknown; response: unknown },
): Promise<RegisterResult> {
  const name = typeof input.name === 'string' ? input.name.trim().slice(0, 100) : '';
  if (!name) return { ok: false, error: 'Give the passkey a name, such as the device it is on.' };
  const verification = await verifyRegistrationResponse({
    response: input.response as RegistrationResponseJSON,
    expectedChallenge: expected.challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    requireUserVerification: false,
  }).catch(() => undefined);
  if (!verification?.verified || !verification.registrationInfo) return { ok: false, error: 'The passkey could not be verified. Try again.' };
  const { credential } = verification.registrationInfo;
  if (await findPasskey(deps.db, credential.id)) return { ok: false, error: 'That passkey is registered already.' };
  await insertPasskey(deps.db, {
    id: credential.id,
    user_id: user.id,
    webauthn_user_id: expected.userHandle,
    name,
    public_key: Buffer.from(credential.publicKey).toString('base64url'),
    counter: credential.counter,
    transports: (credential.transports ?? []).join(','),
    created_at: deps.clock.now().getTime(),
  });
  await recordAudit(deps, meta, { userId: user.id, event: 'passkey.add', detail: name });
  return { ok: true };
}

/** Options to sign in: any discoverable passkey (passwordless), or only the pending account's (second factor). */
export async function authenticationOptions(deps: Pick<Deps, 'db'>, rp: RelyingParty, userId?: number) {
  const allow = userId === undefined ? undefined : (await listPasskeys(deps.db, userId)).map((p) => ({ id: p.id, transports: p.transports ? p.transports.split(',') : undefined }));
  return generateAuthenticationOptions({ rpID: rp.rpID, allowCredentials: allow, userVerification: userId === undefined ? 'required' : 'preferred' });
}

/**
 * Verifies a passkey's answer to the challenge. As a second factor it must be one of `userId`'s; to
 * sign in without a password the authenticator must have verified the person (PIN, biometrics),
 * which makes it two factors by itself. Answers the account it belongs to.
 */
export async function finishAuthentication(deps: Pick<Deps, 'db' | 'clock'>, rp: RelyingParty, challenge: string, response: unknown, userId?: number): Promise<number | undefined> {
  const answer = response as AuthenticationResponseJSON;
  if (typeof answer?.id !== 'string') return undefined;
  const passkey = await findPasskey(deps.db, answer.id);
  if (!passkey || (userId !== undefined && passkey.user_id !== userId)) return undefined;
  // A discoverable passkey names its account too; it must be the one the credential was made for.
  const handle = answer.response?.userHandle;
  if (handle && handle !== passkey.webauthn_user_id) return undefined;
  const verification = await verifyAuthenticationResponse({
    response: answer,
    expectedChallenge: challenge,
    expectedOrigin: rp.origin,
    expectedRPID: rp.rpID,
    credential: { id: passkey.id, publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')), counter: passkey.counter, transports: passkey.transports ? passkey.transports.split(',') : undefined },
    requireUserVerification: userId === undefined,
  }).catch(() => undefined);
  if (!verification?.verified) return undefined;
  await touchPasskey(deps.db, passkey.id, verification.authenticationInfo.newCounter, deps.clock.now().getTime());
  return passkey.user_id;
}

export async function removePasskey(deps: Deps, meta: RequestMeta, userId: number, id: string): Promise<boolean> {
  const removed = await deletePasskey(deps.db, userId, id);
  if (removed) await recordAudit(deps, meta, { userId, event: 'passkey.remove' });
  return removed;
}

/** The handle the next registration will use, so the route can keep it with the challenge. */
export function userHandleOf(options: { user: { id: string } }): string {
  return options.user.id;
}
