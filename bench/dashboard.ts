import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fork, ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';
import { formSession } from './http-session';
import { BENCH_EMAIL, BENCH_PASSWORD } from './app-server';
import { postgresCluster, postgresMissing, stopPostgresCluster } from '../test/helpers/test-database';

const SECONDS = 10;
const CONNECTIONS = 50;
/** The bare route and the dashboard are measured in turn this many times; the median round is printed. */
const ROUNDS = 3;

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** Server CPU time per request (user + system), in microseconds. */
  cpuPerRequest: number;
}

async function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ duration: SECONDS, ...opts });
}

function figures(result: autocannon.Result, cpuMicros: number): Figures {
  const cpuPerRequest = result.requests.total > 0 ? cpuMicros / result.requests.total : 0;
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors, cpuPerRequest };
}

function line(label: string, f: Figures): string {
  return (
    `${label.padEnd(30)} ${f.rps.toFixed(0).padStart(6)} req/s   p50 ${String(f.p50).padStart(4)} ms   p99 ${String(f.p99).padStart(4)} ms   ` +
    `server CPU ${f.cpuPerRequest.toFixed(0).padStart(5)} µs/req   non-2xx ${f.non2xx}   errors ${f.errors}`
  );
}

/** Small commits a second while the dashboard is measured once more, as the queue makes while it describes. */
const WRITES_PER_SECOND = 20;

function setWrites(child: ChildProcess, writesPerSecond: number): Promise<void> {
  return new Promise((resolve) => {
    child.once('message', () => resolve());
    child.send({ writesPerSecond });
  });
}

/** Asks the server process how much CPU it has used so far. */
function serverCpu(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    child.once('message', (m) => resolve((m as { cpuMicros: number }).cpuMicros));
    child.send('cpu');
  });
}

/** Runs a load and measures the server CPU it cost. */
async function measure(child: ChildProcess, opts: autocannon.Options): Promise<{ result: autocannon.Result; cpuMicros: number }> {
  const before = await serverCpu(child);
  const result = await load(opts);
  return { result, cpuMicros: (await serverCpu(child)) - before };
}

interface FloodResult {
  total: number;
  statusCodeStats: Record<string, { count: number }>;
}

/** Runs the login flood from a process of its own, as an attacker would be: not sharing our load generator. */
function loginFlood(appUrl: string, attacker: { cookie: string; csrf: string }): Promise<FloodResult> {
  const child = fork(path.join(__dirname, 'login-flood-process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve(m as FloodResult));
    child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`login flood exited with ${code}`))));
    child.send({ appUrl, ...attacker, seconds: SECONDS });
  });
}

interface Setup {
  database: 'SQLite' | 'PostgreSQL';
  webProcesses: number;
}

/** Each database with one web process, then with two behind one port. */
const SETUPS: Setup[] = [
  { database: 'SQLite', webProcesses: 1 },
  { database: 'PostgreSQL', webProcesses: 1 },
  { database: 'SQLite', webProcesses: 2 },
  { database: 'PostgreSQL', webProcesses: 2 },
];

/** Starts the bench server for a setup, on a fresh data directory and (PostgreSQL) a fresh database. */
async function startServer(setup: Setup, dataDir: string): Promise<{ child: ChildProcess; appUrl: string; bareUrl: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, BENCH_DATA_DIR: dataDir, BENCH_WEB_PROCESSES: String(setup.webProcesses) };
  delete env.DATABASE_URL;
  if (setup.database === 'PostgreSQL') env.DATABASE_URL = (await (await postgresCluster()).createDatabase()).url;
  const child = fork(path.join(__dirname, 'app-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env });
  const urls = await new Promise<{ appUrl: string; bareUrl: string }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { appUrl: string; bareUrl: string }));
    child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
  return { child, ...urls };
}

function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill();
  });
}

interface Measured {
  setup: Setup;
  bare: Figures;
  page: Figures;
}

/** Bare route and dashboard in turn, ROUNDS times; the round whose dashboard rate is the median. */
async function measureSetup(child: ChildProcess, appUrl: string, bareUrl: string, setup: Setup, cookie: string): Promise<Measured> {
  const dashboard = { url: `${appUrl}/`, connections: CONNECTIONS, headers: { cookie } };
  await load({ ...dashboard, duration: 2 }); // warm-up
  const rounds: Array<{ bare: Figures; page: Figures }> = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    const bareRun = await measure(child, { url: `${bareUrl}/plain`, connections: CONNECTIONS });
    const pageRun = await measure(child, dashboard);
    rounds.push({ bare: figures(bareRun.result, bareRun.cpuMicros), page: figures(pageRun.result, pageRun.cpuMicros) });
  }
  const label = `${setup.database}, ${setup.webProcesses} web process${setup.webProcesses > 1 ? 'es' : ''}`;
  console.log(`\n${label}:`);
  rounds.forEach((r, i) => console.log(`  round ${i + 1}: bare ${r.bare.rps.toFixed(0)} req/s, dashboard ${r.page.rps.toFixed(0)} req/s (${(r.page.rps / r.bare.rps).toFixed(3)}), p99 ${r.page.p99} ms`));
  const { bare, page } = [...rounds].sort((a, b) => a.page.rps - b.page.rps)[Math.floor(ROUNDS / 2)];
  console.log('  median round:');
  console.log(`  ${line('bare Express route', bare)}`);
  console.log(`  ${line('signed-in dashboard', page)}`);
  console.log(`  ratio dashboard / bare: ${(page.rps / bare.rps).toFixed(3)} by req/s; ${(bare.cpuPerRequest / page.cpuPerRequest).toFixed(3)} by server CPU per request`);
  if (page.non2xx > 0 || page.errors > 0) console.log('  WARNING: the dashboard answered non-2xx statuses or errors; figures are not valid');
  return { setup, bare, page };
}

/** The dashboard while 20 small commits a second are made, then during a login flood (first setup only). */
async function underWritesAndFlood(child: ChildProcess, appUrl: string, cookie: string, bare: Figures): Promise<void> {
  const dashboard = { url: `${appUrl}/`, connections: CONNECTIONS, headers: { cookie } };
  await setWrites(child, WRITES_PER_SECOND);
  const whileWriting = figures(await load(dashboard), 0);
  await setWrites(child, 0);
  const attacker = await formSession(appUrl);
  const [underFlood, flood] = await Promise.all([load(dashboard), loginFlood(appUrl, attacker)]);
  const floodCounts = Object.entries(flood.statusCodeStats).map(([code, s]) => `${code}: ${s.count}`).join(', ');
  const flooded = figures(underFlood, 0);
  console.log(`  ${line(`dashboard, ${WRITES_PER_SECOND} commits/s`, whileWriting).replace(/server CPU .*µs\/req/, 'server CPU not measured')}   ratio ${(whileWriting.rps / bare.rps).toFixed(3)}`);
  console.log(`  ${line('dashboard during login flood', flooded).replace(/server CPU .*µs\/req/, 'server CPU shared with the flood')}   ratio ${(flooded.rps / bare.rps).toFixed(3)}`);
  console.log(`  login flood (a separate process): ${flood.total} attempts (${floodCounts}), 100 connections, random accounts and addresses; p99 under flood < 150 ms ${flooded.p99 < 150 ? 'met' : 'MISSED'}`);
}

/**
 * Signed-in dashboard throughput against a bare Express route measured in the same run, on SQLite
 * and on PostgreSQL, with one web process and with two behind one port; on SQLite with one process
 * also while commits are made and during a login flood. The goal: at least 0.15 of the bare route,
 * p99 under 100 ms at 50 connections, in every setup.
 */
export async function runDashboardBench(): Promise<void> {
  const missing = postgresMissing();
  const setups = missing ? SETUPS.filter((s) => s.database === 'SQLite') : SETUPS;
  if (missing) console.log(`PostgreSQL setups skipped: ${missing}`);
  console.log(`Dashboard (GET / signed in, ${CONNECTIONS} connections, ${SECONDS} s each, loopback, load generator on the same machine; load at the start ${os.loadavg()[0].toFixed(1)})`);
  const results: Measured[] = [];
  try {
    for (const [i, setup] of setups.entries()) {
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-bench-'));
      const { child, appUrl, bareUrl } = await startServer(setup, dataDir);
      try {
        const user = await formSession(appUrl, { email: BENCH_EMAIL, password: BENCH_PASSWORD });
        const measured = await measureSetup(child, appUrl, bareUrl, setup, user.cookie);
        results.push(measured);
        if (i === 0) await underWritesAndFlood(child, appUrl, user.cookie, measured.bare);
      } finally {
        await stopServer(child);
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    if (!missing) await stopPostgresCluster();
  }
  console.log('\ngoals (ratio >= 0.15 of the bare route, p99 < 100 ms):');
  for (const { setup, bare, page } of results) {
    const ratio = page.rps / bare.rps;
    console.log(
      `  ${setup.database.padEnd(10)} ${setup.webProcesses} web: ${page.rps.toFixed(0).padStart(5)} req/s against bare ${bare.rps.toFixed(0).padStart(5)}, ` +
        `ratio ${ratio.toFixed(3)} ${ratio >= 0.15 ? 'met' : 'MISSED'}; p99 ${page.p99} ms ${page.p99 < 100 ? 'met' : 'MISSED'}`,
    );
  }
}

if (require.main === module) {
  runDashboardBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
