import os from 'node:os';
import { HttpError } from '../middleware/errors';

/**
 * Bounds how many bcrypt operations run at once, process-wide. A cost-12 hash keeps a core busy for
 * ~200 ms; without a bound, a login flood from many addresses (which per-IP and per-account limits do
 * not stop) would take every core and slow every other page. Waiters beyond `maxQueue` are refused
 * at once with 503, which costs nothing.
 */
export class CpuGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueue: number,
  ) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) {
        throw new HttpError(503, 'Sign-in is busy right now. Try again in a moment.', 'busy', { retryAfterSeconds: 5 });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running -= 1;
    }
  }
}

/** Leave one core for serving pages (on 2 cores: one hash at a time, ~5 logins/s at cost 12); at most ~3 s of waiting. */
export const passwordGate = new CpuGate(Math.max(1, os.availableParallelism() - 1), 16);
