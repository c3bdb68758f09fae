import { expect } from 'chai';
import { buildTestApp, type TestApp } from '../helpers/test-app';
import { testDatabaseKind } from '../helpers/test-database';
import { addImages, seedBatch } from '../helpers/queue-fixtures';
import { postgresFileBytes, sealedLeftovers } from '../helpers/postgres-files';
import { regenerateImage } from '../../server/services/describe/control';
import { latestJobOptions } from '../../server/db/api-resources';
import { claimNext } from '../../server/queue/store';
import { findImages } from '../../server/db/retention';
import { removeImages } from '../../server/services/retention/remove-images';
import { rotateKeysAfterDeletions } from '../../server/services/maintenance/database';

describe('the options of a waiting "describe again", on PostgreSQL', () => {
  let t: TestApp;
  before(async () => {
    expect(testDatabaseKind(), 'run with SIGHTLINE_TEST_DATABASE=postgres').to.equal('postgres');
    t = await buildTestApp();
  });
  after(() => t.close());

  it('are sealed in the job, reach the worker as written, and are unreadable once the image is deleted and the key rotated', async () => {
    const { userId, batchId } = await seedBatch(t);
    const [imageId] = (await addImages(t, userId, batchId, 1)) as [string];
    const options = { instructions: 'Name the Xenopusian lighthouse keeper', context: { keywords: 'Brontide harbour', brand: 'Cassowarine' } };
    await regenerateImage(t.deps, userId, imageId, options);

    const files = await postgresFileBytes(t.deps.db);
    for (const word of ['Xenopusian', 'Brontide', 'Cassowarine']) {
      expect(files.tables.includes(word), `${word} in the table files`).to.equal(false);
      expect(files.wal.includes(word), `${word} in the WAL`).to.equal(false);
    }
    expect((await latestJobOptions(t.deps.db, [imageId])).get(imageId)).to.deep.equal(options);
    const now = t.clock.now().getTime();
    let job = await claimNext(t.deps.db, 'worker-options', now, 60_000);
    while (job && job.jobOptions.instructions === undefined) job = await claimNext(t.deps.db, 'worker-options', now, 60_000);
    expect(job?.jobOptions).to.deep.equal(options);

    const keyName = ((await t.deps.db('users').where({ id: userId }).first('text_key_name')) as { text_key_name: string }).text_key_name;
    const oldKey = await t.deps.blobs.get(keyName);
    await removeImages(t.deps, await findImages(t.deps.db, { imageId }), 'user');
    expect(await rotateKeysAfterDeletions(t.deps)).to.deep.include({ rotated: 1 });
    const left = await sealedLeftovers(t.deps.db, t.deps.blobs, userId, oldKey);
    expect(left.underOldKey, 'the job\'s old versions are in the files, under the destroyed key').to.include('Xenopusian lighthouse keeper');
    expect(left.openedByKeysLeft).not.to.include('Xenopusian');
  });
});
