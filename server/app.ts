import path from 'node:path';
import express from 'express';
import type { Deps } from './deps';
import { mountRoutes } from './routes';
import { notFound, errorHandler } from './middleware/errors';
import { createAuth, type Auth } from './auth';
import type { LimitRules } from './rate-limits';
import { passwordGate, refuseWhenFull } from './auth/cpu-gate';
import { requestLogger } from './middleware/request-logger';
import { noStore, securityHeaders } from './middleware/security';
import { webSession } from './middleware/web-session';
import { formatTime, mayAct, statusLabel } from './view-helpers';
import { languageName } from './describers/honours';
import { PURPOSES } from './describers/purpose';
import { FILTERABLE_RULES } from './services/audit/flags';
import { RULE_LABELS } from './services/audit/rules';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

export interface AppOptions {
  /** Replaces single rate-limit rules; tests shorten windows, since the limits run on real time. */
  limitRules?: Partial<LimitRules>;
}

/** Builds the Express app around its dependencies; listening is the caller's business. */
export function createApp(deps: Deps, options: AppOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  // Pages are no-store and API answers are not cached either, so hashing every body for an ETag
  // would buy nothing. Static files get their own validators from express.static.
  app.set('etag', false);
  app.set('trust proxy', deps.config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(PROJECT_ROOT, 'views'));
  // Template lookups and EJS's compiled templates are kept whatever NODE_ENV says (Express only
  // caches in production); edits need a restart.
  app.set('view cache', true);
  app.locals.deps = deps;
  app.locals.user = null;
  app.locals.csrfToken = '';
  app.locals.currentPath = '';
  app.locals.takeFlashes = () => [];
  app.locals.formatTime = formatTime;
  app.locals.mayAct = mayAct;
  app.locals.languageName = languageName;
  app.locals.purposes = PURPOSES;
  // The checks a page can filter by, with their labels (views/review/flag-filter.ejs).
  app.locals.flagChoices = FILTERABLE_RULES.map((rule) => [rule, RULE_LABELS[rule]]);
  app.locals.statusLabel = statusLabel;
  // Whether pages offer "Sign up": only when anyone may (the first account is offered by /login itself).
  app.locals.signupOpen = deps.config.signup === 'open';

  const auth = createAuth(deps, options.limitRules);
  app.locals.auth = auth;
  app.use(requestLogger(deps.logger));
  app.use(securityHeaders(deps.config));
  // Static files come before sessions: no database work for a stylesheet.
  // Mounted by prefix so other paths never touch the disk.
  for (const dir of ['css', 'js']) {
    app.use(`/${dir}`, express.static(path.join(PROJECT_ROOT, 'public', dir), { index: false, maxAge: '1h' }));
  }
  app.use(noStore);
  app.post(['/login', '/signup'], refuseWhenFull(passwordGate));
  app.use(webSession(deps, auth));

  mountRoutes(app, deps, auth);

  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}

/** Closes what the app holds besides answering requests: the rate limits' store. */
export async function closeApp(app: express.Express): Promise<void> {
  await (app.locals.auth as Auth).limits.close();
}
