import fs from 'node:fs/promises';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { seal, open } from './blob-cipher';
import { BlobNotFoundError, isBlobKey, newBlobKey, type BlobStore } from './blob-store';

const TEMP_DIR = 'tmp';

/**
 * Encrypted files under one directory (DATA_DIR/blobs). A blob is written to `tmp/` first,
 * fsynced, then renamed into place, so a crash never leaves a half-written blob under a real
 * name (PhotoPrism #4310, Nextcloud #63071); stale temp files are removed by sweepTempFiles.
 * Several processes on one machine may share the directory: names are random, temp files are
 * created exclusively, and a rename is atomic.
 */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local';

  constructor(
    readonly dir: string,
    private readonly encryptionKey: Buffer,
  ) {
    if (encryptionKey.length !== 32) throw new Error('the blob store needs a 32-byte key');
    // Made once, at start (as DATA_DIR is): a directory missing later means storage went away, and
    // available() then says so rather than a write quietly recreating it elsewhere.
    mkdirSync(this.tempDir, { recursive: true, mode: 0o700 });
  }

  get tempDir(): string {
    return path.join(this.dir, TEMP_DIR);
  }

  async put(bytes: Buffer): Promise<string> {
    const key = newBlobKey();
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

  async list(options: { modifiedBefore?: number } = {}): Promise<string[]> {
    let names: string[];
    try {
      names = (await fs.readdir(this.dir)).filter(isBlobKey).sort();
    } catch (err) {
      if (isMissing(err)) return [];
      throw err;
    }
    const { modifiedBefore } = options;
    if (modifiedBefore === undefined) return names;
    const old: string[] = [];
    for (const name of names) {
      const stat = await fs.stat(path.join(this.dir, name)).catch(() => undefined);
      if (stat && stat.mtimeMs <= modifiedBefore) old.push(name);
    }
    return old;
  }

  /**
   * Another process sharing the directory may be writing a temp file right now, so only files
   * older than `olderThanMs` (by their real mtime) are taken to be leftovers of a crash.
   */
  async sweepTempFiles(olderThanMs: number): Promise<number> {
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
      if (!stat || stat.mtimeMs > cutoff) continue;
      await fs.rm(file, { force: true });
      removed += 1;
    }
    return removed;
  }

  async available(): Promise<boolean> {
    try {
      const stat = await fs.stat(this.dir);
      if (!stat.isDirectory()) return false;
      await fs.access(this.dir, fs.constants.R_OK | fs.constants.W_OK | fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  }

  private pathOf(key: string): string {
    // Keys come from our own rows, but a bad one must never become a path outside the store.
    if (!isBlobKey(key)) throw new BlobNotFoundError(key);
    return path.join(this.dir, key);
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
