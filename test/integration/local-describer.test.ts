import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import http from 'node:http';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { expect } from 'chai';
import { createLocalDescriber, type LocalDescriber } from '../../server/describers/local';
import { DEFAULT_DESCRIBE_OPTIONS, type Description } from '../../server/describers/types';
import { FIXTURES } from '../helpers/signal-fixtures';

const image = (name: string) => path.join(FIXTURES, 'images', name);
const PERSONAL = /\b(man|men|woman|women|boy|girl|male|female|lady|child|young|old|aged?|years?)\b/i;

async function describe_(describer: LocalDescriber, name: string): Promise<Description> {
  return describer.describe(
    { image: fs.readFileSync(image(name)), mimeType: 'image/jpeg', width: 0, height: 0, originalName: name, embedded: {} },
    DEFAULT_DESCRIBE_OPTIONS,
  );
}

function unshareWorks(): boolean {
  return spawnSync('unshare', ['-n', 'true']).status === 0;
}

describe('local describer: end to end with the network blocked', function () {
  // Loading the models takes a few seconds once; every test in this file shares them.
  this.timeout(60_000);
  let describer: LocalDescriber;

  before(async () => {
    describer = createLocalDescriber();
    await describe_(describer, 'no-coco-mandrill.jpg');
  });
  after(() => describer.close());

  it('describes a screenshot by its text', async () => {
    const d = await describe_(describer, 'screenshot-settings.png');
    expect(d.alt_text).to.match(/^Screenshot titled “Account Settings”/);
    expect(d.text).to.include('jane.cooper@example.com');
    expect(d.filename).to.match(/^screenshot-account-settings.*\.png$/);
    expect(d.provenance).to.include({ describer: 'local', draft: true });
  });

  it('counts the people in a group photo and says nothing of gender or age', async () => {
    const d = await describe_(describer, 'people-three.jpg');
    expect(d.alt_text).to.match(/^Three people/);
    expect([d.alt_text, d.caption, d.description, d.title].join(' ')).to.not.match(PERSONAL);
    expect(d.text).to.equal('');
  });

  it('names animals it knows', async () => {
    const d = await describe_(describer, 'animals-horses.jpg');
    expect(d.alt_text).to.match(/horses/);
    expect(d.tags).to.include('horse');
  });

  it('quotes the text of a street sign with the objects around it', async () => {
    const d = await describe_(describer, 'sign-street.jpg');
    expect(d.alt_text).to.include('“NOTICE DOUBLE PARKING');
    expect(d.tags).to.include('car');
  });

  it('gives an image with no known object an honest colour fallback, not a guess', async () => {
    const d = await describe_(describer, 'no-coco-mandrill.jpg');
    expect(d.alt_text).to.match(/^Image with [a-z ]+ tones/);
    expect(d.text).to.equal('');
    expect(d.description).to.include('None of the objects the offline describer knows were recognised');
  });

  it('says its images stay on this server', () => {
    expect(describer.name).to.equal('local');
    expect(describer.destination).to.deep.equal({ offMachine: false, host: 'this server' });
  });

  it('refuses fetch, http and sockets inside its worker, and no connection reaches a listening server', async () => {
    let connections = 0;
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const refused = await describer.checkNetworkRefused(`http://127.0.0.1:${port}/model.json`);
      expect(refused).to.deep.equal(['fetch', 'http.get', 'net.connect', 'net.Socket.connect']);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(connections).to.equal(0);
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

  it('keeps the event loop free while it works', async () => {
    const delay = monitorEventLoopDelay({ resolution: 5 });
    delay.enable();
    await describe_(describer, 'people-three.jpg');
    await describe_(describer, 'sign-street.jpg');
    delay.disable();
    // Inference on this thread would stall it for 150 ms or more per model run.
    expect(delay.percentile(99) / 1e6).to.be.below(100);
  });

  it('describes with every socket refused and recorded, in a process with no network', () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sockets-')), 'attempts.log');
    const recorder = path.join(__dirname, '..', 'fixtures', 'socket-recorder.js');
    const script = path.join(__dirname, '..', 'fixtures', 'describe-offline.js');
    const args = ['--require', recorder, script, image('screenshot-settings.png'), image('animals-horses.jpg')];
    // A network namespace of its own (no interfaces at all) where the kernel allows it.
    const run = unshareWorks()
      ? spawnSync('unshare', ['-n', process.execPath, ...args], { env: { ...process.env, SOCKET_LOG: log }, encoding: 'utf8' })
      : spawnSync(process.execPath, args, { env: { ...process.env, SOCKET_LOG: log }, encoding: 'utf8' });
    expect(run.status, run.stderr).to.equal(0);
    const results = JSON.parse(run.stdout) as Record<string, string>;
    expect(results['screenshot-settings.png']).to.match(/^Screenshot titled/);
    expect(results['animals-horses.jpg']).to.match(/horses/);
    expect(fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '').to.equal('');
  });

  it('the socket recorder does record an attempt (so its silence above means something)', () => {
    const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'sockets-')), 'attempts.log');
    const recorder = path.join(__dirname, '..', 'fixtures', 'socket-recorder.js');
    const code = "require('node:net').connect(9, '127.0.0.1').on('error', () => {}); fetch('http://example.invalid/').catch(() => {})";
    spawnSync(process.execPath, ['--require', recorder, '-e', code], { env: { ...process.env, SOCKET_LOG: log } });
    const attempts = fs.readFileSync(log, 'utf8');
    expect(attempts).to.include('tcp.connect');
    expect(attempts).to.include('dns.getaddrinfo');
  });

  it('reads text with tesseract.js when PaddleOCR is not available', async () => {
    const fallback = createLocalDescriber({ ocr: 'tesseract' });
    try {
      const d = await describe_(fallback, 'screenshot-settings.png');
      expect(d.text).to.include('Account Settings');
      expect(d.provenance.model).to.equal('centernet+blazeface+tesseract');
    } finally {
      await fallback.close();
    }
  });
});
