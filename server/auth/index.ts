import type express from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Deps } from '../deps';
import { findActiveSessionUser, type SessionUser } from '../db/users';
import { findSessionWithUser } from '../db/sessions';
import { createRateLimits, type LimitRules, type RateLimits } from '../rate-limits';
import { DbSessionStore } from './session-store';
import { logIn, LoginResult } from '../services/accounts/login';
import { dummyHash } from './passwords';
import { sessionUser } from './session-user';

/** Per-app authentication state: passport, the rate limits (kept in the database), the session store and the signed-in user. */
export interface Auth {
  passport: InstanceType<typeof Passport>;
  limits: RateLimits;
  sessionStore: DbSessionStore;
  /** Sets `req.user` from the session's login, as passport.session() would. */
  sessionUser: express.RequestHandler;
}

export type LoginFailure = Exclude<LoginResult, { ok: true }>;

export function createAuth(deps: Deps, limitRules: Partial<LimitRules> = {}): Auth {
  const limits = createRateLimits(deps.config, deps.db, limitRules);
  // Made now, off the main thread, so the first unknown email does not take two hashes' time.
  dummyHash(deps.config).catch((err: unknown) => deps.logger.warn({ err }, 'could not prepare the dummy password hash'));
  const sessionStore = new DbSessionStore(deps.db, deps.clock, {
    idleMs: deps.config.sessionIdleMinutes * 60_000,
    absoluteMs: deps.config.sessionAbsoluteHours * 3_600_000,
  });
  // One Passport per app, so apps built side by side in tests never share strategies.
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'email', passwordField: 'password', passReqToCallback: true }, (req, email, password, done) => {
      const meta = { ip: req.ip ?? '', userAgent: req.get('user-agent') ?? '' };
      logIn(deps, limits, meta, email, password).then(
        (result) => (result.ok ? done(null, result.user) : done(null, false, { message: result.reason, ...result })),
        (err) => done(err),
      );
    }),
  );
  passport.serializeUser<number>((user, done) => done(null, user.id));
  // The account comes with the session row (one query for both), so a disabled user is signed out
  // on their next request.
  const activeUser = async (sid: string, id: number): Promise<SessionUser | null | undefined> => {
    const row = await findSessionWithUser(deps.db, sid);
    return row?.user_id === id ? row.user : findActiveSessionUser(deps.db, id);
  };
  return { passport, limits, sessionStore, sessionUser: sessionUser(activeUser) };
}
