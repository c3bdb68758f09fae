import type { Request, Response } from 'express';
import type { Auth, LoginFailure } from '../../auth';
import type { RequestMeta } from '../../services/accounts/audit';

export function requestMeta(req: Request): RequestMeta {
  return { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '' };
}

/** Runs the passport-local strategy and hands back its outcome instead of redirecting. */
export function authenticateLocal(auth: Auth, req: Request, res: Response): Promise<{ user: Express.User | false; failure?: LoginFailure }> {
  return new Promise((resolve, reject) => {
    const handler = auth.passport.authenticate('local', (err: unknown, user: Express.User | false, info?: LoginFailure) => {
      if (err) reject(err);
      else resolve({ user, failure: info && 'reason' in info ? info : undefined });
    });
    handler(req, res, reject);
  });
}

/** Starts a fresh session for the user (passport regenerates the session id). */
export function startSession(req: Request, user: Express.User): Promise<void> {
  return new Promise((resolve, reject) => req.login(user, (err) => (err ? reject(err) : resolve())));
}

/** Ends the session; passport regenerates an empty one for the flash message. */
export function endSession(req: Request): Promise<void> {
  return new Promise((resolve, reject) => req.logout((err) => (err ? reject(err) : resolve())));
}
