import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type express from 'express';
import { loadConfig, Config } from '../../server/config';
import { createDb, migrateLatest } from '../../server/db/knex';
import { createLogger } from '../../server/logger';
import { ManualClock } from '../../server/clock';
import { createApp } from '../../server/app';
import type { Deps } from '../../server/deps';
import { createEvents } from '../../server/events';
import { createBlobStore } from '../../server/storage';

export interface TestApp {
  app: express.Express;
  deps: Deps;
  clock: ManualClock;
  config: Config;
  dataDir: string;
  close(): Promise<void>;
}

/** A fresh data directory and SQLite file, migrated, with a manual clock. */
export async function buildTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-test-'));
  const config = loadConfig({ NODE_ENV: 'test', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
  const db = createDb(config.databaseFile);
  await migrateLatest(db);
  const clock = new ManualClock();
  const deps: Deps = { config, db, logger: createLogger(config.logLevel), clock, blobs: createBlobStore(config), events: createEvents() };
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    config,
    dataDir,
    async close() {
      await db.destroy();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
