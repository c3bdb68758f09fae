import type { Request, Response } from 'express';
import type { Deps } from '../../deps';
import { hasSecondFactor, twoFactorRequired } from '../../services/two-factor';
import { isRememberedBrowser } from '../../services/two-factor/remembered';
import { restorePendingDeletion } from '../../services/data-rights/account-deletion';
import { requestMeta, startSession } from './session-helpers';

/** How long a password that passed waits for its second factor. */
const PENDING_MS = 10 * 60_000;

export function rememberCookieName(deps: Pick<Deps, 'config'>): string {
  // `__Host-` pins the cookie to this origin over HTTPS, as the session cookie is.
  return deps.config.https ? '__Host-sightline-remember' : 'sightline.remember';
}

export function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

function regenerate(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
}

/**
 * Signs the user in (a new session id) once every step has passed: a pending deletion of the
 * account is cancelled now, not at the password. Then marks the session for enrolment when the
 * instance requires two-factor and the account has none. Answers where to go next.
 */
export async function signIn(deps: Deps, req: Request, user: Express.User, next: string | undefined): Promise<string> {
  await restorePendingDeletion(deps, requestMeta(req), user.id);
  await startSession(req, user);
  if ((await twoFactorRequired(deps)) && !(await hasSecondFactor(deps, user.id))) {
    req.session.mustEnrol = true;
    return '/account/two-factor';
  }
  return next ?? '/';
}

/**
 * After the password: an account with a second factor is not signed in yet, unless this browser is
 * remembered for it; the session (under a new id) only holds the pending sign-in.
 */
export async function afterPassword(deps: Deps, req: Request, user: Express.User, next: string | undefined): Promise<string> {
  if ((await hasSecondFactor(deps, user.id)) && !(await isRememberedBrowser(deps, user.id, readCookie(req, rememberCookieName(deps))))) {
    await regenerate(req);
    req.session.pendingSignIn = { userId: user.id, next, at: deps.clock.now().getTime() };
    return '/login/two-factor';
  }
  return signIn(deps, req, user, next);
}

/** The sign-in waiting for its second factor, if it is still fresh. */
export function pendingSignIn(deps: Pick<Deps, 'clock'>, req: Request): { userId: number; next?: string } | undefined {
  const pending = req.session?.pendingSignIn;
  if (!pending || deps.clock.now().getTime() - pending.at > PENDING_MS) return undefined;
  return pending;
}

export function setRememberCookie(deps: Pick<Deps, 'config'>, res: Response, value: string, maxAgeMs: number): void {
  res.cookie(rememberCookieName(deps), value, { httpOnly: true, sameSite: 'lax', secure: deps.config.https, path: '/', maxAge: maxAgeMs });
}
