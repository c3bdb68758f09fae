import crypto from 'node:crypto';
import { passwordGate } from './cpu-gate';
import { PasswordThreads } from './password-threads';

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

/** As many threads as the gate lets hashes run at once. */
export const passwordThreads = new PasswordThreads(passwordGate.concurrency);

export async function hashPassword(config: PasswordConfig, password: string): Promise<string> {
  return withPasswordSlot(() => hashOffGate(config, password));
}

/** A hash on a password thread without taking a place at the gate. */
async function hashOffGate(config: PasswordConfig, password: string): Promise<string> {
  const input = prehash(config.passwordPepper, password);
  return String(await passwordThreads.run({ op: 'hash', input, cost: config.bcryptCost }));
}

export async function verifyPassword(config: PasswordConfig, password: string, hash: string): Promise<boolean> {
  return withPasswordSlot(() => verifyPasswordInSlot(config, password, hash));
}

/**
 * Runs `work` holding a place at the password gate, refused at once (503) when its queue is full.
 * A sign-in takes its place before looking the account up, so a refused attempt reads nothing.
 */
export function withPasswordSlot<T>(work: () => Promise<T>): Promise<T> {
  return passwordGate.run(work);
}

/** `verifyPassword` for a caller already holding a place (see `withPasswordSlot`). */
export async function verifyPasswordInSlot(config: PasswordConfig, password: string, hash: string): Promise<boolean> {
  const input = prehash(config.passwordPepper, password);
  return (await passwordThreads.run({ op: 'compare', input, hash })) === true;
}

const dummyHashes = new Map<number, Promise<string>>();

/**
 * A hash of a random password at the configured cost: checked against when the email is unknown,
 * so a wrong email takes as long as a wrong password. Made once per cost on a password thread:
 * made on the main thread it would stall every page for the length of a hash.
 */
export function dummyHash(config: PasswordConfig): Promise<string> {
  let hash = dummyHashes.get(config.bcryptCost);
  if (!hash) {
    // Not through the gate: a sign-in holding the gate's only place may be the one waiting for it.
    hash = hashOffGate(config, crypto.randomBytes(16).toString('base64'));
    const made = hash;
    made.catch(() => dummyHashes.get(config.bcryptCost) === made && dummyHashes.delete(config.bcryptCost));
    dummyHashes.set(config.bcryptCost, made);
  }
  return hash;
}
