import path from 'node:path';
import type { DatabaseTarget } from '../../server/db/knex';
import { PostgresCluster, postgresBinDir } from './postgres-cluster';

/**
 * Which database the tests run on: SQLite (the default) or, with SIGHTLINE_TEST_DATABASE=postgres,
 * a throwaway PostgreSQL cluster shared by every test file of the run.
 */
export type TestDatabaseKind = 'sqlite' | 'postgres';

export function testDatabaseKind(): TestDatabaseKind {
  const kind = process.env.SIGHTLINE_TEST_DATABASE ?? 'sqlite';
  if (kind !== 'sqlite' && kind !== 'postgres') throw new Error(`SIGHTLINE_TEST_DATABASE must be sqlite or postgres, not ${kind}`);
  return kind;
}

let cluster: Promise<PostgresCluster> | undefined;

/**
 * The run's cluster, started on first use: by the root hook below in a full run, or by the first test
 * app when a single file runs without it (its watchdog then stops it when the process ends).
 */
export function postgresCluster(): Promise<PostgresCluster> {
  cluster ??= PostgresCluster.start();
  return cluster;
}

export async function stopPostgresCluster(): Promise<void> {
  const started = cluster;
  cluster = undefined;
  if (started) await (await started).stop();
}

/** Why the PostgreSQL run cannot happen on this machine, or undefined when it can. */
export function postgresMissing(): string | undefined {
  return postgresBinDir() ? undefined : 'PostgreSQL is not installed (apt-get install postgresql)';
}

export interface TestDatabase {
  target: DatabaseTarget;
  /** What loadConfig needs to open it (SQLite needs nothing: the file goes in DATA_DIR). */
  env: Record<string, string>;
  /** Drops a PostgreSQL database; an SQLite file goes with its directory. */
  drop(): Promise<void>;
}

/**
 * A database of its own for one test app, of the run's kind. On SQLite a new file in `dataDir`,
 * empty (migrating it takes milliseconds); on PostgreSQL a copy of the migrated template, or an empty
 * database when the test runs the migrations itself.
 */
export async function createTestDatabase(dataDir: string, schema: 'migrated' | 'empty' = 'migrated'): Promise<TestDatabase> {
  if (testDatabaseKind() === 'sqlite') {
    return { target: { client: 'sqlite', filename: path.join(dataDir, 'sightline.sqlite') }, env: {}, drop: async () => {} };
  }
  const cluster = await postgresCluster();
  const { name, url } = await cluster.createDatabase({ migrated: schema === 'migrated' });
  return { target: { client: 'postgres', url }, env: { DATABASE_URL: url }, drop: () => cluster.dropDatabase(name) };
}

/**
 * `it` for a promise only the SQLite database keeps: what its own file and WAL hold on disk. A
 * PostgreSQL run leaves such a test out (the README says which promises those are).
 */
export const itOnSqlite = ((title: string, fn: Mocha.AsyncFunc) => (testDatabaseKind() === 'sqlite' ? it(title, fn) : undefined)) as (
  title: string,
  fn: Mocha.AsyncFunc,
) => Mocha.Test | undefined;
