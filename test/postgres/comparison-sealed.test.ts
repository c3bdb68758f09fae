import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { postgresFileBytes } from '../helpers/postgres-files';
import { testDatabaseKind } from '../helpers/test-database';
import { insertUser } from '../helpers/rows';
import { seedReviewBatch } from '../helpers/review-seed';
import { comparisonResults, insertComparison, storeComparisonResult } from '../../server/db/comparisons';

describe('comparison results on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(async () => t.close());

  it('keeps what each describer wrote sealed, and reads it back as plaintext', async () => {
    const userId = await insertUser(t.deps.db);
    const { imageIds } = await seedReviewBatch(t.deps, userId, 1);
    const describer = { key: 'local', name: 'Embedded', model: 'local', priceInputPerM: 0, priceOutputPerM: 0 };
    await t.deps.db.transaction((trx) => insertComparison(trx, { id: 'cmp_sealed', user_id: userId, created_by: null, batch_id: null, describers: [describer], created_at: 1 }, imageIds));
    await t.deps.db.transaction((trx) => storeComparisonResult(trx, { comparisonId: 'cmp_sealed', imageId: imageIds[0]!, describerKey: 'local', userId },
      { status: 'done', alt_text: 'Quokkaish grin by the fern', description: 'Wombatine burrow under moonlight', duration_ms: 5, input_tokens: null, output_tokens: null, cost: 0 }, 2));
    const [row] = await comparisonResults(t.deps.db, userId, 'cmp_sealed');
    expect(row).to.include({ alt_text: 'Quokkaish grin by the fern', description: 'Wombatine burrow under moonlight', status: 'done' });
    await t.deps.db.raw('CHECKPOINT');
    const files = await postgresFileBytes(t.deps.db);
    for (const word of ['Quokkaish grin', 'Wombatine burrow']) expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
  });
});
