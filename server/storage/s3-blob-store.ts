import {
  S3Client,
  PutObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  DeleteObjectCommand,
  ListObjectsV2Command,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import { seal, open } from './blob-cipher';
import { BlobNotFoundError, BlobStoreUnavailableError, isBlobKey, newBlobKey, type BlobStore } from './blob-store';
import type { S3Settings } from './settings';

/** ListObjectsV2 answers at most 1,000 keys a page; tests pass a smaller page to exercise paging. */
const PAGE_SIZE = 1000;

/**
 * Sealed blobs as objects in an S3-compatible bucket, under an optional key prefix. The bytes are
 * encrypted here before upload, so the storage provider only ever holds ciphertext. PutObject stores
 * a whole object or nothing, so there are no temp files to sweep.
 */
export class S3BlobStore implements BlobStore {
  readonly kind = 's3';
  private readonly client: S3Client;

  constructor(
    private readonly settings: S3Settings,
    private readonly encryptionKey: Buffer,
    private readonly pageSize = PAGE_SIZE,
  ) {
    if (encryptionKey.length !== 32) throw new Error('the blob store needs a 32-byte key');
    this.client = new S3Client({
      endpoint: settings.endpoint,
      region: settings.region,
      forcePathStyle: settings.forcePathStyle,
      // A copy: the SDK marks the object it is given, and the config's is frozen.
      credentials: settings.credentials && { ...settings.credentials },
      // An unreachable store must fail an upload in seconds, not hold it for minutes.
      requestHandler: { connectionTimeout: 3_000, requestTimeout: 30_000 },
      maxAttempts: 3,
    });
  }

  async put(bytes: Buffer): Promise<string> {
    const key = newBlobKey();
    const request = { Bucket: this.settings.bucket, Key: this.objectKey(key), Body: seal(this.encryptionKey, key, bytes), ContentType: 'application/octet-stream' };
    await this.call('store', () => this.client.send(new PutObjectCommand(request)));
    return key;
  }

  async get(key: string): Promise<Buffer> {
    const request = { Bucket: this.settings.bucket, Key: this.objectKey(key) };
    const res = await this.call('read', () => this.client.send(new GetObjectCommand(request)), key);
    if (!res.Body) throw new BlobNotFoundError(key);
    return open(this.encryptionKey, key, Buffer.from(await res.Body.transformToByteArray()));
  }

  async delete(key: string): Promise<boolean> {
    // S3 answers a delete of a missing key with success too; ask first, so the answer means something.
    if (!(await this.exists(key))) return false;
    const request = { Bucket: this.settings.bucket, Key: this.objectKey(key) };
    await this.call('delete', () => this.client.send(new DeleteObjectCommand(request)));
    return true;
  }

  async exists(key: string): Promise<boolean> {
    if (!isBlobKey(key)) return false;
    const request = { Bucket: this.settings.bucket, Key: this.objectKey(key) };
    try {
      await this.call('check', () => this.client.send(new HeadObjectCommand(request)), key);
      return true;
    } catch (err) {
      if (err instanceof BlobNotFoundError) return false;
      throw err;
    }
  }

  async list(options: { modifiedBefore?: number } = {}): Promise<string[]> {
    const { bucket, prefix } = this.settings;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.call('list', () => this.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: this.pageSize })));
      for (const object of page.Contents ?? []) {
        const name = object.Key?.slice(prefix.length) ?? '';
        if (!isBlobKey(name)) continue;
        if (options.modifiedBefore !== undefined && !(object.LastModified && object.LastModified.getTime() <= options.modifiedBefore)) continue;
        keys.push(name);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  async sweepTempFiles(): Promise<number> {
    return 0;
  }

  async available(): Promise<boolean> {
    try {
      await this.call('check', () => this.client.send(new HeadBucketCommand({ Bucket: this.settings.bucket })));
      return true;
    } catch {
      return false;
    }
  }

  private objectKey(key: string): string {
    // Keys come from our own rows, but a bad one must never address another object in the bucket.
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    return `${this.settings.prefix}${key}`;
  }

  /** Runs one request; a missing object becomes BlobNotFoundError, anything else BlobStoreUnavailableError. */
  private async call<T>(action: string, request: () => Promise<T>, key?: string): Promise<T> {
    try {
      return await request();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (key && (name === 'NoSuchKey' || name === 'NotFound')) throw new BlobNotFoundError(key);
      throw new BlobStoreUnavailableError(`could not ${action} in S3 bucket "${this.settings.bucket}" at ${this.settings.where}: ${describeS3Error(err)}`, { cause: err });
    }
  }
}

/** The S3 error code (NoSuchBucket, InvalidAccessKeyId…) or the network error, without a stack. */
function describeS3Error(err: unknown): string {
  const e = err as { name?: string; code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  const name = e.code ?? e.name ?? 'error';
  return [name, status ? `HTTP ${status}` : '', e.message && e.message !== name ? e.message : ''].filter(Boolean).join(', ');
}
