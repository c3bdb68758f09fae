import http from 'node:http';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import express from 'express';
import { closeServer } from '../../server/shutdown';

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
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sightline-shutdown-'));
    const child = spawn(process.execPath, [path.resolve(__dirname, '../../server/index.js')], {
      env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DESCRIBER: 'openai', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
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
      expect((await get(port, '/healthz')).status).to.equal(200);
      // A sign-in runs bcrypt at cost 12 (~200 ms): a real request still in flight when the signal lands.
      const page = await get(port, '/login');
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
      child.kill('SIGTERM');
      expect(await inFlight).to.equal(401); // the password check finished and answered
      expect(await exited).to.equal(0);
      expect(out).to.contain('"msg":"stopped"');
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
