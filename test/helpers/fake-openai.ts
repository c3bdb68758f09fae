import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A real HTTP server on 127.0.0.1 that speaks the OpenAI chat completions API
 * (`POST /v1/chat/completions`), so the describer and the queue are tested over real HTTP.
 *
 * - `latencyMs`: every answer waits this long (a hung request never answers).
 * - `script(...)`: the next requests get these scripted outcomes, in order, then normal answers.
 * - `hold()` / `release()`: answers wait (after their latency) until released, so a test can keep
 *   work in flight for as long as it needs, whatever the machine's speed.
 * - `usage`: the token counts every answer reports (default 850 in, 120 out).
 * - `refuseJsonSchema`: answers 400 to `response_format: json_schema`, as servers without
 *   structured outputs do, so the client falls back to `json_object`.
 * - `requests`: everything received, with the images decoded from their data URLs.
 * - `answer`: replace the default answer. The default is derived from the prompt: whatever follows
 *   "Instructions from the user:" becomes the alt text (so tests can make the model say anything,
 *   HTML included), and the output language named after "Output language:" is echoed in the caption.
 */
export type FakeOutcome =
  | { kind: 'rate-limit'; retryAfter?: string; retryAfterMs?: string }
  | { kind: 'server-error'; status?: number }
  | { kind: 'error'; status: number; message?: string }
  | { kind: 'hang' }
  | { kind: 'malformed-body' }
  | { kind: 'malformed-content' }
  | { kind: 'content'; content: string };

export interface RecordedRequest {
  at: number;
  headers: http.IncomingHttpHeaders;
  body: ChatBody;
  /** 'json_schema' | 'json_object' | 'text' | undefined */
  responseFormat?: string;
  /** The prompt texts (system and user), joined. */
  text: string;
  images: { mimeType: string; bytes: Buffer }[];
}

interface ContentPart {
  type: string;
  text?: string;
  image_url?: { url: string; detail?: string };
}

interface ChatBody {
  model?: string;
  messages?: { role: string; content: string | ContentPart[] }[];
  response_format?: { type: string; json_schema?: { name?: string; schema?: JsonSchema; strict?: boolean } };
  [key: string]: unknown;
}

interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  enum?: unknown[];
  required?: string[];
  [key: string]: unknown;
}

export type AnswerFn = (req: RecordedRequest) => Record<string, unknown>;

export class FakeOpenAI {
  latencyMs = 0;
  refuseJsonSchema = false;
  usage: FakeUsage = { prompt_tokens: 850, completion_tokens: 120 };
  answer?: AnswerFn;
  readonly requests: RecordedRequest[] = [];
  /** Requests currently being answered (for concurrency assertions). */
  inFlight = 0;
  maxInFlight = 0;
  private readonly outcomes: FakeOutcome[] = [];
  private readonly server: http.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private held?: { promise: Promise<void>; release: () => void };

  constructor(opts: FakeOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
    if (opts.usage) this.usage = opts.usage;
    this.refuseJsonSchema = opts.refuseJsonSchema ?? false;
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 1000;
  }

  /** Base URL to give the client, e.g. http://127.0.0.1:1234/v1 */
  get baseUrl(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/v1`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  /** The next requests get these outcomes, in order. */
  script(...outcomes: FakeOutcome[]): void {
    this.outcomes.push(...outcomes);
  }

  /** The same outcome for the next `times` requests. */
  repeat(outcome: FakeOutcome, times: number): void {
    for (let i = 0; i < times; i++) this.outcomes.push(outcome);
  }

  /** Answers wait from now until `release()`. */
  hold(): void {
    if (this.held) return;
    let release = () => undefined as void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held = { promise, release };
  }

  release(): void {
    this.held?.release();
    this.held = undefined;
  }

  reset(): void {
    this.outcomes.length = 0;
    this.requests.length = 0;
    this.answer = undefined;
    this.refuseJsonSchema = false;
    this.maxInFlight = 0;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.release();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const raw = await readBody(req);
    if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
      return sendJson(res, 404, { error: { message: `Unknown route ${req.method} ${req.url}`, type: 'invalid_request_error' } });
    }
    let body: ChatBody;
    try {
      body = JSON.parse(raw) as ChatBody;
    } catch {
      return sendJson(res, 400, { error: { message: 'Invalid JSON body', type: 'invalid_request_error' } });
    }
    const recorded = record(req, body);
    this.requests.push(recorded);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);

    const outcome = this.outcomes.shift();
    if (outcome?.kind === 'hang') return; // never answers; the client's timeout must fire
    if (this.latencyMs > 0) await this.sleep(this.latencyMs);
    if (this.held) await this.held.promise;
    if (res.destroyed) return;

    if (this.refuseJsonSchema && recorded.responseFormat === 'json_schema') {
      return sendJson(res, 400, {
        error: { message: "response_format 'json_schema' is not supported by this server", type: 'invalid_request_error', param: 'response_format' },
      });
    }
    switch (outcome?.kind) {
      case 'rate-limit': {
        const headers: Record<string, string> = {};
        if (outcome.retryAfter !== undefined) headers['retry-after'] = outcome.retryAfter;
        if (outcome.retryAfterMs !== undefined) headers['retry-after-ms'] = outcome.retryAfterMs;
        return sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'rate_limit_error' } }, headers);
      }
      case 'server-error':
        return sendJson(res, outcome.status ?? 500, { error: { message: 'The server had an error', type: 'server_error' } });
      case 'error':
        return sendJson(res, outcome.status, { error: { message: outcome.message ?? 'Request refused', type: 'invalid_request_error' } });
      case 'malformed-body':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [');
        return;
      case 'malformed-content':
        return sendJson(res, 200, completion(body, 'Sure! Here is {"alt_text": unfinished', this.usage));
      case 'content':
        return sendJson(res, 200, completion(body, outcome.content, this.usage));
      default: {
        const answer = this.answer ? this.answer(recorded) : defaultAnswer(recorded);
        return sendJson(res, 200, completion(body, JSON.stringify(answer), this.usage));
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

export interface FakeUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

export interface FakeOptions {
  latencyMs?: number;
  refuseJsonSchema?: boolean;
  usage?: FakeUsage;
}

export async function startFakeOpenAI(opts: FakeOptions = {}): Promise<FakeOpenAI> {
  return new FakeOpenAI(opts).start();
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function record(req: http.IncomingMessage, body: ChatBody): RecordedRequest {
  const texts: string[] = [];
  const images: RecordedRequest['images'] = [];
  for (const message of body.messages ?? []) {
    const parts = typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content;
    for (const part of parts) {
      if (part.type === 'text' && part.text) texts.push(part.text);
      const url = part.image_url?.url;
      const match = url ? /^data:([^;]+);base64,(.*)$/s.exec(url) : null;
      if (match) images.push({ mimeType: match[1], bytes: Buffer.from(match[2], 'base64') });
    }
  }
  return { at: Date.now(), headers: req.headers, body, responseFormat: body.response_format?.type, text: texts.join('\n'), images };
}

function completion(body: ChatBody, content: string, usage: FakeUsage): Record<string, unknown> {
  return {
    id: `chatcmpl-${Math.random().toString(36).slice(2)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model ?? 'fake-model',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
  };
}

/** A plausible answer shaped like what was asked for, echoing the prompt's instructions and language. */
export function defaultAnswer(req: RecordedRequest): Record<string, unknown> {
  // A translation request: the same fields, "translated" by a marker a test can look for.
  const translate = /^Translate from (\S+) into (\S+)\./m.exec(req.text);
  if (translate) {
    const source = JSON.parse(req.text.split('\n').find((line) => line.startsWith('{')) ?? '{}') as Record<string, string>;
    return Object.fromEntries(['alt_text', 'caption', 'title', 'description'].map((f) => [f, source[f] ? `[${translate[2]}] ${source[f]}` : '']));
  }
  const instructions = /Instructions from the user:\s*(.+)/.exec(req.text)?.[1]?.trim();
  const language = /Output language:\s*([^\s(]+)/.exec(req.text)?.[1] ?? 'en';
  const answer: Record<string, unknown> = {
    alt_text: instructions ?? 'Red bicycle leaning against a brick wall on a sunny street',
    caption: `A red bicycle rests against an old brick wall. (${language})`,
    title: 'Red bicycle by a brick wall',
    description: 'A red city bicycle with a wicker basket leans against a weathered brick wall. Sunlight falls from the left.',
    tags: ['bicycle', 'red', 'brick wall', 'street', 'sunlight'],
    filename: 'red-bicycle-brick-wall.jpg',
    text: '',
    decorative: false,
  };
  const schema = req.body.response_format?.json_schema?.schema;
  const manifestSchema = schema?.properties?.manifest;
  if (manifestSchema) answer.manifest = sampleFor(manifestSchema);
  return answer;
}

/** The smallest value that fits a (strict-mode subset) JSON Schema. */
function sampleFor(schema: JsonSchema): unknown {
  if (schema.enum && schema.enum.length > 0) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(schema.properties ?? {})) out[key] = sampleFor(value);
      return out;
    }
    case 'array':
      return schema.items ? [sampleFor(schema.items)] : [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return 'sample';
  }
}
