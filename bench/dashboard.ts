import path from 'node:path';
import { fork } from 'node:child_process';
import autocannon from 'autocannon';
import { formSession } from './http-session';
import { BENCH_EMAIL, BENCH_PASSWORD } from './app-server';

const SECONDS = 10;
const CONNECTIONS = 50;

interface Figures {
  rps: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return autocannon({ duration: SECONDS, ...opts });
}

function figures(result: autocannon.Result): Figures {
  return { rps: result.requests.average, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors };
}

function line(label: string, f: Figures): string {
  return `${label.padEnd(34)} ${f.rps.toFixed(0).padStart(7)} req/s   p99 ${String(f.p99).padStart(4)} ms   non-2xx ${f.non2xx}   errors ${f.errors}`;
}

/** A flood of failing logins for random accounts from random addresses, bounded by connections and time. */
function loginFlood(appUrl: string, attacker: { cookie: string; csrf: string }): Promise<autocannon.Result> {
  let n = 0;
  return load({
    url: `${appUrl}/login`,
    connections: 100,
    method: 'POST',
    headers: { cookie: attacker.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    requests: [
      {
        setupRequest: (req) => {
          n += 1;
          const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
          return {
            ...req,
            headers: { ...req.headers, 'x-forwarded-for': ip },
            body: `_csrf=${encodeURIComponent(attacker.csrf)}&email=victim${n}%40example.test&password=guess-${n}-password`,
          };
        },
      },
    ],
  });
}

/**
 * Signed-in dashboard throughput against a bare Express route measured in the same run, then the
 * dashboard again while a login flood runs. Prints the figures issue 2 asks for.
 */
export async function runDashboardBench(): Promise<void> {
  const child = fork(path.join(__dirname, 'app-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const { appUrl, bareUrl } = await new Promise<{ appUrl: string; bareUrl: string }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as { appUrl: string; bareUrl: string }));
      child.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const user = await formSession(appUrl, { email: BENCH_EMAIL, password: BENCH_PASSWORD });
    const dashboard = { url: `${appUrl}/`, connections: CONNECTIONS, headers: { cookie: user.cookie } };

    await load({ ...dashboard, duration: 2 }); // warm-up
    const bare = figures(await load({ url: `${bareUrl}/plain`, connections: CONNECTIONS }));
    const page = figures(await load(dashboard));
    const attacker = await formSession(appUrl);
    const [underFlood, flood] = await Promise.all([load(dashboard), loginFlood(appUrl, attacker)]);
    const statuses = flood.statusCodeStats as unknown as Record<string, { count: number }>;
    const floodCounts = Object.entries(statuses).map(([code, s]) => `${code}: ${s.count}`).join(', ');

    console.log(`\nDashboard (GET / signed in, ${CONNECTIONS} connections, ${SECONDS} s each, loopback, load generator on the same machine)`);
    console.log(line('bare Express route', bare));
    console.log(line('signed-in dashboard', page));
    console.log(line('dashboard during login flood', figures(underFlood)));
    console.log(`login flood: ${flood.requests.total} attempts (${floodCounts}), 100 connections, random accounts and addresses`);
    const ratio = page.rps / bare.rps;
    const flooded = figures(underFlood);
    console.log(`ratio dashboard / bare: ${ratio.toFixed(3)}`);
    console.log(
      `goals: >= 1500 req/s ${page.rps >= 1500 ? 'met' : 'MISSED'}; p99 < 100 ms ${page.p99 < 100 ? 'met' : 'MISSED'}; ` +
        `ratio >= 0.15 ${ratio >= 0.15 ? 'met' : 'MISSED'}; p99 under flood < 150 ms ${flooded.p99 < 150 ? 'met' : 'MISSED'}`,
    );
    if (page.non2xx > 0 || flooded.non2xx > 0) console.log('WARNING: the dashboard answered non-2xx statuses; figures are not valid');
  } finally {
    child.kill();
  }
}

if (require.main === module) {
  runDashboardBench().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
