import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { addImages, seedBatch } from '../helpers/queue-fixtures';
import { description } from '../helpers/outbox';
import { claimNext } from '../../server/queue/store';
import { completeJob, failJob } from '../../server/queue/results';

describe('a batch whose last images finish at the same moment, on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('is reported finished by exactly one of them, so batch.completed is written once', async () => {
    for (let round = 0; round < 20; round++) {
      const { userId, batchId } = await seedBatch(t);
      await addImages(t, userId, batchId, 2);
      const now = t.clock.now().getTime();
      const [a, b] = [await claimNext(t.deps.db, 'worker-a', now, 60_000), await claimNext(t.deps.db, 'worker-b', now, 60_000)];
      // Two workers' transactions, on two connections, at once: one stores a result, one a failure.
      const outcomes = await Promise.all([completeJob(t.deps, a!, description('A red bicycle'), now), failJob(t.deps, b!, 'The model refused.', now)]);
      expect(outcomes.map((o) => o.stored), `round ${round}: stored`).to.deep.equal([true, true]);
      expect(outcomes.filter((o) => o.batchFinished), `round ${round}: outcomes saying the batch finished`).to.have.length(1);
    }
  });
});
