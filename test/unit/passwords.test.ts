import crypto from 'node:crypto';
import os from 'node:os';
import { PASSWORD_THREAD_NICE } from '../../server/auth/password-thread';
import { expect } from 'chai';
import { dummyHash, hashPassword, passwordThreads, verifyPassword } from '../../server/auth/passwords';
import { passwordProblem } from '../../server/auth/password-policy';

/** Read before any password thread exists. */
const processNice = os.getPriority();
const config = { passwordPepper: crypto.randomBytes(32), bcryptCost: 4 };

describe('password hashing', () => {
  it('tells apart a 100-byte password and another sharing its first 72 bytes', async () => {
    const shared = 'a'.repeat(36) + 'b'.repeat(36);
    const first = `${shared}${'c'.repeat(28)}`;
    const second = `${shared}${'d'.repeat(28)}`;
    expect(Buffer.byteLength(first)).to.equal(100);
    const hash = await hashPassword(config, first);
    expect(await verifyPassword(config, first, hash)).to.equal(true);
    expect(await verifyPassword(config, second, hash)).to.equal(false);
  });

  it('counts multi-byte characters past bcrypt\'s 72 bytes too', async () => {
    const base = 'ü'.repeat(40); // 80 bytes
    const hash = await hashPassword(config, `${base}x`);
    expect(await verifyPassword(config, `${base}y`, hash)).to.equal(false);
  });

  it('uses bcrypt at the configured cost, 12 by default in production', async () => {
    const hash = await hashPassword({ ...config, bcryptCost: 12 }, 'a long enough passphrase');
    expect(hash).to.match(/^\$2b\$12\$/);
  });

  it('hashes on a thread at a lower CPU priority, so pages are served first on a busy machine', async () => {
    await hashPassword(config, 'warm the thread up');
    expect(await passwordThreads.priority()).to.be.at.least(PASSWORD_THREAD_NICE);
    // Only that thread: the process itself keeps its priority.
    expect(os.getPriority()).to.equal(processNice);
  });

  it('answers a job bcrypt refuses with an error, not a hang, and keeps working', async () => {
    const broken = await hashPassword(config, 'before the refusal').then(() =>
      passwordThreads.run({ op: 'compare', input: 'x', hash: undefined as unknown as string }).catch((err: Error) => err),
    );
    expect(broken).to.be.instanceOf(Error);
    const hash = await hashPassword(config, 'after the refusal');
    expect(await verifyPassword(config, 'after the refusal', hash)).to.equal(true);
  });

  it('depends on the pepper: the same hash does not verify under another key', async () => {
    const hash = await hashPassword(config, 'orange kettle mountain');
    expect(await verifyPassword({ ...config, passwordPepper: crypto.randomBytes(32) }, 'orange kettle mountain', hash)).to.equal(false);
  });
});

describe('the dummy hash an unknown email is checked against', () => {
  it('is made off the main thread at the configured cost, once', async () => {
    // A cost no other test uses, so this process has not made its dummy hash yet.
    const slow = { ...config, bcryptCost: 11 };
    let longestGap = 0;
    let last = performance.now();
    const ticker = setInterval(() => {
      const now = performance.now();
      longestGap = Math.max(longestGap, now - last);
      last = now;
    }, 2);
    const started = performance.now();
    const hash = await dummyHash(slow);
    const took = performance.now() - started;
    clearInterval(ticker);
    expect(hash).to.match(/^\$2b\$11\$/);
    // Made on the main thread, one gap would last the whole hash.
    expect(took).to.be.greaterThan(30);
    expect(longestGap).to.be.lessThan(took / 2);
    expect(await dummyHash(slow)).to.equal(hash);
    expect(await verifyPassword(slow, 'anything at all', hash)).to.equal(false);
  });
});

describe('password rules', () => {
  it('accepts 10 to 128 characters', () => {
    expect(passwordProblem('tulip-anchor')).to.equal(null);
    expect(passwordProblem('short pw')).to.match(/at least 10/);
    expect(passwordProblem('x9'.repeat(64))).to.equal(null);
    expect(passwordProblem('x9'.repeat(64) + 'z')).to.match(/at most 128/);
  });

  it('counts characters, not bytes', () => {
    expect(passwordProblem('ü'.repeat(10) + 'qz')).to.equal(null);
  });

  it('refuses common passwords, also with digits stuck on the end', () => {
    expect(passwordProblem('1234567890')).to.match(/too common/);
    expect(passwordProblem('qwertyuiop')).to.match(/too common/);
    expect(passwordProblem('Password1234')).to.match(/too common/);
    expect(passwordProblem('football2024!')).to.match(/too common/);
  });

  it('refuses one repeated character and the email address itself', () => {
    expect(passwordProblem('zzzzzzzzzzzz')).to.not.equal(null);
    expect(passwordProblem('someone@example.test', 'someone@example.test')).to.match(/email/);
  });
});
