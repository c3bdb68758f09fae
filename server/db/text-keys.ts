import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { BlobNotFoundError } from '../storage/blob-store';

/** The part of the blob store the keys need (its signatures are the same for every backend). */
export interface KeyBlobs {
  put(bytes: Buffer): Promise<string>;
  get(name: string): Promise<Buffer>;
  delete(name: string): Promise<boolean>;
}

export interface TextKey {
  generation: number;
  key: Buffer;
}

interface KeyColumns {
  text_key_name: string | null;
  text_key_generation: number;
  text_key_retired_name: string | null;
  text_key_retired_generation: number | null;
}

const KEY_COLUMNS = ['text_key_name', 'text_key_generation', 'text_key_retired_name', 'text_key_retired_generation'] as const;

/**
 * Each account's text keys (PostgreSQL only; see text-codec.ts). A key is 32 random bytes kept as a
 * blob, so destroying it is a file (or object) deletion, not a row that PostgreSQL's old row
 * versions and WAL would keep. The users row keeps only the blob's name. Keys are cached in this
 * process's memory; a key whose blob is gone is gone, and so is the text it sealed.
 */
export class KeyRing {
  private readonly cache = new Map<string, Buffer>();

  constructor(
    readonly db: Knex,
    readonly blobs: KeyBlobs,
  ) {}

  private async columns(userId: number): Promise<KeyColumns | undefined> {
    return this.db('users').where({ id: userId }).first(KEY_COLUMNS);
  }

  /** `remember`: false for a key whose name only the caller's transaction sees yet (it may roll back). */
  private async load(userId: number, generation: number, name: string | null, remember = true): Promise<Buffer | undefined> {
    if (!name) return undefined;
    const cached = this.cache.get(`${userId}:${generation}`);
    if (cached) return cached;
    // Only a key that is gone means its text is gone; a store that cannot be reached is an error,
    // or an outage would read as deleted text (and a write would seal under no key).
    const key = await this.blobs.get(name).catch((err: unknown) => {
      if (err instanceof BlobNotFoundError) return undefined;
      throw err;
    });
    if (key && remember) this.cache.set(`${userId}:${generation}`, key);
    return key;
  }

  /**
   * The key new text is sealed with, made on first use. Inside a transaction (`within`) a row with a
   * key is read there FOR SHARE: a rotation's switch to a new key waits for the transaction to end, so no
   * text is sealed under a key that a rotation could destroy before re-sealing it. A key made there
   * is named there too, since that transaction may hold the row (it made the account, or changed it
   * before writing an audit event), and an update from outside would wait for it forever; a
   * rollback then leaves an unnamed blob, which the orphan sweep deletes. Only keys named outside any
   * transaction are kept in this process's cache, so a rolled-back key is never used again.
   */
  async current(userId: number, within?: Knex): Promise<TextKey> {
    const inner = within && within !== this.db ? within : undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      const outside = await this.columns(userId);
      // No lock taken before making a key: two transactions holding FOR SHARE would each wait for the other's update.
      const row = !inner ? outside : await inner('users').where({ id: userId }).modify((q) => (outside?.text_key_name ? q.forShare() : q)).first(KEY_COLUMNS);
      if (!row) throw new Error(`no account ${userId} to seal text for`);
      if (row.text_key_name) {
        const committed = outside?.text_key_name === row.text_key_name;
        const key = await this.load(userId, row.text_key_generation, row.text_key_name, committed);
        if (key) return { generation: row.text_key_generation, key };
        throw new Error(`the text key of account ${userId} is missing from the blob store`);
      }
      const key = crypto.randomBytes(32);
      const name = await this.blobs.put(key);
      const generation = row.text_key_generation + 1;
      const won = await (inner ?? this.db)('users')
        .where({ id: userId, text_key_name: null, text_key_generation: row.text_key_generation })
        .update({ text_key_name: name, text_key_generation: generation });
      if (won === 1) {
        if (!inner) this.cache.set(`${userId}:${generation}`, key);
        return { generation, key };
      }
      // Another process made the key first: use theirs.
      await this.blobs.delete(name);
    }
    throw new Error(`could not settle the text key of account ${userId}`);
  }

  /** The keys an account's search tokens may be under: current and, while a rotation runs, retired. Never makes one. */
  async searchKeys(userId: number): Promise<Buffer[]> {
    const row = await this.columns(userId);
    if (!row) return [];
    const keys = [await this.load(userId, row.text_key_generation, row.text_key_name)];
    if (row.text_key_retired_generation !== null) keys.push(await this.load(userId, row.text_key_retired_generation, row.text_key_retired_name));
    return keys.filter((k): k is Buffer => k !== undefined);
  }

  /** The key of one generation (current or retired), or undefined when it was destroyed. */
  async find(userId: number, generation: number): Promise<Buffer | undefined> {
    const cached = this.cache.get(`${userId}:${generation}`);
    if (cached) return cached;
    const row = await this.columns(userId);
    if (!row) return undefined;
    if (row.text_key_generation === generation) return this.load(userId, generation, row.text_key_name);
    if (row.text_key_retired_generation === generation) return this.load(userId, generation, row.text_key_retired_name);
    return undefined;
  }

  /** Keeps a key just made in this process's cache. */
  remember(userId: number, generation: number, key: Buffer): void {
    this.cache.set(`${userId}:${generation}`, key);
  }

  /** Forgets a generation's key in this process (it was destroyed). */
  forget(userId: number, generation?: number): void {
    for (const id of [...this.cache.keys()]) {
      if (id === `${userId}:${generation}` || (generation === undefined && id.startsWith(`${userId}:`))) this.cache.delete(id);
    }
  }
}

const rings = new WeakMap<object, KeyRing>();

/**
 * Gives a database its key ring, at boot, once the blob store exists. Keyed by the client's config,
 * which every transaction of that database shares, so repositories find it from any `trx`.
 */
export function bindTextKeys(db: Knex, blobs: KeyBlobs): KeyRing {
  const ring = new KeyRing(db, blobs);
  rings.set(db.client.config as object, ring);
  return ring;
}

export function keyRingFor(configOrDb: Knex | object): KeyRing | undefined {
  const config = 'client' in configOrDb && typeof configOrDb.client === 'object' ? (configOrDb as Knex).client.config : configOrDb;
  return rings.get(config as object);
}
