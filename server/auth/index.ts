import type express from 'express';
import { Passport } from 'passport';
import { Strategy as LocalStrategy } from 'passport-local';
import type { Deps } from '../deps';
import { findActiveSessionUser } from '../db/users';
import { createRateLimits, type LimitRules, type RateLimits } from '../rate-limits';
import { DbSessionStore } from './session-store';
import { logIn, LoginResult } from '../services/accounts/login';
import { dummyHash } from './passwords';

/** Per-app authentication state: passport, the rate limits (kept in the database) and the session store. */
export interface Auth {
  passport: InstanceType<typeof Passport>;
  limits: RateLimits;
  sessionStore: DbSessionStore;
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
  // Every request checks that the account is still active, so a disabled or deleted one is signed
  // out on its next request (passport then takes the login out of the session). The store loads the
  // active account with the session row; only when it did not is the account looked up again.
  passport.deserializeUser<number, express.Request>((req, id, done) => {
    const account = req.session?.account;
    if (account?.id === id) return done(null, account);
    findActiveSessionUser(deps.db, id).then((user) => done(null, user ?? false), done);
  });
  return { passport, limits, sessionStore };
}
