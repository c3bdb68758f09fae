import path from 'node:path';
import type { Config } from '../config';
import { BlobStore } from './blob-store';

export { BlobStore, BlobNotFoundError, BlobIntegrityError } from './blob-store';

/** The store every part of the app shares: DATA_DIR/blobs, sealed with ENCRYPTION_KEY. */
export function createBlobStore(config: Config): BlobStore {
  return new BlobStore(path.join(config.dataDir, 'blobs'), config.encryptionKey);
}
