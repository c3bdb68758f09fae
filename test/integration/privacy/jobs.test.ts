import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'chai';
import cron from 'node-cron';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { seedImageWithBlob, blobFilesOnDisk, fakeJpegBytes } from '../../helpers/privacy-seed';
import { SCHEDULE, startJobs } from '../../../jobs';
import { JobRunner, Job } from '../../../jobs/runner';
import { createDb } from '../../../server/db/knex';
import { startTextKeys, textKeyBlobNames } from '../../../server/db/text-shredding';
import { createLogger } from '../../../server/logger';
import { createBlobStore } from '../../../server/storage';
import { createEvents } from '../../../server/events';
import { ManualClock } from '../../../server/clock';
import type { Deps } from '../../../server/deps';

const DAY = 24 * 3600 * 1000;

function capturingLogger(lines: string[]) {
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return createLogger('info', stream);
}

describe('scheduled jobs', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('lists every retention job in one schedule table with a valid cron expression', () => {
    expect(SCHEDULE.map((j) => j.name)).to.include.members([
      'expire-image-blobs',
      'purge-expired-text',
      'sweep-blob-files',
      'maintain-database',
    ]);
    expect(SCHEDULE.every((j) => cron.validate(j.schedule))).to.equal(true);
    expect(SCHEDULE.find((j) => j.name === 'expire-image-blobs')?.schedule).to.equal('* * * * *');
  });

  it('catches up at boot after a restart that skipped every cron run', async () => {
    await seedImageWithBlob(t, { status: 'done' });
    await seedImageWithBlob(t, { status: 'failed', userRetention: '24h' });
    await seedImageWithBlob(t, { status: 'queued', processedAgoMs: null, userRetention: 'forever' });
    const aborted = await t.deps.blobs.put(fakeJpegBytes()); // an upload aborted before its row was written, an hour ago
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    fs.utimesSync(path.join(localBlobs(t).dir, aborted), hourAgo, hourAgo);
    // Another process sharing the store is mid-upload: its row commits after this boot's sweep.
    const inFlight = await t.deps.blobs.put(fakeJpegBytes());
    await t.deps.db.destroy(); // the server goes down

    const clock = new ManualClock(new Date(t.clock.now().getTime() + 8 * DAY));
    const lines: string[] = [];
    const db = createDb(t.config.database);
    const deps: Deps = { config: t.config, db, logger: capturingLogger(lines), clock, blobs: createBlobStore(t.config), events: createEvents(), describer: t.deps.describer, queue: t.deps.queue };
    await startTextKeys(db, deps.blobs); // as a process's boot does, before the jobs
    const runner = await startJobs(deps);
    try {
      // Receipts that name an image are sealed on PostgreSQL: the account got a text key, which is no working copy.
      const keys = await textKeyBlobNames(db);
      expect(blobFilesOnDisk(t).filter((p) => !keys.some((k) => p.endsWith(`/${k}`)))).to.deep.equal([path.join(localBlobs(t).dir, inFlight)]);
      expect(await db('deletion_receipts').count({ n: '*' }).first()).to.deep.equal({ n: 3 });
      const finished = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'job finished');
      expect(finished.find((l) => l.job === 'expire-image-blobs').counts.deleted).to.equal(3);
      expect(finished.find((l) => l.job === 'sweep-blob-files').counts.orphans).to.equal(1);
    } finally {
      await runner.stop();
      await db.destroy();
    }
    t.deps.db = createDb(t.config.database); // so close() has a pool to destroy
  });

  it('logs a failing job and carries on with the others', async () => {
    const lines: string[] = [];
    const deps = { ...t.deps, logger: capturingLogger(lines) };
    let ran = false;
    const jobs: Job[] = [
      { name: 'broken', schedule: '* * * * *', run: async () => Promise.reject(new Error('disk on fire')) },
      { name: 'fine', schedule: '* * * * *', run: async () => ((ran = true), { done: 1 }) },
    ];
    await new JobRunner(deps, jobs).catchUp();
    expect(ran).to.equal(true);
    const logged = lines.map((l) => JSON.parse(l));
    expect(logged.find((l) => l.job === 'broken').msg).to.equal('job failed');
    expect(logged.find((l) => l.job === 'fine').counts).to.deep.equal({ done: 1 });
  });

  it('never runs a job twice at the same time', async () => {
    let active = 0;
    let most = 0;
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const job: Job = {
      name: 'slow',
      schedule: '* * * * *',
      run: async () => {
        active += 1;
        most = Math.max(most, active);
        await gate;
        active -= 1;
        return {};
      },
    };
    const runner = new JobRunner(t.deps, [job]);
    const first = runner.runJob(job);
    const second = runner.runJob(job);
    release();
    await Promise.all([first, second]);
    expect(most).to.equal(1);
  });
});
