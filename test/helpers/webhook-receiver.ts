import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  id: string;
  timestamp: number;
  body: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  verified: boolean;
  at: number;
}

/**
 * The Standard Webhooks check as the README documents it, written here from the scheme rather than
 * taken from server/webhooks/signing.ts, so a mistake there cannot hide itself: the key is the base64
 * after "whsec_", the MAC is HMAC-SHA256 over "id.timestamp.body", sent as "v1,<base64>" among
 * space-separated signatures, and the timestamp must be within five minutes.
 */
export function signatureIsValid(secret: string, headers: http.IncomingHttpHeaders, body: string, nowSeconds: number): boolean {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false;
  if (!/^\d+$/.test(timestamp) || Math.abs(nowSeconds - Number(timestamp)) > 300) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = crypto.createHmac('sha256', key).update(`${id}.${timestamp}.${body}`, 'utf8').digest('base64');
  return signatures.split(' ').includes(`v1,${expected}`);
}

/**
 * A real webhook receiver on 127.0.0.1 that checks Standard Webhooks signatures like a customer would.
 * `respond` decides each answer (fail on purpose to exercise retries); `now` is the receiver's clock.
 */
export class WebhookReceiver {
  readonly received: Received[] = [];
  secret = '';
  respond: (n: number) => { status: number; headers?: Record<string, string> } | 'hang' = () => ({ status: 204 });
  now: () => number = () => Date.now();
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = req.headers as Record<string, string>;
      this.received.push({
        id: headers['webhook-id'],
        timestamp: Number(headers['webhook-timestamp']),
        body,
        payload: JSON.parse(body) as Received['payload'],
        verified: signatureIsValid(this.secret, req.headers, body, Math.floor(this.now() / 1000)),
        at: Date.now(),
      });
      const answer = this.respond(this.received.length);
      if (answer === 'hang') return;
      res.writeHead(answer.status, answer.headers).end();
    });
  });
  private waiters: (() => void)[] = [];

  async start(): Promise<this> {
    this.server.on('request', () => setImmediate(() => this.waiters.splice(0).forEach((w) => w())));
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  /** Resolves once `count` requests have arrived. */
  async waitFor(count: number, timeoutMs = 3000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.received.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} webhook requests, got ${this.received.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 50);
      });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
