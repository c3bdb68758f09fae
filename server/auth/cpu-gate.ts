import os from 'node:os';
import type { RequestHandler } from 'express';
import { HttpError } from '../middleware/errors';

/**
 * Bounds how many bcrypt operations run at once, process-wide. A cost-12 hash keeps a core busy for
 * ~200 ms; without a bound, a login flood from many addresses (which per-IP and per-account limits do
 * not stop) would take every core and slow every other page. Waiters beyond `maxQueue` are refused
 * at once with 503, which costs nothing. While tasks queue back to back, a slot rests `restFraction`
 * of the last task's time before starting the next, so sustained demand gets at most
 * 1 / (1 + restFraction) of each slot's core; a task that finds the gate idle starts at once.
 */
export class CpuGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number,
    readonly maxQueue: number,
    readonly restFraction = 0,
  ) {}

  /** True when one more task would be refused. */
  isFull(): boolean {
    return this.running >= this.concurrency && this.waiting.length >= this.maxQueue;
  }

  /** Refuses at once (503) when one more task would be refused, before any other work is done for it. */
  refuseWhenFull(): void {
    if (this.isFull()) throw busy();
  }

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxQueue) throw busy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    const started = performance.now();
    try {
      return await work();
    } finally {
      const rest = (performance.now() - started) * this.restFraction;
      if (this.waiting.length === 0) this.running -= 1;
      else if (rest > 0) setTimeout(() => this.handOn(), rest);
      else this.handOn();
    }
  }

  /** Gives this slot to the next waiter, or frees it if the queue emptied meanwhile. */
  private handOn(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}

function busy(): HttpError {
  return new HttpError(503, 'Sign-in is busy right now. Try again in a moment.', 'busy', { retryAfterSeconds: 5 });
}

/** How long a turned-away attempt is held before its 503: a flood's connections then send ~1 attempt/s each. */
export const BUSY_ANSWER_DELAY_MS = 1000;

/**
 * Refuses a request that would need the gate while its queue is full, before any body, session or
 * database work, and answers it only after a delay. Refusing at once would let each flood connection
 * fire attempts as fast as the server can refuse them, and a pending timer costs nothing.
 */
export function refuseWhenFull(gate: CpuGate): RequestHandler {
  return (_req, _res, next) => {
    if (!gate.isFull()) return next();
    setTimeout(() => next(busy()), BUSY_ANSWER_DELAY_MS);
  };
}

/**
 * Leave one core for serving pages (on 2 cores: one hash at a time). Under sustained demand each slot
 * hashes at most half the time (~2 logins/s at cost 12 on 2 cores), so a flood cannot take even that
 * core whole; at most 16 wait.
 */
export const passwordGate = new CpuGate(Math.max(1, os.availableParallelism() - 1), 16, 1);
