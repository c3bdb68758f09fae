import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PasswordAnswer, PasswordJob } from './password-thread';

type Job = PasswordJob extends infer J ? (J extends PasswordJob ? Omit<J, 'id'> : never) : never;
type Pending = { resolve: (value: string | boolean) => void; reject: (err: Error) => void };

/** One low-priority worker thread running bcrypt; see password-thread.ts. */
class PasswordThread {
  private readonly worker = new Worker(path.join(__dirname, 'password-thread.js'));
  readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** The nice value the thread reported when it started. */
  readonly priority: Promise<number>;

  constructor(onGone: (thread: PasswordThread) => void) {
    let reportPriority!: (value: number) => void;
    this.priority = new Promise((resolve) => (reportPriority = resolve));
    this.worker.unref();
    this.worker.on('message', (answer: PasswordAnswer) => {
      if (answer.id === 0) return reportPriority('result' in answer ? Number(answer.result) : 0);
      const waiter = this.pending.get(answer.id);
      this.pending.delete(answer.id);
      // An idle thread must not keep the process alive.
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in answer) waiter?.reject(new Error(answer.error));
      else waiter?.resolve(answer.result);
    });
    const fail = (err: Error) => {
      onGone(this);
      for (const waiter of this.pending.values()) waiter.reject(err);
      this.pending.clear();
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`password thread exited with code ${code}`)));
  }

  send(job: Job): Promise<string | boolean> {
    const id = this.nextId++;
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...job, id });
    });
  }
}

/**
 * Runs bcrypt on up to `size` worker threads at a lower CPU priority (see password-thread.ts),
 * started on first use. The password gate decides how many hashes run at once; these threads yield
 * the CPU to serving pages, so a login flood cannot slow signed-in users down.
 */
export class PasswordThreads {
  private readonly threads: PasswordThread[] = [];

  constructor(private readonly size: number) {}

  run(job: Job): Promise<string | boolean> {
    return this.leastBusy().send(job);
  }

  /** The nice value of a thread, for tests and diagnostics. */
  priority(): Promise<number> {
    return this.leastBusy().priority;
  }

  /** A thread that died is never picked again (it reports both 'error' and 'exit'; the second finds nothing). */
  private forget(gone: PasswordThread): void {
    const at = this.threads.indexOf(gone);
    if (at >= 0) this.threads.splice(at, 1);
  }

  private leastBusy(): PasswordThread {
    let best: PasswordThread | undefined;
    for (const thread of this.threads) if (!best || thread.pending.size < best.pending.size) best = thread;
    if (!best || (best.pending.size > 0 && this.threads.length < this.size)) {
      best = new PasswordThread((gone) => this.forget(gone));
      this.threads.push(best);
    }
    return best;
  }
}
