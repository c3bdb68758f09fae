import crypto from 'node:crypto';

export { BlobIntegrityError } from './blob-cipher';

/** 24 random bytes, base64url: names say nothing about content, owner or order. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{32}$/;

export function newBlobKey(): string {
  return crypto.randomBytes(24).toString('base64url');
}

export function isBlobKey(name: string): boolean {
  return KEY_PATTERN.test(name);
}

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`no stored blob ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/**
 * The store could not be reached or refused the request (network down, wrong bucket or credentials).
 * Nothing was stored or deleted; the operation can be tried again once the store is back.
 */
export class BlobStoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BlobStoreUnavailableError';
  }
}

/**
 * Where working copies are kept, sealed with the instance's encryption key before they leave the
 * process: a local directory (LocalBlobStore) or an S3-compatible bucket (S3BlobStore).
 */
export interface BlobStore {
  readonly kind: 'local' | 's3';
  /** Encrypts and stores the bytes under a new random key, durably, and returns the key. */
  put(bytes: Buffer): Promise<string>;
  /** Decrypts a blob; throws BlobNotFoundError, or BlobIntegrityError when it was altered. */
  get(key: string): Promise<Buffer>;
  /** Removes a blob; answers false when there was nothing to remove. */
  delete(key: string): Promise<boolean>;
  exists(key: string): Promise<boolean>;
  /** Every stored key (all pages), sorted; with modifiedBefore (epoch ms, real time) only older ones. */
  list(options?: { modifiedBefore?: number }): Promise<string[]>;
  /** Deletes leftovers of interrupted writes older than `olderThanMs`; answers how many. */
  sweepTempFiles(olderThanMs: number): Promise<number>;
  /**
   * False when the store is missing, unreadable or unreachable. Expiry and the sweep check it first:
   * storage that is unmounted or down is never "cleaned" (PhotoPrism #2299).
   */
  available(): Promise<boolean>;
}
