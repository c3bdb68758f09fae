import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { buildTestApp, type TestApp } from '../test/helpers/test-app';
import { postgresCluster, postgresMissing, stopPostgresCluster } from '../test/helpers/test-database';
import { systemClock } from '../server/clock';

/**
 * Sightline as an operations team runs it: `node dist/server/index.js` processes on one PostgreSQL
 * database and one shared DATA_DIR, each started with SIGHTLINE_ROLE=web or worker. A bench process
 * holds `admin`, an app on the same database, to seed accounts and read the outcome.
 */
export type Role = 'web' | 'worker';

export interface Member {
  role: Role;
  index: number;
  child: ChildProcess;
  /** Web processes only. */
  url?: string;
}

const SERVER = path.join(__dirname, '../server/index.js');

/** Whether this build runs one role per process; before it does, every process is web + worker. */
export function rolesAvailable(): boolean {
  return fs.readFileSync(path.join(__dirname, '../server/config.js'), 'utf8').includes('SIGHTLINE_ROLE');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export class Cluster {
  readonly members: Member[] = [];
  /** Each process's log (LOG_LEVEL, warn by default), kept after the run for a look at what went wrong. */
  readonly logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-cluster-logs-'));
  private stopping = false;

  private constructor(
    readonly admin: TestApp,
    readonly env: Record<string, string>,
    private readonly dataDir: string,
  ) {
    // A bench that dies leaves no server processes behind.
    process.once('exit', () => this.members.forEach((m) => m.child.kill('SIGKILL')));
  }

  /** A fresh database and DATA_DIR; `env` adds settings (describer, concurrency, ...). */
  static async create(env: Record<string, string>): Promise<Cluster> {
    const missing = postgresMissing();
    if (missing) throw new Error(`this bench needs PostgreSQL: ${missing}`);
    const { url } = await (await postgresCluster()).createDatabase();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-cluster-'));
    const shared = {
      DATABASE_URL: url,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      SESSION_SECRET: crypto.randomBytes(32).toString('hex'),
      ENCRYPTION_KEY: crypto.randomBytes(32).toString('hex'),
      PASSWORD_PEPPER: crypto.randomBytes(32).toString('hex'),
      LOG_LEVEL: 'warn',
      ...env,
    };
    const admin = await buildTestApp(shared);
    admin.deps.clock = systemClock;
    return new Cluster(admin, shared, dataDir);
  }

  /** Starts one process of `role` and waits until it serves (web) or has had time to boot (worker). */
  async start(role: Role, index = this.members.filter((m) => m.role === role).length): Promise<Member> {
    const serves = role === 'web' || !rolesAvailable();
    const port = serves ? await freePort() : 0;
    const roleEnv = rolesAvailable() ? { SIGHTLINE_ROLE: role } : {};
    const child = spawn(process.execPath, [SERVER], {
      env: { ...process.env, ...this.env, ...roleEnv, PORT: String(port), MALLOC_ARENA_MAX: '2' },
      stdio: ['ignore', fs.openSync(path.join(this.logDir, `${role}-${index}.log`), 'a'), 'pipe'],
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      if (!this.stopping) process.stderr.write(`[${role} ${index}] ${chunk.toString()}`);
    });
    const member: Member = { role, index, child, url: serves ? `http://127.0.0.1:${port}` : undefined };
    const exited = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`${role} ${index} exited (${code ?? signal}) while starting`))));
    exited.catch(() => undefined);
    const ready = member.url
      ? until(async () => (await fetch(`${member.url}/healthz`)).ok, 90_000, `${role} ${index} to serve`)
      : new Promise<void>((resolve) => setTimeout(resolve, 1500));
    // Listed before it is ready, so stop() ends it even when it never gets there.
    this.members.push(member);
    await Promise.race([ready, exited]);
    return member;
  }

  /** kill -9, as a crash would, and wait until the process is gone. */
  async kill(member: Member): Promise<void> {
    const gone = new Promise((resolve) => member.child.once('exit', resolve));
    member.child.kill('SIGKILL');
    await gone;
    this.members.splice(this.members.indexOf(member), 1);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(
      this.members.splice(0).map((m) => {
        const gone = new Promise((resolve) => m.child.once('exit', resolve));
        m.child.kill('SIGTERM');
        return gone;
      }),
    );
    await this.admin.close();
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** The PostgreSQL server every Cluster of this run used; stop it once, at the end. */
export async function stopClusterDatabase(): Promise<void> {
  await stopPostgresCluster();
}
