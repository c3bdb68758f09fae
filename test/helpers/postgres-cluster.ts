import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import knex, { type Knex } from 'knex';
import { createDb, migrateLatest } from '../../server/db/knex';

const run = promisify(execFile);

/** Debian's `postgresql` package puts each major version's programs here. */
const DEBIAN_BIN_DIRS = '/usr/lib/postgresql';

/** The directory holding initdb and pg_ctl, newest major version first; undefined when PostgreSQL is not installed. */
export function postgresBinDir(): string | undefined {
  if (!fs.existsSync(DEBIAN_BIN_DIRS)) return undefined;
  const versions = fs
    .readdirSync(DEBIAN_BIN_DIRS)
    .filter((v) => fs.existsSync(path.join(DEBIAN_BIN_DIRS, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(DEBIAN_BIN_DIRS, versions[0], 'bin');
}

/** The server refuses to run as root: then every server program runs as `nobody`. */
function asServerUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const uid = Number(execFileSync('id', ['-u', 'nobody']).toString());
  const gid = Number(execFileSync('id', ['-g', 'nobody']).toString());
  return { prefix: ['runuser', '-u', 'nobody', '--'], uid, gid };
}

const TEMPLATE = 'sightline_template';

/**
 * A throwaway PostgreSQL cluster in a temp directory, reached only through a Unix socket in that
 * directory. The schema is migrated once into a template database; each test app gets a copy
 * (`CREATE DATABASE … TEMPLATE`), which costs a fraction of running the migrations again.
 */
export class PostgresCluster {
  private admin: Knex | undefined;
  private next = 0;

  private constructor(
    readonly dir: string,
    private readonly watchdog: ChildProcess,
  ) {}

  /**
   * initdb, start, and migrate the template. A watchdog process holds the other end of a pipe from
   * this one: when this process ends, however it ends (a crash or kill -9 included), the pipe
   * closes and the watchdog stops the server and deletes the directory, so no postgres is left behind.
   */
  static async start(): Promise<PostgresCluster> {
    const bin = postgresBinDir();
    if (!bin) throw new Error(`PostgreSQL is not installed (no ${DEBIAN_BIN_DIRS}/*/bin/initdb; apt-get install postgresql)`);
    const user = asServerUser();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-pg-'));
    if (user.uid !== undefined) fs.chownSync(dir, user.uid, user.gid!);
    const data = path.join(dir, 'data');
    const pgCtl = [...user.prefix, path.join(bin, 'pg_ctl'), '-D', data];
    // Detached: a Ctrl-C sent to the terminal's process group must not stop the watchdog before it cleans up.
    const watchdog = spawn('sh', ['-c', 'cat >/dev/null; "$@" stop -m immediate >/dev/null 2>&1; rm -rf "$PG_TEST_DIR"', 'watchdog', ...pgCtl], {
      detached: true,
      stdio: ['pipe', 'ignore', 'ignore'],
      env: { ...process.env, PG_TEST_DIR: dir },
    });
    watchdog.unref();
    (watchdog.stdin as unknown as { unref(): void }).unref();
    const cluster = new PostgresCluster(dir, watchdog);
    try {
      const [cmd, ...args] = [...user.prefix, path.join(bin, 'initdb'), '--no-sync', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8', '-U', 'postgres', '-D', data];
      await run(cmd!, args);
      // No fsync and no TCP: the data is thrown away, and nothing outside this machine may connect.
      const options = `-F -c fsync=off -c full_page_writes=off -k ${dir} -c listen_addresses=''`;
      const [ctl, ...ctlArgs] = [...pgCtl, 'start', '-w', '-l', path.join(dir, 'server.log'), '-o', options];
      await run(ctl!, ctlArgs);
      await cluster.migrateTemplate();
      return cluster;
    } catch (err) {
      await cluster.stop();
      throw err;
    }
  }

  /** A connection URL for a database of this cluster (the socket directory goes in the host, percent-encoded). */
  url(database: string): string {
    return `postgres://postgres@${encodeURIComponent(this.dir)}/${database}`;
  }

  private adminDb(): Knex {
    this.admin ??= knex({ client: 'pg', connection: this.url('postgres'), pool: { min: 0, max: 1 } });
    return this.admin;
  }

  private async migrateTemplate(): Promise<void> {
    await this.adminDb().raw(`CREATE DATABASE ${TEMPLATE}`);
    const db = createDb({ client: 'postgres', url: this.url(TEMPLATE) });
    try {
      await migrateLatest(db);
    } finally {
      // A template must have no open connection while it is copied.
      await db.destroy();
    }
  }

  /** A fresh database: a copy of the migrated template, or empty (for the migrations' own tests). */
  async createDatabase(options: { migrated: boolean } = { migrated: true }): Promise<{ name: string; url: string }> {
    if (!options.migrated) return this.copy('template0');
    // The next test's copy is made while this test runs, which mostly waits on timers and sockets.
    const ready = this.spare ?? this.copy(TEMPLATE);
    this.spare = this.copy(TEMPLATE);
    this.spare.catch(() => undefined); // a failure surfaces when the copy is taken
    return ready;
  }

  private spare: Promise<{ name: string; url: string }> | undefined;

  private async copy(template: string): Promise<{ name: string; url: string }> {
    this.next += 1;
    const name = `sightline_${process.pid}_${this.next}`;
    await this.adminDb().raw(`CREATE DATABASE ${name} TEMPLATE ${template}`);
    return { name, url: this.url(name) };
  }

  /** Drops a database made by createDatabase, closing any connection still open to it. */
  async dropDatabase(name: string): Promise<void> {
    await this.adminDb().raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }

  /** Stops the server and deletes its directory (the watchdog does both once the pipe closes). */
  async stop(): Promise<void> {
    await this.spare?.catch(() => undefined);
    await this.admin?.destroy();
    this.admin = undefined;
    if (this.watchdog.exitCode !== null || this.watchdog.signalCode !== null) return;
    this.watchdog.ref();
    const exited = new Promise<void>((resolve) => this.watchdog.once('exit', () => resolve()));
    this.watchdog.stdin?.end();
    await exited;
  }
}
