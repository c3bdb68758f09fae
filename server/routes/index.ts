import express from 'express';
import type { Deps } from '../deps';
import { databaseState } from '../db/knex';

/** The route table: every area mounts its router here, in order. */
export function mountRoutes(app: express.Express, deps: Deps): void {
  app.get('/healthz', async (_req, res) => {
    const database = await databaseState(deps.db);
    res.status(database === 'ok' ? 200 : 503).json({ status: database === 'ok' ? 'ok' : 'degraded', database });
  });
}
