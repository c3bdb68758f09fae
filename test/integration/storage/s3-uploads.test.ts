import fs from 'node:fs';
import { expect } from 'chai';
import { buildTestApp, TestApp } from '../../helpers/test-app';
import { signUp, SignedUp } from '../../helpers/session';
import { startFakeOpenAI, FakeOpenAI } from '../../helpers/fake-openai';
import { startS3Server, S3Server } from '../../helpers/s3-server';
import { waitFor } from '../../helpers/queue-fixtures';
import { fixture } from '../../helpers/image-fixtures';
import { dataDirListing, imageTraces } from '../../helpers/file-scan';
import { seedImageWithBlob } from '../../helpers/privacy-seed';
import { textKeyBlobNames } from '../../../server/db/text-shredding';
import { startJobs } from '../../../jobs';
import { sweepBlobFiles } from '../../../server/services/retention/sweep-files';

const PREFIX = 'sightline/';
const HOUR_AGO = () => new Date(Date.now() - 60 * 60 * 1000);

/** Every byte s3rver keeps (objects and their metadata): what a copied disk of the S3 server would show. */
function s3Bytes(s3: S3Server): Buffer[] {
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(`${d}/${e.name}`) : [`${d}/${e.name}`]));
  return walk(s3.dir).map((file) => fs.readFileSync(file));
}

describe('images kept in an S3-compatible store (BLOB_STORE=s3)', () => {
  let s3: S3Server;
  let fake: FakeOpenAI;
  let t: TestApp;
  let alice: SignedUp;
  let blobKeys: string[];

  before(async () => {
    s3 = await startS3Server();
    fake = await startFakeOpenAI();
    t = await buildTestApp({ ...s3.env(PREFIX), DESCRIBER: 'openai', OPENAI_BASE_URL: fake.baseUrl });
    alice = await signUp(t.app);
  });
  after(async () => {
    await t.close();
    await fake.close();
    await s3.close();
  });

  it('stores each working copy as ciphertext in the bucket, nothing under DATA_DIR, and describes it from there', async () => {
    const res = await alice.agent
      .post(`/images?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fixture('dog.jpg'), 'dog.jpg')
      .attach('images', fixture('cat.png'), 'cat.png')
      .expect(303);
    const batchId = res.headers.location.split('/').pop();
    await t.deps.queue.start();
    const images: { blob_key: string }[] = await waitFor(async () => {
      const rows = await t.deps.db('images').where({ batch_id: batchId });
      return rows.length === 2 && rows.every((r) => r.status === 'done') ? rows : undefined;
    }, 10_000, 'batch described');
    expect(fake.requests.length).to.be.greaterThan(1); // the worker read the copies back from S3
    blobKeys = images.map((r) => r.blob_key);
    // On PostgreSQL the account's text key is a blob too (server/db/text-keys.ts).
    const keyObjects = (await textKeyBlobNames(t.deps.db)).map((k) => s3.objectFile(`${PREFIX}${k}`));
    expect(s3.objectFiles(PREFIX).filter((f) => !keyObjects.includes(f)).sort()).to.deep.equal(blobKeys.map((k) => s3.objectFile(`${PREFIX}${k}`)).sort());
    expect(dataDirListing(t.dataDir).filter((line) => line.includes('/blobs'))).to.deep.equal([]);

    const marker = Buffer.from('S3-PLAINTEXT-MARKER-'.repeat(100));
    await t.deps.blobs.put(marker);
    const stored = s3Bytes(s3);
    const plain = await Promise.all(blobKeys.map((k) => t.deps.blobs.get(k)));
    // The scans do see plaintext when it is there.
    expect(imageTraces(plain[0])).to.include('JPEG');
    for (const bytes of stored) {
      expect(imageTraces(bytes)).to.deep.equal([]);
      expect(bytes.includes(Buffer.from('S3-PLAINTEXT-MARKER'))).to.equal(false);
      for (const copy of plain) expect(bytes.includes(copy.subarray(copy.length / 2, copy.length / 2 + 64))).to.equal(false);
      for (const original of [fixture('dog.jpg'), fixture('cat.png')]) expect(bytes.includes(original.subarray(1000, 1064))).to.equal(false);
    }
  });

  it('deletes the objects when retention ends, with a receipt for each', async () => {
    t.clock.advance(30 * 60_000);
    const runner = await startJobs(t.deps);
    await runner.stop();
    const left = () => blobKeys.filter((k) => fs.existsSync(s3.objectFile(`${PREFIX}${k}`)));
    await waitFor(() => left().length === 0, 5_000, 'objects deleted from the S3 server');
    for (const key of blobKeys) expect(await t.deps.blobs.exists(key)).to.equal(false);
    expect(await t.deps.db('deletion_receipts').where({ user_id: alice.user.id, reason: 'retention' })).to.have.length(2);
    expect(await t.deps.db('images').whereIn('blob_key', blobKeys)).to.deep.equal([]);
  });

  it('sweeps objects no image points to once they are older than the grace period, and keeps referenced ones', async () => {
    const kept = await seedImageWithBlob(t);
    const orphan = await t.deps.blobs.put(fixture('dog.jpg'));
    const young = await t.deps.blobs.put(fixture('dog.jpg'));
    for (const key of [kept.blobKey, orphan]) fs.utimesSync(s3.objectFile(`${PREFIX}${key}`), HOUR_AGO(), HOUR_AGO());
    const counts = await sweepBlobFiles(t.deps);
    expect(counts).to.include({ skipped: 0 });
    expect(await t.deps.blobs.exists(orphan)).to.equal(false);
    expect(fs.existsSync(s3.objectFile(`${PREFIX}${orphan}`))).to.equal(false);
    expect(await t.deps.blobs.exists(kept.blobKey)).to.equal(true);
    expect(await t.deps.blobs.exists(young)).to.equal(true);
  });

  it('puts nothing in the bucket for a zero-retention upload', async () => {
    const before = s3.objectFiles();
    const res = await alice.agent
      .post(`/images/zero-retention?_csrf=${encodeURIComponent(alice.csrf)}`)
      .attach('images', fixture('dog.jpg'), 'dog.jpg')
      .expect(303);
    const batchId = res.headers.location.split('/').pop();
    await waitFor(async () => (await t.deps.db('images').where({ batch_id: batchId })).every((r) => r.status === 'done'), 10_000, 'described');
    expect(s3.objectFiles()).to.deep.equal(before);
  });
});
