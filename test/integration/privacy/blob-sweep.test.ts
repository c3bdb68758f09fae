import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { buildTestApp, localBlobs, TestApp } from '../../helpers/test-app';
import { seedImageWithBlob, blobFilesOnDisk, fakeJpegBytes } from '../../helpers/privacy-seed';
import { sweepBlobFiles } from '../../../server/services/retention/sweep-files';

describe('orphan and temp file sweep', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await buildTestApp();
  });
  afterEach(async () => t.close());

  it('deletes blobs no image points to (an aborted upload) and stale temp files, and keeps referenced ones', async () => {
    const kept = await seedImageWithBlob(t);
    const orphan = await t.deps.blobs.put(fakeJpegBytes());
    fs.writeFileSync(path.join(localBlobs(t).tempDir, 'interrupted.part'), fakeJpegBytes());
    const counts = await sweepBlobFiles(t.deps, 0);
    expect(counts).to.include({ orphans: 1, tempFiles: 1 });
    expect(blobFilesOnDisk(t)).to.deep.equal([path.join(localBlobs(t).dir, kept.blobKey)]);
    expect(await t.deps.blobs.exists(orphan)).to.equal(false);
  });

  it('leaves a just-written unreferenced blob alone during the grace period (its row may be committing)', async () => {
    await t.deps.blobs.put(fakeJpegBytes());
    const counts = await sweepBlobFiles(t.deps);
    expect(counts.orphans).to.equal(0);
    expect(blobFilesOnDisk(t)).to.have.length(1);
  });

  it('deletes nothing and changes no row when the blob directory is unreadable', async () => {
    await seedImageWithBlob(t);
    await t.deps.blobs.put(fakeJpegBytes());
    // Tests run as root, where permission bits do not stop reads; a file in the directory's place does.
    const aside = `${localBlobs(t).dir}-aside`;
    fs.renameSync(localBlobs(t).dir, aside);
    fs.writeFileSync(localBlobs(t).dir, 'not a directory');
    try {
      const counts = await sweepBlobFiles(t.deps, 0);
      expect(counts).to.include({ orphans: 0, skipped: 1 });
    } finally {
      fs.rmSync(localBlobs(t).dir);
      fs.renameSync(aside, localBlobs(t).dir);
    }
    expect(blobFilesOnDisk(t)).to.have.length(2);
    expect((await t.deps.db('images').whereNotNull('blob_key')).length).to.equal(1);
  });
});
