import crypto from 'node:crypto';
import type { Config } from '../../config';

/**
 * Recovery codes and remembered-browser tokens are random and long, so an HMAC (keyed from the
 * password pepper, which never enters the database) is as good as a slow hash and lets a lookup use
 * an index. A stolen database alone cannot turn a stored hash back into a working code.
 */
export function tokenHash(config: Pick<Config, 'passwordPepper'>, purpose: string, token: string): string {
  const key = crypto.createHash('sha256').update(`${purpose}\0`).update(config.passwordPepper).digest();
  return crypto.createHmac('sha256', key).update(token).digest('hex');
}

/** Letters and digits that cannot be misread for one another (no 0/o, 1/l/i). */
const ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** Ten characters from the alphabet above (about 49 bits), written as two groups of five. */
export function newRecoveryCode(): string {
  let code = '';
  for (let i = 0; i < 10; i += 1) code += ALPHABET[crypto.randomInt(ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** How a typed recovery code compares: case, spaces and dashes do not matter. */
export function normalizeRecoveryCode(input: string): string {
  const plain = input.toLowerCase().replace(/[\s-]/g, '');
  return `${plain.slice(0, 5)}-${plain.slice(5)}`;
}
