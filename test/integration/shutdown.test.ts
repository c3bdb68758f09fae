import http from 'node:http';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { closeServer } from '../../server/shutdown';
import { createDb } from '../../server/db/knex';
import { DEFAULT_PASSWORD } from '../helpers/session';
import { insertBatch, insertImage } from '../helpers/rows';
import { openEventStream } from '../helpers/event-streams';
import { formSession } from '../../bench/http-session';

function get(port: number, pathName: string, agent?: http.Agent): Promise<{ status: number; body: string; cookie: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathName, agent }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        const cookie = String(res.headers['set-cookie']?.[0] ?? '').split(';')[0];
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookie }));
      })
      .on('error', reject);
  });
}

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new connections, and closes idle keep-alive ones', async () => {
    const app = express();
    let arrived: () => void = () => undefined;
    const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
    app.get('/slow', (_req, res) => {
      arrived();
      setTimeout(() => res.send('finished'), 300);
    });
    app.get('/fast', (_req, res) => void res.send('ok'));
    const server = http.createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const port = (server.address() as { port: number }).port;
    const keepAlive = new http.Agent({ keepAlive: true });
    await get(port, '/fast', keepAlive); // leaves an idle keep-alive connection open

    const inFlight = get(port, '/slow');
    await slowArrived;
    const started = Date.now();
    const closed = closeServer(server, 10_000);
    const refused = await get(port, '/fast').then(() => false, () => true);
    expect(await inFlight).to.deep.include({ status: 200, body: 'finished' });
    await closed;
    expect(refused).to.equal(true);
    // Well before the 10 s deadline: the idle keep-alive connection did not hold shutdown up.
    expect(Date.now() - started).to.be.below(5000);
    keepAlive.destroy();
  });

  it('the real server answers an in-flight request after SIGTERM, then exits 0', async function () {
    this.timeout(30_000);
    const server = await spawnServer();
    try {
      const { port, exited } = server;
      expect((await get(port, '/healthz')).status).to.equal(200);
      // A sign-in runs bcrypt at cost 12 (~200 ms): a real request still in flight when the signal lands.
      // A fresh server opens on creating the admin; that page's session serves the sign-in form too.
      const page = await get(port, '/signup');
      expect(page.status).to.equal(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
      const inFlight = new Promise<number>((resolve, reject) => {
        const headers = { 'content-type': 'application/x-www-form-urlencoded', cookie: page.cookie };
        const req = http.request({ host: '127.0.0.1', port, path: '/login', method: 'POST', headers }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        });
        req.on('error', reject);
        req.end(`_csrf=${csrf}&email=a%40example.test&password=whatever-it-is`);
      });
      await new Promise((resolve) => setTimeout(resolve, 30));
      server.child.kill('SIGTERM');
      expect(await inFlight).to.equal(401); // the password check finished and answered
      expect(await exited).to.equal(0);
      expect(server.output()).to.contain('"msg":"stopped"');
    } finally {
      server.kill();
    }
  });

  it('the real server ends open progress streams and exits within 10 s of SIGTERM', async function () {
    this.timeout(60_000);
    const server = await spawnServer();
    try {
      const base = `http://127.0.0.1:${server.port}`;
      const email = 'streams@example.test';
      await signUpWithForm(base, email);
      const { cookie } = await formSession(base, { email, password: DEFAULT_PASSWORD });
      // A batch still waiting for its image (no job will ever run it), written into the server's database file.
      const db = createDb({ client: 'sqlite', filename: path.join(server.dataDir, 'sightline.sqlite') });
      const { id: userId } = await db('users').where({ email }).first('id');
      const batchIds = [await insertBatch(db, userId), await insertBatch(db, userId)];
      for (const batchId of batchIds) await insertImage(db, userId, batchId);
      await db.destroy();
      const streams = await Promise.all([0, 0, 0, 1, 1].map((i) => openEventStream(base, `/batches/${batchIds[i]}/events`, cookie)));
      expect(streams.map((s) => s.status)).to.deep.equal([200, 200, 200, 200, 200]);

      const signalled = Date.now();
      server.child.kill('SIGTERM');
      await Promise.all(streams.map((s) => s.ended));
      expect(await server.exited).to.equal(0);
      expect(Date.now() - signalled).to.be.below(10_000);
      expect(server.output()).to.contain('"msg":"stopped"');
    } finally {
      server.kill();
    }
  });
});

interface SpawnedServer {
  child: ChildProcess;
  port: number;
  dataDir: string;
  exited: Promise<number | null>;
  output(): string;
  /** SIGKILL (if still running) and remove the data directory. */
  kill(): void;
}

/** The real server (dist/server/index.js) in production mode on a fresh data directory and a free port. */
async function spawnServer(): Promise<SpawnedServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-shutdown-'));
  const child = spawn(process.execPath, [path.resolve(__dirname, '../../server/index.js')], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DESCRIBER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', NODE_ENV: 'production' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const kill = () => {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setInterval(() => {
        const match = /running at http:\/\/localhost:(\d+)/.exec(out);
        if (match) {
          clearInterval(timer);
          resolve(Number(match[1]));
        }
      }, 50);
      void exited.then(() => reject(new Error(`server exited early:\n${out}`)));
    });
    return { child, port, dataDir, exited, output: () => out, kill };
  } catch (err) {
    kill();
    throw err;
  }
}

/** Creates an account through the real sign-up form (the first account of a server is its admin). */
async function signUpWithForm(baseUrl: string, email: string): Promise<void> {
  const { cookie, csrf } = await formSession(baseUrl);
  const page = await fetch(`${baseUrl}/signup`, { headers: { cookie } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? csrf;
  const res = await fetch(`${baseUrl}/signup`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token, email, password: DEFAULT_PASSWORD, name: '' }).toString(),
  });
  if (res.status !== 303) throw new Error(`sign-up failed: ${res.status}`);
}
