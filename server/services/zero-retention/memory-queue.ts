import { Semaphore } from '../ingest/semaphore';
import { HttpError } from '../../middleware/errors';

/** Images held in memory at once, waiting or being described (issue 5: a bounded in-memory queue). */
export const ZERO_RETENTION_CAPACITY = 20;

/** A refusal written for the user: a 503 with Retry-After wherever it reaches the error handler. */
export class BusyError extends HttpError {
  constructor(readonly retryAfterSeconds: number) {
    super(503, 'The server is busy describing other images that are not stored. Try again in a moment. Nothing was kept.', 'busy', { retryAfterSeconds });
    this.name = 'BusyError';
  }
}

/**
 * A bounded queue that lives only in memory: a caller reserves room for all its images first (or is
 * told to come back), then each task runs under the describe concurrency. Nothing here is durable,
 * by design: a zero-retention image must not outlive the request that brought it.
 */
export class MemoryQueue {
  private reserved = 0;
  private readonly gate: Semaphore;

  constructor(
    readonly capacity: number,
    concurrency: number,
  ) {
    this.gate = new Semaphore(concurrency);
  }

  get size(): number {
    return this.reserved;
  }

  /** Claims room for n images or throws BusyError; every reservation is given back by run(). */
  reserve(n: number): void {
    if (n > this.capacity || this.reserved + n > this.capacity) throw new BusyError(30);
    this.reserved += n;
  }

  /** Gives back room reserved for tasks that will not run. */
  release(n: number): void {
    this.reserved = Math.max(0, this.reserved - n);
  }

  /** Runs one reserved task and frees its slot, whatever happens. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    try {
      return await this.gate.run(task);
    } finally {
      this.reserved -= 1;
    }
  }
}
