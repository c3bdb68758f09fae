import crypto from 'node:crypto';

/**
 * Sealed blob layout: MAGIC (4) | IV (12) | GCM tag (16) | ciphertext.
 * The blob's key name is bound as additional data, so swapping two files on disk
 * (or renaming one) fails authentication instead of serving the wrong image.
 */
const MAGIC = Buffer.from('SLB1');
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = MAGIC.length + IV_BYTES + TAG_BYTES;

export class BlobIntegrityError extends Error {
  constructor(key: string) {
    super(`stored blob ${key} failed its integrity check`);
    this.name = 'BlobIntegrityError';
  }
}

export function seal(encryptionKey: Buffer, name: string, plain: Buffer): Buffer {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', encryptionKey, iv);
  cipher.setAAD(Buffer.concat([MAGIC, Buffer.from(name)]));
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return Buffer.concat([MAGIC, iv, cipher.getAuthTag(), body]);
}

export function open(encryptionKey: Buffer, name: string, sealed: Buffer): Buffer {
  if (sealed.length < HEADER_BYTES || !sealed.subarray(0, MAGIC.length).equals(MAGIC)) throw new BlobIntegrityError(name);
  const iv = sealed.subarray(MAGIC.length, MAGIC.length + IV_BYTES);
  const tag = sealed.subarray(MAGIC.length + IV_BYTES, HEADER_BYTES);
  const decipher = crypto.createDecipheriv('aes-256-gcm', encryptionKey, iv);
  decipher.setAAD(Buffer.concat([MAGIC, Buffer.from(name)]));
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(sealed.subarray(HEADER_BYTES)), decipher.final()]);
  } catch {
    throw new BlobIntegrityError(name);
  }
}
