import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { waitFor } from '../helpers/queue-fixtures';
import { JobRunner, type Job } from '../../jobs/runner';
import { ProcessConnection } from '../../server/db/process-connection';

describe('scheduled jobs with several scheduler processes on PostgreSQL', () => {
  let t: TestApp;
  let connections: ProcessConnection[];
  beforeEach(async () => {
    t = await buildTestApp();
    // Each scheduler process has its own connection: its own PostgreSQL session.
    connections = [0, 1].map(() => new ProcessConnection((t.config.database as { url: string }).url, t.deps.logger));
    await Promise.all(connections.map((c) => c.open()));
  });
  afterEach(async () => {
    await Promise.all(connections.map((c) => c.close()));
    await t.close();
  });

  it('runs a job that two schedulers start at the same time once, and again once it has finished', async () => {
    let runs = 0;
    let finish = () => undefined as void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const job: Job = {
      name: 'count-runs',
      schedule: '* * * * *',
      run: async () => {
        runs += 1;
        await held; // still running while the other scheduler tries
        return { runs };
      },
    };
    const [first, second] = connections.map((connection) => new JobRunner({ ...t.deps, connection }, [job]));
    const firstRun = first!.runJob(job);
    await waitFor(() => runs === 1, 5_000, 'the first scheduler to start the job');
    // The second either skips (resolves at once) or starts a second run; whichever comes first.
    const secondOutcome = await Promise.race([second!.runJob(job).then((counts) => ({ counts })), waitFor(() => runs === 2, 5_000, 'a second run').then(() => 'ran twice')]);
    expect(secondOutcome).to.deep.equal({ counts: undefined });
    finish();
    expect(await firstRun).to.deep.equal({ runs: 1 });
    // The lock went with the run: the next tick, in either process, runs it.
    expect(await second!.runJob(job)).to.deep.equal({ runs: 2 });
  });
});
