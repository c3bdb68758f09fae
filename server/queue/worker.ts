import { performance } from 'node:perf_hooks';
import { retryDelayMs } from './backoff';
import type { HeldSlot, QueueDeps, QueueOptions } from './queue-options';
import { claimNext, claimWithin, recoverExpiredLeases, releaseJob, renewLeases, type ClaimedJob } from './store';
import { completeJob, failJob, retryJob, type Outcome } from './results';
import { describeOptionsFor, toFailure } from './job-input';
import { completeComparisonJob, describeForComparison, failComparisonJob } from '../services/compare/job';
import { checkBudget } from '../services/compare/budget';

export { defaultQueueOptions, type HeldSlot, type QueueDeps, type QueueOptions } from './queue-options';

interface Running {
  job: ClaimedJob;
  controller: AbortController;
  /** Why the worker aborted it: shutting down (hand it back) or cancelled by the user (drop it). */
  reason?: 'stop' | 'cancel';
  done: Promise<void>;
}

/**
 * The in-process worker of the durable queue. The jobs table is the truth: this class only holds
 * the jobs it has leased, and everything it does to them is a guarded update of their rows.
 */
export class Queue {
  private readonly running = new Map<number, Running>();
  private started = false;
  private stopping = false;
  private pumping?: Promise<void>;
  private pumpAgain = false;
  /** Bumped by every nudge, so a finishing job can tell whether work arrived since its slot checked the queue. */
  private nudges = 0;
  private leasesCheckedAt = -Infinity;
  /** Slots held by enqueue transactions still in progress (see holdSlot). */
  private held = 0;
  private pollTimer?: NodeJS.Timeout;
  private leaseTimer?: NodeJS.Timeout;
  private renewing?: Promise<void>;

  /** `deps` may be a function, so the queue can be built inside the literal that creates the app's deps. */
  constructor(
    private readonly depsSource: QueueDeps | (() => QueueDeps),
    readonly options: QueueOptions,
  ) {}

  private get deps(): QueueDeps {
    return typeof this.depsSource === 'function' ? this.depsSource() : this.depsSource;
  }

  get isRunning(): boolean {
    return this.started && !this.stopping;
  }

  get activeJobs(): number {
    return this.running.size;
  }

  /** Returns expired leases to the queue, then starts claiming. */
  async start(): Promise<void> {
    if (this.isRunning) return;
    this.started = true;
    this.stopping = false;
    const recovered = await recoverExpiredLeases(this.deps.db, this.now());
    if (recovered) this.deps.logger.info({ recovered }, 'returned jobs with expired leases to the queue');
    this.leaseTimer = setInterval(() => (this.renewing = this.renew()), Math.max(50, Math.floor(this.options.leaseMs / 3)));
    this.leaseTimer.unref();
    this.nudge();
  }

  /** Looks for work now instead of at the next poll (after an enqueue, or when a test moved the clock). */
  nudge(): void {
    if (!this.isRunning) return;
    this.nudges += 1;
    this.schedule(0);
  }

  /** A slot for an enqueue to claim into, or undefined when the worker is stopped or busy (it will nudge instead). */
  holdSlot(): HeldSlot | undefined {
    if (!this.isRunning || this.running.size + this.held >= this.options.concurrency) return undefined;
    this.held += 1;
    let open = true;
    let job: ClaimedJob | null = null;
    const close = () => {
      const wasOpen = open;
      if (open) this.held -= 1;
      open = false;
      return wasOpen;
    };
    return {
      claim: async (trx) => {
        job = await claimWithin(trx, this.options.workerId, this.now(), this.options.leaseMs);
      },
      committed: () => {
        if (!close()) return;
        if (job && this.isRunning) this.run(job);
        else if (job) void releaseJob(this.deps.db, job.id, job.imageId, this.now()).catch((err: unknown) => this.deps.logger.error({ err }, 'queue could not hand a job back'));
        else this.nudge();
      },
      abandon: () => {
        if (close()) this.nudge();
      },
    };
  }

  /**
   * Stops claiming, lets running jobs finish for up to `timeoutMs`, then aborts the rest and hands
   * them back to the queue without counting the attempt.
   */
  async stop(timeoutMs = this.options.stopTimeoutMs): Promise<void> {
    if (!this.started) return;
    this.stopping = true;
    clearTimeout(this.pollTimer);
    await this.pumping;
    await settleWithin([...this.running.values()].map((r) => r.done), timeoutMs);
    for (const entry of this.running.values()) {
      entry.reason = 'stop';
      entry.controller.abort();
    }
    // A describer that ignores the abort signal must not hold shutdown hostage.
    await settleWithin([...this.running.values()].map((r) => r.done), 2_000);
    for (const entry of this.running.values()) await releaseJob(this.deps.db, entry.job.id, entry.job.imageId, this.now());
    clearInterval(this.leaseTimer);
    await this.renewing;
    this.started = false;
  }

  /** Aborts these jobs if this worker runs them (their rows were already marked cancelled). */
  abortJobs(jobIds: number[]): void {
    for (const id of jobIds) {
      const entry = this.running.get(id);
      if (!entry) continue;
      entry.reason = 'cancel';
      entry.controller.abort();
    }
  }

  private now(): number {
    return this.deps.clock.now().getTime();
  }

  private schedule(ms: number): void {
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => void this.pump(), ms);
  }

  /** Fills free slots with due jobs; one pump at a time, re-run when nudged meanwhile. */
  private pump(): Promise<void> {
    if (this.pumping) {
      this.pumpAgain = true;
      return this.pumping;
    }
    this.pumping = this.fillSlots().finally(() => {
      this.pumping = undefined;
      if (this.isRunning) this.schedule(this.options.pollMs);
    });
    return this.pumping;
  }

  private async fillSlots(): Promise<void> {
    try {
      do {
        this.pumpAgain = false;
        while (this.isRunning && this.running.size + this.held < this.options.concurrency) {
          const job = await claimNext(this.deps.db, this.options.workerId, this.now(), this.options.leaseMs);
          if (!job) {
            await this.recoverLeasesNowAndThen();
            break;
          }
          this.run(job);
        }
      } while (this.pumpAgain && this.isRunning);
    } catch (err) {
      this.deps.logger.error({ err }, 'queue could not claim jobs');
    }
  }

  /**
   * Expired leases are looked for at most once per poll interval (wall time): a nudge means new work,
   * not a dead worker, and an extra transaction per nudge would queue behind the request that nudged
   * on SQLite's single connection.
   */
  private async recoverLeasesNowAndThen(): Promise<void> {
    if (performance.now() - this.leasesCheckedAt < this.options.pollMs) return;
    this.leasesCheckedAt = performance.now();
    await recoverExpiredLeases(this.deps.db, this.now());
  }

  private run(job: ClaimedJob): void {
    const entry = { job, controller: new AbortController() } as Running;
    this.running.set(job.id, entry);
    if (job.kind === 'describe') this.emit('image.started', job);
    entry.done = this.execute(entry)
      .catch((err: unknown) => {
        this.deps.logger.error({ err, jobId: job.id }, 'queue could not record a job outcome');
        return false;
      })
      .then((queueChecked) => {
        this.running.delete(job.id);
        // The completion already looked for a next job in its commit and found none; unless a nudge
        // came since, another look now would only repeat that query while the client waits for its answer.
        if (!queueChecked) this.nudge();
      });
  }

  /** Runs the job; true when its completion looked for a next job, found none, and nothing was nudged since. */
  private async execute(entry: Running): Promise<boolean> {
    const { job } = entry;
    try {
      if (!job.blobKey) throw new JobGone();
      if (job.kind === 'describe') await checkBudget(this.deps, job);
      const image = await this.deps.blobs.get(job.blobKey);
      const input = { image, mimeType: 'image/jpeg', width: job.width, height: job.height, originalName: job.originalName, embedded: job.embedded };
      if (job.kind === 'compare') {
        const result = await describeForComparison(this.deps, job, input, describeOptionsFor(job), entry.controller.signal);
        await completeComparisonJob(this.deps, job, result, this.now());
        return false;
      }
      const description = await this.deps.describer.describe(input, describeOptionsFor(job), entry.controller.signal);
      const handOver = this.isRunning ? { workerId: this.options.workerId, leaseMs: this.options.leaseMs } : undefined;
      const nudgesBefore = this.nudges;
      const outcome = await completeJob(this.deps, job, description, this.now(), handOver);
      this.announce(job, 'image.completed', outcome);
      if (outcome.next && this.isRunning) this.run(outcome.next);
      else if (outcome.next) await releaseJob(this.deps.db, outcome.next.id, outcome.next.imageId, this.now());
      return Boolean(handOver) && !outcome.next && outcome.stored && this.nudges === nudgesBefore;
    } catch (err) {
      if (entry.reason === 'stop') await releaseJob(this.deps.db, job.id, job.imageId, this.now());
      else if (entry.reason !== 'cancel') await this.handleFailure(job, toFailure(err, this.deps.logger));
      return false;
    }
  }

  private async handleFailure(job: ClaimedJob, failure: { message: string; retryable: boolean; retryAfterMs?: number }): Promise<void> {
    const now = this.now();
    if (job.kind === 'compare' && (!failure.retryable || job.attempts >= job.maxAttempts)) {
      await failComparisonJob(this.deps, job, failure.retryable ? `Gave up after ${job.attempts} attempts. ${failure.message}` : failure.message, now);
    } else if (!failure.retryable) {
      this.announce(job, 'image.failed', await failJob(this.deps, job, failure.message, now));
    } else if (job.attempts >= job.maxAttempts) {
      const reason = `Gave up after ${job.attempts} attempts. ${failure.message}`;
      this.announce(job, 'image.failed', await failJob(this.deps, job, reason, now));
    } else {
      const delay = retryDelayMs(job.attempts, this.options.backoff, failure.retryAfterMs, this.options.random);
      await retryJob(this.deps.db, job, now + delay, failure.message, now);
      this.deps.logger.info({ jobId: job.id, attempt: job.attempts, delayMs: delay }, 'describe job will be retried');
    }
  }

  private announce(job: ClaimedJob, name: 'image.completed' | 'image.failed', outcome: Outcome): void {
    if (!outcome.stored) return;
    this.emit(name, job);
    if (outcome.batchFinished) this.emit('batch.completed', job);
  }

  private emit(name: 'image.started' | 'image.completed' | 'image.failed' | 'batch.completed', job: ClaimedJob): void {
    this.deps.events.emit(name, { imageId: job.imageId, batchId: job.batchId, userId: job.userId }, (err) =>
      this.deps.logger.error({ err, event: name }, 'event listener failed'),
    );
  }

  private async renew(): Promise<void> {
    try {
      await renewLeases(this.deps.db, this.options.workerId, [...this.running.keys()], this.now() + this.options.leaseMs);
    } catch (err) {
      this.deps.logger.error({ err }, 'queue could not renew leases');
    }
  }
}

/** The working copy was deleted (expired or removed) before the job ran. */
export class JobGone extends Error {
  constructor() {
    super('The image was deleted before it could be described.');
    this.name = 'JobGone';
  }
}

async function settleWithin(promises: Promise<unknown>[], ms: number): Promise<void> {
  if (promises.length === 0) return;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.allSettled(promises), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
