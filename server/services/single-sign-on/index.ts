import crypto from 'node:crypto';
// openid-client is ESM-only: Node 20.20 loads it with require(), which this CommonJS build emits.
import * as oidc from 'openid-client';
import type { Config } from '../../config';
import { isLoopbackHost } from '../../config';
import type { Deps } from '../../deps';
import { hashPassword } from '../../auth/passwords';
import { findUserByEmail, insertUser, type SessionUser } from '../../db/users';
import { recordAudit, type RequestMeta } from '../accounts/audit';
import { normalizeEmail, isValidEmail } from '../accounts/email';

type OidcSettings = NonNullable<Config['oidc']>;

/** The provider's metadata, fetched once per configuration (a failed fetch is tried again next time). */
const discovered = new WeakMap<OidcSettings, Promise<oidc.Configuration>>();

function configuration(settings: OidcSettings): Promise<oidc.Configuration> {
  let found = discovered.get(settings);
  if (!found) {
    const issuer = new URL(settings.issuer);
    // Plain HTTP only for a provider on this machine (config.ts refuses it elsewhere).
    const execute = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname) ? [oidc.allowInsecureRequests] : [];
    found = oidc.discovery(issuer, settings.clientId, settings.clientSecret, undefined, { execute });
    found.catch(() => discovered.delete(settings));
    discovered.set(settings, found);
  }
  return found;
}

export interface SignOnRequest {
  url: string;
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** The address to send the browser to: authorization code flow with PKCE (S256), state and nonce. */
export async function startSignOn(deps: Pick<Deps, 'config'>, redirectUri: string): Promise<SignOnRequest | undefined> {
  const settings = deps.config.oidc;
  if (!settings) return undefined;
  const config = await configuration(settings);
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  return { url: url.href, codeVerifier, state, nonce };
}

export type SignOnResult =
  | { ok: true; user: SessionUser }
  | { ok: false; reason: 'failed' | 'unverified' | 'no_account' | 'disabled' };

/** The claims that matter here, from the ID token or, where it leaves them out, the userinfo endpoint. */
async function claimsOf(config: oidc.Configuration, tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers) {
  const idClaims = tokens.claims();
  if (!idClaims) throw new Error('no ID token');
  if (idClaims.email !== undefined) return idClaims;
  return { ...idClaims, ...(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)) };
}

/**
 * Finishes the flow: checks state, nonce and PKCE (openid-client does), then finds the account by
 * the provider's email address, only when the provider says it verified it; a new account is made
 * when the admin allows it (OIDC_ALLOW_SIGNUP). A disabled account is refused, as at the password.
 */
export async function finishSignOn(
  deps: Deps,
  meta: RequestMeta,
  callbackUrl: URL,
  expected: { codeVerifier: string; state: string; nonce: string },
): Promise<SignOnResult> {
  const settings = deps.config.oidc;
  if (!settings) return { ok: false, reason: 'failed' };
  let claims: Awaited<ReturnType<typeof claimsOf>>;
  try {
    const config = await configuration(settings);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, {
      pkceCodeVerifier: expected.codeVerifier,
      expectedState: expected.state,
      expectedNonce: expected.nonce,
      idTokenExpected: true,
    });
    claims = await claimsOf(config, tokens);
  } catch (err) {
    deps.logger.warn({ err }, 'single sign-on failed');
    return { ok: false, reason: 'failed' };
  }
  const email = normalizeEmail(claims.email);
  if (!isValidEmail(email) || claims.email_verified !== true) {
    await recordAudit(deps, meta, { userId: null, event: 'login.sso_refused', detail: 'email not verified' });
    return { ok: false, reason: 'unverified' };
  }
  let user = await findUserByEmail(deps.db, email);
  if (!user) {
    if (!settings.allowSignup) {
      await recordAudit(deps, meta, { userId: null, event: 'login.sso_refused', detail: 'no account' });
      return { ok: false, reason: 'no_account' };
    }
    // A password nobody knows: the account signs in through the provider (or resets nothing here).
    const passwordHash = await hashPassword(deps.config, crypto.randomBytes(32).toString('base64url'));
    const name = typeof claims.name === 'string' ? claims.name.slice(0, 100) : '';
    const id = await insertUser(deps.db, { email, name, password_hash: passwordHash, role: 'user', created_at: deps.clock.now().getTime() });
    await recordAudit(deps, meta, { userId: id, event: 'signup', detail: 'single sign-on' });
    user = await findUserByEmail(deps.db, email);
    if (!user) return { ok: false, reason: 'failed' };
  }
  if (user.status !== 'active') {
    await recordAudit(deps, meta, { userId: user.id, event: 'login.refused' });
    return { ok: false, reason: 'disabled' };
  }
  await recordAudit(deps, meta, { userId: user.id, event: 'login.sso' });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name, role: user.role } };
}
