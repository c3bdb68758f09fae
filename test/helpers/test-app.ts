import fs from 'node:fs';
import type { Writable } from 'node:stream';
import os from 'node:os';
import path from 'node:path';
import type express from 'express';
import { loadConfig, Config } from '../../server/config';
import { createDb, migrateLatest } from '../../server/db/knex';
import { createLogger } from '../../server/logger';
import { ManualClock } from '../../server/clock';
import { closeApp, createApp, type AppOptions } from '../../server/app';
import type { Deps } from '../../server/deps';
import { LocalBlobStore } from '../../server/storage';
import type { QueueOptions } from '../../server/queue';
import { assembleDeps } from '../../server/roles/process';
import { watchImageExpiry } from '../../server/services/retention/watch';
import { createTestDatabase } from './test-database';

export interface TestApp {
  app: express.Express;
  deps: Deps;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * A fresh data directory and database (SQLite, or PostgreSQL with SIGHTLINE_TEST_DATABASE=postgres),
 * migrated, with a manual clock. A test that restarts an app on the same data passes the same
 * DATA_DIR, and the `env` of one createTestDatabase (DATABASE_URL on PostgreSQL), to each.
 */
export async function buildTestApp(env: Record<string, string> = {}, opts: { logStream?: Writable; queue?: Partial<QueueOptions> } & AppOptions = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-test-'));
  const database = env.DATABASE_URL ? undefined : await createTestDatabase(dataDir);
  // bcrypt cost 4 keeps sign-ups fast in tests; production refuses anything below 12.
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', BCRYPT_COST: '4', ...database?.env, ...env });
  const db = createDb(config.database);
  await migrateLatest(db);
  const clock = new ManualClock();
  const logger = createLogger(config.logLevel, opts.logStream);
  // Neither the queue nor the webhook dispatcher is started: tests start them (or call runDue) themselves.
  const deps = await assembleDeps(config, logger, db, {
    clock,
    queue: { pollMs: 20, backoff: { baseMs: 50, capMs: 1_000, maxRetryAfterMs: 60 * 60_000 }, ...opts.queue },
    webhooks: { timeoutMs: 2000 },
  });
  const app = createApp(deps, { limitRules: opts.limitRules });
  // The worker role's retention watch: finished images get their expiry at once.
  const stopRetentionWatch = watchImageExpiry(deps);
  return {
    app,
    deps,
    clock,
    config,
    dataDir,
    async close() {
      await deps.webhooks?.stop();
      await deps.queue.stop(2_000);
      await stopRetentionWatch();
      await closeApp(app);
      await deps.describer.close();
      await db.destroy();
      await database?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The app's blob store as the local directory it is by default, for tests that look at the files. */
export function localBlobs(t: { deps: Pick<Deps, 'blobs'> }): LocalBlobStore {
  if (!(t.deps.blobs instanceof LocalBlobStore)) throw new Error('this test needs the local blob store');
  return t.deps.blobs;
}
