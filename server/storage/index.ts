import path from 'node:path';
import type { Config } from '../config';
import type { BlobStore } from './blob-store';
import { LocalBlobStore } from './local-blob-store';
import { S3BlobStore } from './s3-blob-store';

export { BlobNotFoundError, BlobIntegrityError, BlobStoreUnavailableError, type BlobStore } from './blob-store';
export { LocalBlobStore } from './local-blob-store';
export { S3BlobStore } from './s3-blob-store';
export type { BlobStoreTarget, S3Settings } from './settings';

/** The store every part of the app shares: DATA_DIR/blobs or the S3 bucket, sealed with ENCRYPTION_KEY. */
export function createBlobStore(config: Config): BlobStore {
  const target = config.blobStore;
  if (target.kind === 's3') return new S3BlobStore(target, config.encryptionKey);
  return new LocalBlobStore(path.join(config.dataDir, 'blobs'), config.encryptionKey);
}
