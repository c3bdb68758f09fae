import { performance } from 'node:perf_hooks';
import cron, { ScheduledTask } from 'node-cron';
import type { Deps } from '../server/deps';

export type JobCounts = Record<string, number>;

/** One entry of the schedule table. */
export interface Job {
  name: string;
  /** node-cron expression */
  schedule: string;
  run(deps: Deps, context: JobContext): Promise<JobCounts>;
}

/** atBoot: nothing else is running yet (no uploads in flight, queue not started). */
export interface JobContext {
  atBoot: boolean;
}

/**
 * Runs the schedule table. node-cron does not backfill missed ticks, so every job decides what is
 * due from stored timestamps, and catchUp() runs each once at boot. A job never overlaps itself
 * (whether started by a tick or by catch-up), and its errors are logged, never thrown.
 */
export class JobRunner {
  private tasks: ScheduledTask[] = [];
  private running = new Map<string, Promise<JobCounts | undefined>>();

  constructor(
    private readonly deps: Deps,
    private readonly jobs: readonly Job[],
  ) {}

  /** Runs one job now, unless it is already running; resolves with its counts, or undefined. */
  runJob(job: Job, context: JobContext = { atBoot: false }): Promise<JobCounts | undefined> {
    const current = this.running.get(job.name);
    if (current) {
      this.deps.logger.info({ job: job.name }, 'job still running; this run skipped');
      return current;
    }
    const started = performance.now();
    const run = job
      .run(this.deps, context)
      .then((counts) => {
        this.deps.logger.info({ job: job.name, counts, ms: Math.round(performance.now() - started) }, 'job finished');
        return counts;
      })
      .catch((err: unknown) => {
        this.deps.logger.error({ err, job: job.name }, 'job failed');
        return undefined;
      })
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, run);
    return run;
  }

  /** Runs every job once, in table order, so whatever fell due while the server was down is done. */
  async catchUp(): Promise<void> {
    for (const job of this.jobs) await this.runJob(job, { atBoot: true });
  }

  start(): void {
    for (const job of this.jobs) {
      const task = cron.schedule(job.schedule, () => this.runJob(job), { name: job.name, noOverlap: true });
      this.tasks.push(task);
    }
  }

  /** Stops the ticks and waits for running jobs to finish. */
  async stop(): Promise<void> {
    for (const task of this.tasks) await task.destroy();
    this.tasks = [];
    await Promise.all(this.running.values());
  }
}
