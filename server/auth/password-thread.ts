import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { parentPort } from 'node:worker_threads';
import bcrypt from 'bcrypt';

export type PasswordJob = { id: number; op: 'hash'; input: string; cost: number } | { id: number; op: 'compare'; input: string; hash: string };
export type PasswordAnswer = { id: number; result: string | boolean } | { id: number; error: string };

/**
 * The lowest CPU priority for this thread only (on Linux both settings are per thread): nice 19, and
 * SCHED_IDLE where `chrt` can set it, so the thread runs only when nothing else wants a core. When the
 * machine is busy, pages are served first and hashing waits for spare CPU. Returns the scheduling
 * policy the thread ended up with (0 = normal).
 */
function yieldCpuToEverythingElse(): number {
  try {
    os.setPriority(19);
    const thread = fs.readlinkSync('/proc/thread-self');
    execFileSync('chrt', ['--idle', '--pid', '0', path.basename(thread)], { stdio: 'ignore', timeout: 5000 });
    // Field 41 of stat is the policy; the command name before it may hold spaces, so count from ')'.
    const stat = fs.readFileSync('/proc/thread-self/stat', 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[38]);
  } catch {
    return 0; // not Linux, or not permitted: hashing still works, at whatever priority was set
  }
}

const policy = yieldCpuToEverythingElse();

parentPort?.on('message', (job: PasswordJob) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.input, job.cost) : bcrypt.compareSync(job.input, job.hash);
    parentPort?.postMessage({ id: job.id, result } satisfies PasswordAnswer);
  } catch (err) {
    parentPort?.postMessage({ id: job.id, error: String(err) } satisfies PasswordAnswer);
  }
});

/** For tests and diagnostics: the nice value and scheduling policy this thread runs at. */
parentPort?.postMessage({ id: 0, result: `${os.getPriority()} ${policy}` } satisfies PasswordAnswer);
