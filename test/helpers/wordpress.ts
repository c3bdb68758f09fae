import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES_DIR, solidImage } from './image-fixtures';
import { unzipEntries } from './unzip';

const run = promisify(execFile);

/** Debian's `wordpress` package; `.ci/run` installs it with php-cli and its extensions. */
const WORDPRESS_DIR = '/usr/share/wordpress';
/** WordPress's SQLite integration is not packaged by Debian; this npm package (a dev dependency) ships its zip. */
const SQLITE_ZIP = path.resolve(__dirname, '../../../node_modules/@wp-playground/wordpress-builds/src/sqlite-database-integration/sqlite-database-integration.zip');
const PHP_FILES = path.join(FIXTURES_DIR, 'wordpress');

export const WP_PASSWORD = 'correct horse battery staple';

export interface MediaSeed {
  title: string;
  alt?: string;
  caption?: string;
  /** Who uploaded it: admin (default), editor or author. */
  author?: 'admin' | 'editor' | 'author';
  /** The title of a post it belongs to (made once per title). */
  post?: string;
  /** Its file name under uploads/ (default: seed-N.jpg). */
  file?: string;
}

export interface WordPressSite {
  url: string;
  port: number;
  dir: string;
  /** A new Application Password for admin, editor or author. */
  applicationPassword(login: string, name?: string): Promise<string>;
  /** Adds attachments with real small JPEG files; returns their ids in order. */
  seedMedia(items: MediaSeed[]): Promise<number[]>;
  /** Runs PHP with WordPress loaded (as the admin); `return` a value to get it back as JSON. */
  php<T = unknown>(code: string): Promise<T>;
  /** Stops php -S (a site going down); `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops the server and deletes the site. */
  close(): Promise<void>;
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

/** Core files hard-linked (instant, no copy) where the file system allows, copied where it does not. */
function copyCore(target: string): void {
  try {
    execFileSync('cp', ['-al', WORDPRESS_DIR, target]);
  } catch {
    fs.rmSync(target, { recursive: true, force: true });
    execFileSync('cp', ['-a', WORDPRESS_DIR, target]);
  }
}

function addSqliteIntegration(site: string): void {
  const pluginDir = path.join(site, 'wp-content/plugins/sqlite-database-integration');
  for (const [name, bytes] of unzipEntries(fs.readFileSync(SQLITE_ZIP))) {
    if (name.endsWith('/')) continue;
    const inside = name.replace(/^[^/]+\//, '');
    fs.mkdirSync(path.dirname(path.join(pluginDir, inside)), { recursive: true });
    fs.writeFileSync(path.join(pluginDir, inside), bytes);
  }
  const dropIn = fs.readFileSync(path.join(pluginDir, 'db.copy'), 'utf8')
    .replace(/\{SQLITE_IMPLEMENTATION_FOLDER_PATH\}/g, pluginDir)
    .replace(/\{SQLITE_PLUGIN\}/g, 'sqlite-database-integration/load.php');
  fs.writeFileSync(path.join(site, 'wp-content/db.php'), dropIn);
  fs.mkdirSync(path.join(site, 'wp-content/database'), { recursive: true });
  fs.mkdirSync(path.join(site, 'wp-content/uploads'), { recursive: true });
}

/** Replaces a hard link by a file of our own, so Debian's copy is never written through. */
function writeOwn(file: string, content: string | Buffer): void {
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, content);
}

async function waitForPort(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`php -S did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A fresh real WordPress (Debian's package, SQLite integration, `WP_ENVIRONMENT_TYPE=local`) served by
 * `php -S` on loopback, with users admin, editor and author (password WP_PASSWORD). `environment`
 * 'production' makes a site that refuses Application Passwords over plain HTTP.
 */
export async function startWordPress(opts: { environment?: 'local' | 'production'; workers?: number } = {}): Promise<WordPressSite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-wp-'));
  const site = path.join(dir, 'site');
  copyCore(site);
  addSqliteIntegration(site);
  for (const name of ['wp-config.php', 'install.php', 'seed-media.php', 'run.php', 'router.php']) {
    writeOwn(path.join(site, name === 'wp-config.php' ? name : `sightline-${name}`), fs.readFileSync(path.join(PHP_FILES, name)));
  }
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env = { ...process.env, WP_TEST_ENVIRONMENT: opts.environment ?? 'local' };
  await run('php', [path.join(site, 'sightline-install.php'), url, WP_PASSWORD], { cwd: site, env });
  const image = await solidImage('jpeg');
  let seeded = 0;
  let passwords = 0;
  let server: ChildProcess | undefined;

  const phpRun = async <T>(code: string): Promise<T> => {
    const file = path.join(dir, `snippet-${process.hrtime.bigint()}.php`);
    fs.writeFileSync(file, `<?php\n${code}\n`);
    try {
      const { stdout } = await run('php', [path.join(site, 'sightline-run.php'), file], { cwd: site, env, maxBuffer: 64 * 1024 * 1024 });
      return JSON.parse(stdout) as T;
    } finally {
      fs.rmSync(file, { force: true });
    }
  };

  const handle: WordPressSite = {
    url,
    port,
    dir: site,
    async applicationPassword(login, name = `Sightline tests ${++passwords}`) {
      return phpRun<string>(`$u = get_user_by('login', ${JSON.stringify(login)});
        [$password] = WP_Application_Passwords::create_new_application_password($u->ID, ['name' => ${JSON.stringify(name)}]);
        return $password;`);
    },
    async seedMedia(items) {
      const rows = items.map((item) => {
        seeded += 1;
        const file = item.file ?? `seed-${seeded}.jpg`;
        fs.writeFileSync(path.join(site, 'wp-content/uploads', file), image);
        return { ...item, file };
      });
      const list = path.join(dir, `seed-${seeded}.json`);
      fs.writeFileSync(list, JSON.stringify(rows));
      const { stdout } = await run('php', [path.join(site, 'sightline-seed-media.php'), list], { cwd: site, env, maxBuffer: 16 * 1024 * 1024 });
      return JSON.parse(stdout) as number[];
    },
    php: phpRun,
    async start() {
      if (server) return;
      // Several workers, so the describe step's image fetches and REST calls do not queue behind each other.
      server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', site, path.join(site, 'sightline-router.php')], {
        cwd: site,
        env: { ...env, PHP_CLI_SERVER_WORKERS: String(opts.workers ?? 4) },
        stdio: 'ignore',
        detached: true,
      });
      await waitForPort(port, 10_000);
    },
    async stop() {
      const child = server;
      server = undefined;
      if (!child || child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      // Its workers are its children: the whole process group goes.
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    },
    async close() {
      await handle.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await handle.start();
  return handle;
}

/** Connects `wp` to a Sightline account as its Editor, through the real check; returns the site's id. */
export async function connectTestSite(deps: import('../../server/deps').Deps, userId: number, wp: WordPressSite, login = 'editor'): Promise<string> {
  const { connectSite } = await import('../../server/services/wordpress/connect');
  return (await connectSite(deps, userId, { siteUrl: wp.url, userLogin: login, password: await wp.applicationPassword(login) })).id;
}
