import os from 'node:os';
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcrypt';

export type PasswordJob = { id: number; op: 'hash'; input: string; cost: number } | { id: number; op: 'compare'; input: string; hash: string };
export type PasswordAnswer = { id: number; result: string | boolean } | { id: number; error: string };

// Lowest scheduling priority for this thread only (on Linux the nice value is per thread): when the
// machine is busy, pages are served first and hashing waits for spare CPU.
try {
  os.setPriority(19);
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

/** For tests: the nice value this thread runs at. */
parentPort?.postMessage({ id: 0, result: String(os.getPriority()) } satisfies PasswordAnswer);
