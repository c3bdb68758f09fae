import path from 'node:path';
import express from 'express';
import type { Deps } from './deps';
import { mountRoutes } from './routes';
import { notFound, errorHandler } from './middleware/errors';
import { watchImageExpiry } from './services/retention/watch';

export const PROJECT_ROOT = path.resolve(__dirname, '../..');

/** Builds the Express app around its dependencies; listening is the caller's business. */
export function createApp(deps: Deps): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('view engine', 'ejs');
  app.set('views', path.join(PROJECT_ROOT, 'views'));
  app.locals.deps = deps;
  watchImageExpiry(deps);

  mountRoutes(app, deps);

  app.use(notFound);
  app.use(errorHandler(deps));
  return app;
}
