import type { Context } from 'mocha';
import { postgresCluster, postgresMissing, stopPostgresCluster } from './test-database';

/**
 * Root hooks for the PostgreSQL run (`.mocharc.postgres.json` requires this file): one cluster for
 * the whole run, stopped at its end. Where PostgreSQL is not installed the run is skipped with the
 * reason, except on CI, where a skipped database is a failure.
 */
export const mochaHooks = {
  async beforeAll(this: Context): Promise<void> {
    const missing = postgresMissing();
    if (missing && process.env.CI === 'true') throw new Error(`PostgreSQL tests cannot run on CI: ${missing}`);
    if (missing) {
      console.warn(`\n  PostgreSQL tests skipped: ${missing}\n`);
      this.skip();
    }
    this.timeout(60_000);
    await postgresCluster();
  },
  async afterAll(): Promise<void> {
    await stopPostgresCluster();
  },
};
