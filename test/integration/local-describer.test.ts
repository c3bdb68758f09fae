import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import { createLocalDescriber, type LocalDescriber } from '../../server/describers/local';
import type { Description } from '../../server/describers/types';
import { FIXTURES } from '../helpers/signal-fixtures';

const IMAGES = ['no-coco-mandrill.jpg', 'screenshot-settings.png', 'people-three.jpg', 'animals-horses.jpg', 'sign-street.jpg'];
const image = (name: string) => path.join(FIXTURES, 'images', name);
const recorder = path.join(__dirname, '..', 'fixtures', 'socket-recorder.js');
const PERSONAL = /\b(man|men|woman|women|boy|girl|male|female|lady|child|young|old|aged?|years?)\b/i;

interface Run {
  status: number | null;
  stderr: string;
  results: Record<string, Description>;
  tesseract: Record<string, Description>;
  /** Event loop utilisation of the calling thread while warm images were described. */
  busy: number;
  attempts: string;
}

/**
 * One child process describes every fixture image (models load once for the whole file) with
 * every socket refused and recorded below the JavaScript layer, and with no network interface
 * at all when `unshare -n` is permitted here.
 */
async function describeInIsolation(): Promise<Run> {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sockets-')), 'attempts.log');
  const script = path.join(__dirname, '..', 'fixtures', 'describe-offline.js');
  const args = ['--require', recorder, script, ...IMAGES.map(image), '--tesseract', image('screenshot-settings.png')];
  const isolated = spawnSync('unshare', ['-n', 'true']).status === 0;
  const child = isolated ? spawn('unshare', ['-n', process.execPath, ...args], { env: { ...process.env, SOCKET_LOG: log } })
    : spawn(process.execPath, args, { env: { ...process.env, SOCKET_LOG: log } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const parsed = status === 0 ? (JSON.parse(stdout) as Omit<Run, 'status' | 'stderr' | 'attempts'>) : { results: {}, tesseract: {}, busy: 1 };
  return { status, stderr, ...parsed, attempts: fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '' };
}

describe('local describer: end to end with the network blocked', function () {
  this.timeout(90_000);
  let run: Run;
  before(async () => {
    run = await describeInIsolation();
  });

  it('describes every image with no socket attempt at all', () => {
    expect(run.status, run.stderr).to.equal(0);
    expect(Object.keys(run.results)).to.have.members(IMAGES);
    expect(run.attempts).to.equal('');
  });

  it('describes a screenshot by its text', () => {
    const d = run.results['screenshot-settings.png'];
    expect(d.alt_text).to.match(/^Screenshot titled “Account Settings”/);
    expect(d.text).to.include('jane.cooper@example.com');
    expect(d.filename).to.match(/^screenshot-account-settings.*\.png$/);
    expect(d.provenance).to.include({ describer: 'local', draft: true, model: 'centernet+blazeface+ppocr-v4' });
    expect(d.provenance.durationMs).to.be.above(0);
  });

  it('counts the people in a group photo and says nothing of gender or age', () => {
    const d = run.results['people-three.jpg'];
    expect(d.alt_text).to.match(/^Three people/);
    expect([d.alt_text, d.caption, d.description, d.title].join(' ')).to.not.match(PERSONAL);
    expect(d.text).to.equal('');
  });

  it('names animals it knows', () => {
    const d = run.results['animals-horses.jpg'];
    expect(d.alt_text).to.match(/horses/);
    expect(d.tags).to.include('horse');
  });

  it('quotes the text of a street sign with the objects around it', () => {
    const d = run.results['sign-street.jpg'];
    expect(d.alt_text).to.include('“NOTICE DOUBLE PARKING');
    expect(d.tags).to.include('car');
  });

  it('gives an image with no known object an honest colour fallback, not a guess', () => {
    const d = run.results['no-coco-mandrill.jpg'];
    expect(d.alt_text).to.match(/^Image with [a-z ]+ tones/);
    expect(d.text).to.equal('');
    expect(d.description).to.include('None of the objects the offline describer knows were recognised');
  });

  it('keeps the calling thread free while it works (inference runs in a worker thread)', () => {
    // With inference on the calling thread its loop would be busy nearly all the time (≥ 0.9).
    expect(run.busy).to.be.below(0.3);
  });

  it('reads text with tesseract.js when PaddleOCR is not available', () => {
    const d = run.tesseract['screenshot-settings.png'];
    expect(d.text).to.include('Account Settings');
    expect(d.provenance.model).to.equal('centernet+blazeface+tesseract');
  });

  it('the socket recorder does record attempts (so its silence above means something)', () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sockets-')), 'attempts.log');
    const code = "require('node:net').connect(9, '127.0.0.1').on('error', () => {}); fetch('http://example.invalid/').catch(() => {})";
    spawnSync(process.execPath, ['--require', recorder, '-e', code], { env: { ...process.env, SOCKET_LOG: log } });
    const attempts = fs.readFileSync(log, 'utf8');
    expect(attempts).to.include('tcp.connect');
    expect(attempts).to.include('dns.getaddrinfo');
  });
});

describe('local describer: the network guard in its worker', () => {
  let describer: LocalDescriber;
  before(() => {
    describer = createLocalDescriber();
  });
  after(() => describer.close());

  it('says its images stay on this server', () => {
    expect(describer.name).to.equal('local');
    expect(describer.destination).to.deep.equal({ offMachine: false, host: 'this server' });
  });

  it('refuses fetch of http://, http.get and sockets inside the worker, and no connection reaches a listening server', async () => {
    /** Client ports of the connections the server accepted, in the order they arrived. */
    const accepted: (number | undefined)[] = [];
    const server = net.createServer((socket) => {
      accepted.push(socket.remotePort);
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const refused = await describer.checkNetworkRefused(`http://127.0.0.1:${port}/model.json`);
      expect(refused).to.deep.equal(['fetch', 'http.get', 'net.connect', 'net.Socket.connect']);
      // A connection of our own after the worker's attempts: the server accepts in arrival order,
      // so once it has accepted ours, anything the worker had opened would have come first.
      const marker = net.connect(port, '127.0.0.1').on('error', () => {});
      await once(marker, 'connect');
      const ours = marker.localPort;
      while (!accepted.includes(ours)) await once(server, 'connection');
      marker.destroy();
      expect(accepted).to.deep.equal([ours]);
    } finally {
      server.close();
    }
  });

  it("leaves the web server's own network alone", async () => {
    const server = http.createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as net.AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`);
      expect(await res.text()).to.equal('ok');
    } finally {
      server.close();
    }
  });
});
