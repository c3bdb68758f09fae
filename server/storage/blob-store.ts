import fs from 'node:fs/promises';
import path from 'node:path';
import crypto from 'node:crypto';
import { seal, open } from './blob-cipher';

export { BlobIntegrityError } from './blob-cipher';

/** 24 random bytes, base64url: names say nothing about content, owner or order. */
const KEY_PATTERN = /^[A-Za-z0-9_-]{32}$/;
const TEMP_DIR = 'tmp';

export class BlobNotFoundError extends Error {
  constructor(key: string) {
    super(`no stored blob ${key}`);
    this.name = 'BlobNotFoundError';
  }
}

/**
 * Encrypted files under one directory (DATA_DIR/blobs). A blob is written to `tmp/` first,
 * fsynced, then renamed into place, so a crash never leaves a half-written blob under a real
 * name (PhotoPrism #4310, Nextcloud #63071); stale temp files are removed by sweepTempFiles.
 */
export class BlobStore {
  private ready: Promise<void> | undefined;

  constructor(
    readonly dir: string,
    private readonly encryptionKey: Buffer,
  ) {
    if (encryptionKey.length !== 32) throw new Error('the blob store needs a 32-byte key');
  }

  get tempDir(): string {
    return path.join(this.dir, TEMP_DIR);
  }

  /** Encrypts and stores the bytes under a new random key, durably, and returns the key. */
  async put(bytes: Buffer): Promise<string> {
    await this.ensureDirs();
    const key = crypto.randomBytes(24).toString('base64url');
    const temp = path.join(this.tempDir, `${crypto.randomBytes(12).toString('base64url')}.part`);
    const handle = await fs.open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(seal(this.encryptionKey, key, bytes));
      await handle.sync();
    } catch (err) {
      await handle.close();
      await fs.rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    await fs.rename(temp, this.pathOf(key));
    await syncDir(this.dir);
    return key;
  }

  /** Decrypts a blob; throws BlobNotFoundError, or BlobIntegrityError when it was altered. */
  async get(key: string): Promise<Buffer> {
    let sealed: Buffer;
    try {
      sealed = await fs.readFile(this.pathOf(key));
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFoundError(key);
      throw err;
    }
    return open(this.encryptionKey, key, sealed);
  }

  /** Removes a blob; answers false when there was nothing to remove. */
  async delete(key: string): Promise<boolean> {
    try {
      await fs.unlink(this.pathOf(key));
      return true;
    } catch (err) {
      if (isMissing(err)) return false;
      throw err;
    }
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** Every stored key, for the orphan sweep (blobs no image row points to). */
  async list(): Promise<string[]> {
    try {
      const names = await fs.readdir(this.dir);
      return names.filter((name) => KEY_PATTERN.test(name)).sort();
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
  }

  /** Deletes temp files older than `olderThanMs` (0 at boot: any temp file is then a leftover). */
  async sweepTempFiles(olderThanMs = 60 * 60 * 1000): Promise<number> {
    let names: string[];
    try {
      names = await fs.readdir(this.tempDir);
    } catch (err) {
      if (isMissing(err)) return 0;
      throw err;
    }
    const cutoff = Date.now() - olderThanMs;
    let removed = 0;
    for (const name of names) {
      const file = path.join(this.tempDir, name);
      const stat = await fs.stat(file).catch(() => undefined);
      if (!stat || (olderThanMs > 0 && stat.mtimeMs > cutoff)) continue;
      await fs.rm(file, { force: true });
      removed += 1;
    }
    return removed;
  }

  private pathOf(key: string): string {
    // Keys come from our own rows, but a bad one must never become a path outside the store.
    if (!KEY_PATTERN.test(key)) throw new BlobNotFoundError(key);
    return path.join(this.dir, key);
  }

  private ensureDirs(): Promise<void> {
    this.ready ??= fs.mkdir(this.tempDir, { recursive: true, mode: 0o700 }).then(() => undefined);
    return this.ready;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function isMissing(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}
