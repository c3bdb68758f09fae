import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcrypt';

export type PasswordJob = { id: number; op: 'hash'; input: string; cost: number } | { id: number; op: 'compare'; input: string; hash: string };
export type PasswordAnswer = { id: number; result: string | boolean } | { id: number; error: string };

/**
 * A lower CPU priority for this thread only (on Linux the nice value is per thread): when the machine
 * is busy, pages are served first. Not the lowest: at nice 19 (or SCHED_IDLE) a sign-in could starve
 * for many seconds while describing keeps both cores busy; at 10 it gets about a tenth of a busy core.
 */
export const PASSWORD_THREAD_NICE = 10;

try {
  if (parentPort) os.setPriority(PASSWORD_THREAD_NICE);
} catch {
  // Not permitted here: hashing still works, at normal priority.
}

parentPort?.on('message', (job: PasswordJob) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.input, job.cost) : bcrypt.compareSync(job.input, job.hash);
    parentPort?.postMessage({ id: job.id, result } satisfies PasswordAnswer);
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: String(err) } satisfies PasswordAnswer);
  }
});

/** For tests and diagnostics: the nice value this thread runs at. */
parentPort?.postMessage({ id: 0, result: String(os.getPriority()) } satisfies PasswordAnswer);
