import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../../helpers/test-app';
import { startFakeOpenAI, type FakeOpenAI } from '../../helpers/fake-openai';
import { waitFor, workingCopyJpeg } from '../../helpers/queue-fixtures';
import { insertUser } from '../../helpers/rows';
import { testDatabaseKind } from '../../helpers/test-database';
import type { Deps } from '../../../server/deps';
import { ProcessConnection } from '../../../server/db/process-connection';
import { describeWithoutStoring, zeroRetentionQueue } from '../../../server/services/zero-retention';
import { failInterruptedZeroRetentionJob } from '../../../jobs/fail-interrupted-zero-retention';

describe('zero-retention images interrupted by a stopped process', () => {
  let fake: FakeOpenAI;
  let t: TestApp;
  const connections: ProcessConnection[] = [];
  const onPostgres = testDatabaseKind() === 'postgres';

  beforeEach(async () => {
    fake = await startFakeOpenAI();
    t = await buildTestApp({ DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
  });
  afterEach(async () => {
    fake.release();
    await Promise.all(connections.splice(0).map((c) => c.close()));
    await t.close();
    await fake.close();
  });

  /** This process's own connection on PostgreSQL, as the roles open it; none on SQLite. */
  async function connect(): Promise<ProcessConnection | undefined> {
    if (!onPostgres) return undefined;
    const connection = new ProcessConnection((t.config.database as { url: string }).url, t.deps.logger);
    await connection.open();
    connections.push(connection);
    return connection;
  }

  const statuses = async (batchId: string) => (await t.deps.db('images').where({ batch_id: batchId }).orderBy('id').select('status')).map((r) => r.status as string);

  it('leaves a live process\'s images alone, and fails them once that process is gone', async () => {
    t.deps.connection = await connect(); // the web process describing from memory
    fake.hold();
    const userId = await insertUser(t.deps.db);
    const jpeg = await workingCopyJpeg();
    const { batchId } = await describeWithoutStoring(t.deps, userId, [{ originalName: 'a.jpg', bytes: jpeg }, { originalName: 'b.jpg', bytes: jpeg }], {});
    await waitFor(() => fake.requests.length === 2, 5_000, 'both images to reach the model');

    // Another process boots (on SQLite, where there is one process, the next tick of this one).
    const booting: Deps = onPostgres ? { ...t.deps, connection: await connect() } : t.deps;
    expect(await failInterruptedZeroRetentionJob.run(booting, { atBoot: true })).to.deep.equal({ failed: 0 });
    expect(await statuses(batchId)).to.deep.equal(['queued', 'queued']);

    // The web process dies: its session (and lock) ends; on SQLite the process restarts without it.
    if (onPostgres) await t.deps.connection!.close();
    const afterwards: Deps = onPostgres ? booting : { ...t.deps };
    expect(await failInterruptedZeroRetentionJob.run(afterwards, { atBoot: true })).to.deep.equal({ failed: 2 });
    const rows = await t.deps.db('images').where({ batch_id: batchId }).select('status', 'error');
    expect(rows.map((r) => r.status)).to.deep.equal(['failed', 'failed']);
    expect(rows[0].error).to.match(/upload it again/);
    fake.release(); // the test's "dead" process still has its tasks: let them end before closing
    await waitFor(() => zeroRetentionQueue(t.deps).size === 0, 5_000, 'the in-memory queue to empty');
  });
});
