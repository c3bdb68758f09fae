import express from 'express';
import type { Deps } from '../deps';
import { databaseState } from '../db/knex';
import { createApiV1Router } from './api/v1';

/** The route table: every area mounts its router here, in order. */
export function mountRoutes(app: express.Express, deps: Deps): void {
  app.get('/healthz', async (_req, res) => {
    const database = await databaseState(deps.db);
    res.status(database === 'ok' ? 200 : 503).json({ status: database === 'ok' ? 'ok' : 'degraded', database });
  });
  app.use('/api/v1', createApiV1Router(deps));
}
