import { Router, type Request } from 'express';
import type { Deps } from '../../deps';
import { requireUser } from '../../middleware/auth';
import { flash } from '../../middleware/flash';
import { HttpError } from '../../middleware/errors';
import { findActiveSessionUser } from '../../db/users';
import { recordAudit } from '../../services/accounts/audit';
import {
  authenticationOptions,
  finishAuthentication,
  finishRegistration,
  registrationOptions,
  relyingParty,
  removePasskey,
  userHandleOf,
} from '../../services/passkeys';
import { requestMeta } from './session-helpers';
import { pendingSignIn, signIn } from './sign-in-steps';

/** A challenge is answered within this time or not at all. */
const CHALLENGE_MS = 5 * 60_000;

/** Passkeys are bound to BASE_URL's host; without it (a local install), to the host the browser used. */
function rpFor(deps: Deps, req: Request) {
  return relyingParty(deps.config.baseUrl ?? `${req.protocol}://${req.get('host')}`);
}

/** Takes the session's challenge for `purpose`: each one answers at most once. */
function takeChallenge(deps: Deps, req: Request, purpose: 'register' | 'second-factor' | 'passwordless'): string | undefined {
  const stored = req.session.webauthn;
  delete req.session.webauthn;
  if (!stored || stored.purpose !== purpose || deps.clock.now().getTime() - stored.at > CHALLENGE_MS) return undefined;
  return stored.challenge;
}

/**
 * Passkeys: registered from the account page (JSON for public/js/passkeys.js; delete is a plain
 * form), used as the second sign-in step or to sign in without a password.
 */
export function passkeyRoutes(deps: Deps): Router {
  const router = Router();
  router.use('/account/passkeys', requireUser);

  router.post('/account/passkeys/options', async (req, res) => {
    const options = await registrationOptions(deps, rpFor(deps, req), req.user!);
    req.session.webauthn = { challenge: options.challenge, purpose: 'register', at: deps.clock.now().getTime(), userHandle: userHandleOf(options) };
    res.json(options);
  });

  router.post('/account/passkeys', async (req, res) => {
    const handle = req.session.webauthn?.userHandle;
    const challenge = takeChallenge(deps, req, 'register');
    if (!challenge || !handle) throw new HttpError(400, 'Start again: the passkey request has expired.', 'challenge_expired');
    const result = await finishRegistration(deps, requestMeta(req), rpFor(deps, req), req.user!, { challenge, userHandle: handle }, req.body ?? {});
    if (!result.ok) {
      res.status(422).json({ error: result.error });
      return;
    }
    delete req.session.mustEnrol;
    flash(req, 'success', 'Passkey added.');
    res.status(201).json({ redirect: '/account/two-factor' });
  });

  router.post('/account/passkeys/:id/delete', async (req, res) => {
    if (!(await removePasskey(deps, requestMeta(req), req.user!.id, req.params.id))) throw new HttpError(404, 'Not found', 'not_found');
    flash(req, 'success', 'Passkey removed.');
    res.redirect(303, '/account/two-factor');
  });

  // Sign-in: the second step for a pending sign-in, or passwordless from the login page.
  router.post('/login/passkey/options', async (req, res) => {
    const pending = pendingSignIn(deps, req);
    const options = await authenticationOptions(deps, rpFor(deps, req), pending?.userId);
    req.session.webauthn = { challenge: options.challenge, purpose: pending ? 'second-factor' : 'passwordless', at: deps.clock.now().getTime() };
    res.json(options);
  });

  router.post('/login/passkey', async (req, res) => {
    const pending = pendingSignIn(deps, req);
    const challenge = takeChallenge(deps, req, pending ? 'second-factor' : 'passwordless');
    if (!challenge) throw new HttpError(400, 'Start again: the passkey request has expired.', 'challenge_expired');
    const userId = await finishAuthentication(deps, rpFor(deps, req), challenge, req.body?.response, pending?.userId);
    const user = userId === undefined ? undefined : await findActiveSessionUser(deps.db, userId);
    if (!user) {
      if (userId !== undefined) await recordAudit(deps, requestMeta(req), { userId, event: 'login.refused' });
      res.status(401).json({ error: 'That passkey did not sign you in. Try again, or use your password.' });
      return;
    }
    if (!pending) await recordAudit(deps, requestMeta(req), { userId: user.id, event: 'login.passkey' });
    res.json({ redirect: await signIn(deps, req, user, pending?.next) });
  });

  return router;
}
