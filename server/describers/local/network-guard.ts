import fs from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import http from 'node:http';
import https from 'node:https';
import dns from 'node:dns';
import { fileURLToPath } from 'node:url';

/** Raised by every network entry point once the guard is installed. */
export class OfflineViolation extends Error {
  constructor(what: string) {
    super(`offline describer: refusing network access (${what})`);
    this.name = 'OfflineViolation';
  }
}

function urlOf(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  if (input && typeof input === 'object' && 'url' in input && typeof input.url === 'string') return input.url;
  return String(input);
}

/**
 * tfjs without tfjs-node loads models through fetch(), and Node's fetch cannot read file: URLs.
 * This serves file: URLs from disk and throws on anything else, so an accidental download
 * (a CDN default in Human or tesseract.js) fails loudly instead of leaving the machine.
 */
async function fileOnlyFetch(input: unknown): Promise<Response> {
  const url = urlOf(input);
  if (!url.startsWith('file://')) throw new OfflineViolation(`fetch ${url}`);
  const body = await fs.readFile(fileURLToPath(url));
  const type = url.endsWith('.json') ? 'application/json' : 'application/octet-stream';
  return new Response(body, { status: 200, headers: { 'content-type': type } });
}

function refuse(what: string): () => never {
  return () => {
    throw new OfflineViolation(what);
  };
}

/**
 * Installs the guard in the current thread (the describer's worker). Only this thread's module
 * instances are patched; the web server's main thread keeps its own untouched `net` and `http`.
 */
export function installNetworkGuard(): void {
  globalThis.fetch = fileOnlyFetch as typeof fetch;
  net.Socket.prototype.connect = refuse('net.Socket.connect') as typeof net.Socket.prototype.connect;
  Object.assign(net, { connect: refuse('net.connect'), createConnection: refuse('net.createConnection') });
  Object.assign(tls, { connect: refuse('tls.connect') });
  Object.assign(http, { request: refuse('http.request'), get: refuse('http.get') });
  Object.assign(https, { request: refuse('https.request'), get: refuse('https.get') });
  Object.assign(dns, { lookup: refuse('dns.lookup'), resolve: refuse('dns.resolve') });
  Object.assign(dns.promises, { lookup: refuse('dns.promises.lookup'), resolve: refuse('dns.promises.resolve') });
}
