import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { keyRingFor, type KeyRing } from './text-keys';

/**
 * How a person's text is stored. SQLite: as it is; `secure_delete` and the WAL checkpoint erase it
 * when it is deleted. PostgreSQL: old row versions stay in table files and the WAL after a DELETE
 * (even after VACUUM FULL), so text is sealed with AES-256-GCM under its account's key (text-keys.ts)
 * and erased by destroying the key. This module is the only place that branches on it.
 *
 * A sealed value reads `tk1:<account>:<generation>:<base64 of iv | tag | ciphertext>`; the account
 * and generation are also the cipher's associated data, so a value moved to another account's row
 * does not open. Reading needs nothing from the caller: knex hands every PostgreSQL result to
 * `openSealedText` (postProcessResponse), so services, exports and the API read plaintext.
 */
const PREFIX = 'tk1:';
const SEALED = /^tk1:(\d+):(\d+):([A-Za-z0-9+/=]+)$/;

/** The text columns of `descriptions`; the same and the describe options in `description_versions`. */
export const DESCRIPTION_TEXT = ['alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text', 'manifest_json', 'notes_json'] as const;
export const VERSION_TEXT = [...DESCRIPTION_TEXT, 'options_json'] as const;
/** What search looks in (as on SQLite's FTS5 table). */
const SEARCHED = ['alt_text', 'caption', 'title', 'description', 'tags_json', 'filename', 'text'] as const;

/** True where text is sealed (PostgreSQL). */
export function sealsText(db: Knex): boolean {
  // Read from the config rather than through knex.ts, which imports this module for its client config.
  return db.client.config.client === 'pg';
}

function ring(db: Knex): KeyRing {
  const found = keyRingFor(db);
  if (!found) throw new Error('text keys are not bound to this database: call bindTextKeys at boot');
  return found;
}

function aad(userId: number, generation: number): Buffer {
  return Buffer.from(`${userId}:${generation}`);
}

export function sealWith(key: Buffer, userId: number, generation: number, plain: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv).setAAD(aad(userId, generation));
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return `${PREFIX}${userId}:${generation}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
}

/** The plaintext, or undefined when the key does not open it. */
export function openWith(key: Buffer, sealed: string): string | undefined {
  const m = SEALED.exec(sealed);
  if (!m) return undefined;
  const raw = Buffer.from(m[3]!, 'base64');
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12)).setAAD(aad(Number(m[1]), Number(m[2])));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

/** The words search knows: letters and digits, lower case, without diacritics (as FTS5's unicode61 with remove_diacritics). */
export function searchWords(text: string): string[] {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** Longer prefixes are cut to this many characters, in the document and in the query alike. */
const MAX_PREFIX = 24;

function searchKey(key: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'sightline search tokens v1', 32));
}

/** A keyed token: HMAC-SHA-256, truncated to 96 bits, prefixed with a letter so PostgreSQL reads it as one lexeme. */
function token(searchKeyBytes: Buffer, prefix: string): string {
  return `t${crypto.createHmac('sha256', searchKeyBytes).update(prefix).digest('hex').slice(0, 24)}`;
}

/** A tsvector literal of keyed tokens for every prefix of every word, so a prefix query is one exact token. */
export function documentTokens(key: Buffer, document: string): string {
  const sk = searchKey(key);
  const prefixes = new Set<string>();
  for (const word of searchWords(document)) {
    const chars = [...word].slice(0, MAX_PREFIX);
    for (let n = 1; n <= chars.length; n++) prefixes.add(chars.slice(0, n).join(''));
  }
  return [...prefixes].map((p) => token(sk, p)).join(' ');
}

/** The tokens a query's words must all match, under one key. */
export function queryTokens(key: Buffer, words: readonly string[]): string[] {
  const sk = searchKey(key);
  return [...new Set(words.flatMap((w) => searchWords(w)).map((w) => [...w].slice(0, MAX_PREFIX).join('')))].map((p) => token(sk, p));
}

function documentOf(row: Record<string, unknown>): string {
  return SEARCHED.map((c) => (typeof row[c] === 'string' ? row[c] : '')).join(' ');
}

function nameKey(key: Buffer): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', key, Buffer.alloc(0), 'sightline name tokens v1', 32));
}

/** A file name's characters as searched: lower case, as ILIKE and SQLite's LIKE compare them. */
function nameChars(text: string): string[] {
  return [...text.toLowerCase()];
}

/**
 * A tsvector literal of keyed tokens for a file name, searched for any piece of it (as LIKE
 * '%piece%'): every piece of one and two characters, and every piece of three at its position, so
 * a longer piece is a phrase of its three-character pieces, each following the one before.
 */
export function nameTokens(key: Buffer, name: string): string {
  const nk = nameKey(key);
  const chars = nameChars(name);
  const pieces = new Map<string, number[]>();
  for (let i = 0; i < chars.length; i++) {
    for (let n = 1; n <= 3 && i + n <= chars.length; n++) {
      const piece = chars.slice(i, i + n).join('');
      const at = pieces.get(piece) ?? [];
      if (n === 3) at.push(i + 1);
      pieces.set(piece, at);
    }
  }
  return [...pieces].map(([piece, at]) => `${token(nk, piece)}${at.length ? `:${at.join(',')}` : ''}`).join(' ');
}

/** The tsquery a name holding `text` anywhere matches, under one key. */
export function nameQuery(key: Buffer, text: string): string {
  const nk = nameKey(key);
  const chars = nameChars(text);
  if (chars.length <= 3) return token(nk, chars.join(''));
  const steps: string[] = [];
  for (let i = 0; i + 3 <= chars.length; i++) steps.push(token(nk, chars.slice(i, i + 3).join('')));
  return steps.join(' <-> ');
}

/** How a sealed table's search column is made from its row's plaintext, under the account's key. */
export interface SearchIndex {
  column: string;
  tokens(key: Buffer, row: Record<string, unknown>): string;
}

/** Descriptions: every word's prefixes, over the text search looks in. */
export const TEXT_SEARCH: SearchIndex = { column: 'search', tokens: (key, row) => documentTokens(key, documentOf(row)) };
/** Images: any piece of the uploaded file's name. */
export const NAME_SEARCH: SearchIndex = {
  column: 'name_search',
  tokens: (key, row) => nameTokens(key, typeof row.original_name === 'string' ? row.original_name : ''),
};

/**
 * The given columns of `values` sealed under the account's current key, with the generation that
 * sealed them (and, when `searchable` is the whole row's plaintext, its search tokens made by
 * `index`). On SQLite `values` comes back as it is.
 */
export async function sealColumns<T extends object>(
  db: Knex,
  userId: number,
  values: T,
  columns: readonly string[],
  searchable?: Record<string, unknown>,
  index: SearchIndex = TEXT_SEARCH,
): Promise<T> {
  if (!sealsText(db)) return values;
  const { generation, key } = await ring(db).current(userId, db);
  return sealUnder(db, key, userId, generation, values, columns, searchable, index);
}

/** As sealColumns, under a given key (re-encryption after a rotation). */
export function sealUnder<T extends object>(
  db: Knex,
  key: Buffer,
  userId: number,
  generation: number,
  values: T,
  columns: readonly string[],
  searchable?: Record<string, unknown>,
  index: SearchIndex = TEXT_SEARCH,
): T {
  const sealed: Record<string, unknown> = { ...values, key_generation: generation };
  for (const c of columns) {
    const v = (values as Record<string, unknown>)[c];
    if (typeof v === 'string') sealed[c] = sealWith(key, userId, generation, v);
  }
  if (searchable) sealed[index.column] = db.raw('?::tsvector', [index.tokens(key, searchable)]);
  return sealed as T;
}

/**
 * The tsqueries (one per key: current and, while a rotation runs, retired) that match rows whose
 * search tokens hold every word as a prefix. None: the account has no key, so no text.
 */
export async function tokenQueries(db: Knex, userId: number, words: readonly string[]): Promise<string[]> {
  const keys = await ring(db).searchKeys(userId);
  return keys.map((key) => queryTokens(key, words).join(' & ')).filter((q) => q !== '');
}

/** The tsqueries (one per key, as tokenQueries) matching names that hold `text` anywhere. */
export async function nameQueries(db: Knex, userId: number, text: string): Promise<string[]> {
  if (text === '') return [];
  return (await ring(db).searchKeys(userId)).map((key) => nameQuery(key, text));
}

function rowsOf(response: unknown): Record<string, unknown>[] {
  if (Array.isArray(response)) return response.filter((r): r is Record<string, unknown> => typeof r === 'object' && r !== null);
  if (typeof response !== 'object' || response === null) return [];
  const rows = (response as { rows?: unknown }).rows;
  if (Array.isArray(rows)) return rowsOf(rows);
  return [response as Record<string, unknown>];
}

/**
 * knex's postProcessResponse on PostgreSQL (`this` is the client's config): opens every sealed
 * value in a result. A value whose key is destroyed reads as empty: that text is gone. A value
 * sealed for another account than its row's owner stays closed.
 */
export function openSealedText(this: object, response: unknown): unknown {
  const rows = rowsOf(response);
  const found: { row: Record<string, unknown>; column: string; userId: number; generation: number }[] = [];
  for (const row of rows) {
    for (const [column, value] of Object.entries(row)) {
      if (typeof value !== 'string' || !value.startsWith(PREFIX)) continue;
      const m = SEALED.exec(value);
      if (m) found.push({ row, column, userId: Number(m[1]), generation: Number(m[2]) });
    }
  }
  const keys = keyRingFor(this);
  if (found.length === 0 || !keys) return response;
  return (async () => {
    for (const f of found) {
      const owner = f.row.user_id;
      const key = typeof owner === 'number' && owner !== f.userId ? undefined : await keys.find(f.userId, f.generation);
      f.row[f.column] = (key && openWith(key, f.row[f.column] as string)) ?? '';
    }
    return response;
  })();
}
