import fs from 'node:fs';
import path from 'node:path';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The 10,000 most common passwords plus every longer one in the 30,000-entry list that ships with
 * zxcvbn 4.4.2 (MIT, Dan Wheeler and Dropbox). Loaded once, on first use.
 */
const LIST_FILE = path.resolve(__dirname, '../../../server/auth/common-passwords.txt');
let common: Set<string> | undefined;

function commonPasswords(): Set<string> {
  common ??= new Set(fs.readFileSync(LIST_FILE, 'utf8').split('\n').filter(Boolean));
  return common;
}

/** A common password with digits or symbols stuck on the end ("football2024!") is still common. */
function isCommon(password: string): boolean {
  const lower = password.toLowerCase();
  const list = commonPasswords();
  if (list.has(lower)) return true;
  const stem = lower.replace(/[\d\W_]+$/, '');
  return stem.length >= 4 && list.has(stem);
}

/** Returns what is wrong with a new password, or null when it is acceptable. */
export function passwordProblem(password: string, email = ''): string | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters.`;
  if (isCommon(password)) return 'That password is too common. Choose one that is harder to guess.';
  if (/^(.)\1*$/.test(password)) return 'That password is too easy to guess.';
  if (email && password.toLowerCase() === email.toLowerCase()) return 'Do not use your email address as your password.';
  return null;
}
