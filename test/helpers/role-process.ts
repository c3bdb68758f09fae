import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { waitFor } from './queue-fixtures';

export interface RoleProcess {
  child: ChildProcess;
  /** Everything it wrote (JSON log lines and the "running at" line). */
  output(): string;
  /** SIGTERM, then waits for the exit code. */
  stop(): Promise<number | null>;
}

/**
 * The real server (dist/server/index.js) running the roles named in SIGHTLINE_ROLE, on the data
 * directory and database of `env`; resolves once it logged that its roles started.
 */
export async function spawnRoles(roles: string, env: Record<string, string>): Promise<RoleProcess> {
  const child = spawn(process.execPath, [path.resolve(__dirname, '../../server/index.js')], {
    env: { ...process.env, NODE_ENV: 'test', BCRYPT_COST: '4', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env, SIGHTLINE_ROLE: roles },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((exitCode = code))));
  await waitFor(() => {
    if (exitCode !== undefined) throw new Error(`the ${roles} process exited early:\n${out}`);
    return /"msg":"started"/.test(out);
  }, 15_000, `the ${roles} process to start`);
  return {
    child,
    output: () => out,
    async stop() {
      if (exitCode === undefined) child.kill('SIGTERM');
      return exited;
    },
  };
}
