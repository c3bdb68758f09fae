import type express from 'express';
import type { RequestHandler } from 'express';
import type { Passport } from 'passport';
import type { SessionUser } from '../db/users';

type FindUser = (sid: string, id: number) => Promise<SessionUser | null | undefined>;

/**
 * What `passport.session()` does, for Sightline's one kind of login, without the strategy object
 * and closures passport builds for every request: the session names a user id; that user, while
 * active, becomes `req.user`; a user who is gone or disabled is taken out of the session.
 */
export function sessionUser(findUser: FindUser): RequestHandler {
  return (req, _res, next) => {
    const login = (req.session as unknown as { passport?: { user?: number } } | undefined)?.passport;
    const id = login?.user;
    if (login === undefined || id === undefined || id === null) return next();
    findUser(req.sessionID, id).then((user) => {
      if (user) req.user = user;
      else delete login.user;
      next();
    }, next);
  };
}

/**
 * Gives every request of `app` passport's `login`, `logout` and `isAuthenticated`, which
 * `passport.initialize()` would copy onto each request: here they are set once, on the app's
 * request prototype.
 */
export function givePassportMethods(app: express.Express, passport: InstanceType<typeof Passport>): void {
  passport.initialize()(app.request, undefined as unknown as express.Response, () => undefined);
}
