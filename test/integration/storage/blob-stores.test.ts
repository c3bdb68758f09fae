import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { expect } from 'chai';
import { LocalBlobStore, S3BlobStore, BlobIntegrityError, BlobNotFoundError, type BlobStore } from '../../../server/storage';
import { startS3Server, type S3Server } from '../../helpers/s3-server';
import { expectRejection } from '../../helpers/rejections';

/** One store under test, with raw access to where its bytes land (a disk's view of them). */
interface Subject {
  store: BlobStore;
  /** A store on the same location, sealed with another key. */
  withKey(key: Buffer): BlobStore;
  /** The file that holds a blob's stored bytes. */
  fileOf(key: string): string;
  /** Every file the store's bytes live in. */
  files(): string[];
  close(): Promise<void>;
}

const HOUR = 60 * 60 * 1000;

/** The behaviour every blob store promises; run below against the local directory and against S3. */
function blobStoreContract(name: string, make: (key: Buffer) => Promise<Subject>): void {
  describe(`${name} blob store`, () => {
    let s: Subject;
    const key = crypto.randomBytes(32);
    beforeEach(async () => {
      s = await make(key);
    });
    afterEach(async () => s.close());

    it('gives back the bytes it was given under a random key', async () => {
      const bytes = crypto.randomBytes(5000);
      const a = await s.store.put(bytes);
      const b = await s.store.put(bytes);
      expect(a).to.match(/^[A-Za-z0-9_-]{32}$/);
      expect(a).not.to.equal(b);
      expect((await s.store.get(a)).equals(bytes)).to.equal(true);
      expect(await s.store.list()).to.deep.equal([a, b].sort());
      expect(await s.store.exists(a)).to.equal(true);
    });

    it('lists every key, across as many pages as it takes', async () => {
      const keys = await Promise.all(Array.from({ length: 7 }, (_, i) => s.store.put(Buffer.from(`image ${i}`))));
      expect(await s.store.list()).to.deep.equal(keys.sort());
    });

    it('lists only blobs older than a time when asked (what the orphan sweep deletes)', async () => {
      const old = await s.store.put(Buffer.from('old'));
      const young = await s.store.put(Buffer.from('young'));
      const hourAgo = new Date(Date.now() - HOUR);
      fs.utimesSync(s.fileOf(old), hourAgo, hourAgo);
      expect(await s.store.list({ modifiedBefore: Date.now() - HOUR / 2 })).to.deep.equal([old]);
      expect(await s.store.list()).to.have.members([old, young]);
    });

    it('never stores the plaintext', async () => {
      const marker = Buffer.from('PLAINTEXT-MARKER-'.repeat(200));
      const name = await s.store.put(marker);
      expect(fs.readFileSync(s.fileOf(name)).length).to.be.greaterThan(marker.length);
      const files = s.files();
      expect(files.length).to.be.greaterThan(0);
      for (const file of files) expect(fs.readFileSync(file).includes(Buffer.from('PLAINTEXT-MARKER')), file).to.equal(false);
    });

    it('refuses a blob whose ciphertext was altered', async () => {
      const name = await s.store.put(Buffer.from('hello world, this is an image'));
      // Read back first: a store may still be moving the upload into place after answering the PUT
      // (s3rver does), which would undo the tampering below.
      await s.store.get(name);
      const sealed = fs.readFileSync(s.fileOf(name));
      sealed[sealed.length - 1] ^= 0x01;
      fs.writeFileSync(s.fileOf(name), sealed);
      await expectRejection(s.store.get(name), BlobIntegrityError);
    });

    it('refuses a blob moved to another key name', async () => {
      const a = await s.store.put(Buffer.from('first image'));
      const b = await s.store.put(Buffer.from('second image'));
      await Promise.all([s.store.get(a), s.store.get(b)]);
      fs.copyFileSync(s.fileOf(a), s.fileOf(b));
      await expectRejection(s.store.get(b), BlobIntegrityError);
    });

    it('refuses a blob sealed with another encryption key', async () => {
      const name = await s.store.put(Buffer.from('secret'));
      await expectRejection(s.withKey(crypto.randomBytes(32)).get(name), BlobIntegrityError);
    });

    it('deletes blobs and reports a missing one as not found', async () => {
      const name = await s.store.put(Buffer.from('x'));
      expect(await s.store.delete(name)).to.equal(true);
      expect(await s.store.delete(name)).to.equal(false);
      expect(await s.store.exists(name)).to.equal(false);
      await expectRejection(s.store.get(name), BlobNotFoundError);
      expect(await s.store.list()).to.deep.equal([]);
      expect(s.files()).to.deep.equal([]);
    });

    it('treats a key that is not one of its own names as not found', async () => {
      await expectRejection(s.store.get('../../etc/passwd'), BlobNotFoundError);
      expect(await s.store.exists('../../etc/passwd')).to.equal(false);
    });

    it('says it is available', async () => {
      expect(await s.store.available()).to.equal(true);
    });
  });
}

blobStoreContract('local', async (key) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-blobs-'));
  const blobDir = path.join(dir, 'blobs');
  const walk = (d: string): string[] =>
    fs.existsSync(d) ? fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)])) : [];
  return {
    store: new LocalBlobStore(blobDir, key),
    withKey: (other) => new LocalBlobStore(blobDir, other),
    fileOf: (name) => path.join(blobDir, name),
    files: () => walk(blobDir),
    close: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

/** A page of 3 keys, so a handful of blobs already spans several ListObjectsV2 pages. */
const SMALL_PAGE = 3;

describe('with an S3-compatible server on loopback', () => {
  let s3: S3Server;
  let run = 0;
  before(async () => {
    s3 = await startS3Server();
  });
  after(async () => s3.close());

  // One server; each test gets a key prefix of its own, as two instances sharing a bucket would.
  blobStoreContract('S3', async (key) => {
    const prefix = `run-${(run += 1)}/`;
    const settings = s3.settings(prefix);
    return {
      store: new S3BlobStore(settings, key, SMALL_PAGE),
      withKey: (other) => new S3BlobStore(settings, other, SMALL_PAGE),
      fileOf: (name) => s3.objectFile(`${prefix}${name}`),
      files: () => s3.objectFiles(prefix),
      close: async () => undefined,
    };
  });
});
