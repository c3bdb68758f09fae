import crypto from 'node:crypto';
import fs from 'node:fs';
import { expect } from 'chai';
import { S3BlobStore, BlobStoreUnavailableError } from '../../../server/storage';
import { startS3Server, type S3Server } from '../../helpers/s3-server';
import { expectRejection } from '../../helpers/rejections';

describe('S3 blob store', () => {
  let s3: S3Server;
  const key = crypto.randomBytes(32);
  beforeEach(async () => {
    s3 = await startS3Server();
  });
  afterEach(async () => s3.close());

  it('keeps to its key prefix: objects outside it, or not named as blobs, are neither listed nor touched', async () => {
    const store = new S3BlobStore(s3.settings('sightline/'), key);
    const neighbour = new S3BlobStore(s3.settings('other-app/'), key);
    const mine = await store.put(Buffer.from('mine'));
    const theirs = await neighbour.put(Buffer.from('theirs'));
    fs.writeFileSync(s3.objectFile('sightline/notes.txt'), 'not a blob');
    expect(await store.list()).to.deep.equal([mine]);
    expect(await store.exists(theirs)).to.equal(false);
    expect(await store.delete(theirs)).to.equal(false);
    expect(await neighbour.get(theirs)).to.deep.equal(Buffer.from('theirs'));
    expect(s3.objectFiles('sightline/')).to.have.members([s3.objectFile(`sightline/${mine}`), s3.objectFile('sightline/notes.txt')]);
  });

  it('fails with an error naming the bucket and S3\'s reason when the bucket does not exist', async () => {
    const store = new S3BlobStore({ ...s3.settings(), bucket: 'no-such-bucket' }, key);
    const err = await expectRejection(store.put(Buffer.from('image')), BlobStoreUnavailableError);
    expect(err.message).to.match(/could not store in S3 bucket "no-such-bucket" at 127\.0\.0\.1:\d+: NoSuchBucket/);
    expect(await store.available()).to.equal(false);
    expect(s3.objectFiles()).to.deep.equal([]);
  });

  it('fails with a clear error while the server is down, and works again when it is back, with nothing lost', async () => {
    const store = new S3BlobStore(s3.settings(), key);
    const kept = await store.put(Buffer.from('stored before the outage'));
    await s3.stop();
    const err = await expectRejection(store.put(Buffer.from('image')), BlobStoreUnavailableError);
    expect(err.message).to.match(/could not store in S3 bucket "sightline-test" at 127\.0\.0\.1:\d+: /);
    await expectRejection(store.get(kept), BlobStoreUnavailableError);
    await expectRejection(store.delete(kept), BlobStoreUnavailableError);
    await expectRejection(store.list(), BlobStoreUnavailableError);
    expect(await store.available()).to.equal(false);
    await s3.start();
    expect(await store.available()).to.equal(true);
    expect((await store.get(kept)).toString()).to.equal('stored before the outage');
  });
});
