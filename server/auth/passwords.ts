import crypto from 'node:crypto';
import bcrypt from 'bcrypt';
import { passwordGate } from './cpu-gate';

/**
 * bcrypt reads only the first 72 bytes of its input. Passwords are first keyed with HMAC-SHA256
 * (the pepper lives in DATA_DIR/secrets.json, not in the database) and base64-encoded: 44 ASCII bytes,
 * no NUL bytes, so every character of a 128-character password counts.
 */
function prehash(pepper: Buffer, password: string): string {
  return crypto.createHmac('sha256', pepper).update(password.normalize('NFC'), 'utf8').digest('base64');
}

export interface PasswordConfig {
  passwordPepper: Buffer;
  bcryptCost: number;
}

export async function hashPassword(config: PasswordConfig, password: string): Promise<string> {
  const input = prehash(config.passwordPepper, password);
  return passwordGate.run(() => bcrypt.hash(input, config.bcryptCost));
}

export async function verifyPassword(config: PasswordConfig, password: string, hash: string): Promise<boolean> {
  const input = prehash(config.passwordPepper, password);
  return passwordGate.run(() => bcrypt.compare(input, hash));
}

const dummyHashes = new Map<number, string>();

/**
 * A hash of a random password at the configured cost: checked against when the email is unknown,
 * so a wrong email takes as long as a wrong password.
 */
export function dummyHash(cost: number): string {
  let hash = dummyHashes.get(cost);
  if (!hash) {
    hash = bcrypt.hashSync(crypto.randomBytes(16).toString('base64'), cost);
    dummyHashes.set(cost, hash);
  }
  return hash;
}
