import express from 'express';
import type { Deps } from '../deps';
import type { Auth } from '../auth';
import { databaseState } from '../db/knex';
import { authRoutes } from './web/auth';
import { dashboardRoutes } from './web/dashboard';
import { accountRoutes } from './web/account';
import { adminRoutes } from './web/admin';
import { privacyRoutes } from './web/privacy';
import { zeroRetentionRoutes } from './web/zero-retention';
import { tryRoutes } from './web/try';
import { createApiV1Router } from './api/v1';
import { describeControlRoutes } from './web/describe-control';
import { imageRoutes } from './web/images';
import { batchRoutes } from './web/batches';
import { deleteContentRoutes } from './web/delete-content';
import { versionRoutes } from './web/versions';
import { apiKeyRoutes } from './web/api-keys';
import { webhookRoutes } from './web/webhooks';
import { patternRoutes } from './web/patterns';
import { usagePageRoutes } from './web/usage';
import { apiDocsRoutes } from './web/api-docs';
import { twoFactorLoginRoutes } from './web/two-factor-login';
import { enrolmentGate, twoFactorAccountRoutes } from './web/two-factor-account';
import { passkeyRoutes } from './web/passkeys';
import { signInAdminRoutes } from './web/sign-in-admin';

/** The route table: every area mounts its router here, in order. */
export function mountRoutes(app: express.Express, deps: Deps, auth: Auth): void {
  app.get('/healthz', async (_req, res) => {
    const [database, blobs] = await Promise.all([databaseState(deps.db), deps.blobs.available().then((up) => (up ? 'ok' : 'error'))]);
    const ok = database === 'ok' && blobs === 'ok';
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', database, blobs });
  });
  app.use('/api/v1', createApiV1Router(deps, auth.limits));
  app.use(authRoutes(deps, auth));
  app.use(twoFactorLoginRoutes(deps, auth));
  app.use(passkeyRoutes(deps));
  app.use(enrolmentGate(deps));
  app.use(twoFactorAccountRoutes(deps, auth));
  app.use(signInAdminRoutes(deps));
  app.use(dashboardRoutes(deps));
  app.use(accountRoutes(deps, auth));
  app.use(privacyRoutes(deps));
  app.use(zeroRetentionRoutes(deps));
  app.use(tryRoutes(deps, auth.limits));
  app.use(adminRoutes(deps));
  app.use(describeControlRoutes(deps));
  app.use(imageRoutes(deps));
  app.use(batchRoutes(deps));
  app.use(deleteContentRoutes(deps));
  app.use(versionRoutes(deps));
  app.use(apiKeyRoutes(deps));
  app.use(webhookRoutes(deps));
  app.use(patternRoutes(deps));
  app.use(usagePageRoutes(deps));
  app.use(apiDocsRoutes(deps));
}
