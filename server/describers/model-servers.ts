import type { Logger } from '../logger';
import { DescriberError, type DescribeInput, type DescribeOptions, type Describer, type Description, type Destination, type TranslatedText } from './types';
import { MODEL_HONOURS } from './honours';

/** How long a server that failed is passed over before it is tried again. */
export const DOWN_FOR_MS = 30_000;

interface Server {
  url: string;
  describer: Describer;
  inFlight: number;
  downUntil: number;
}

/**
 * Several OpenAI-compatible servers behind one describer (a team's two GPU boxes): each request goes
 * to the least busy server that is up, taking turns among equals. A server that cannot be reached,
 * times out or answers 5xx or 429 is passed over for DOWN_FOR_MS and the same request goes to the next
 * one at once, so an image is not failed, and not described twice, because one server went away. When
 * every server fails, the last error goes to the queue, which retries later as for one server.
 */
export class ModelServerPool implements Describer {
  readonly name = 'openai' as const;
  readonly honours = MODEL_HONOURS;
  private readonly servers: Server[];
  private turn = 0;

  constructor(
    servers: { url: string; describer: Describer }[],
    readonly destination: Destination,
    private readonly logger?: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.servers = servers.map((s) => ({ ...s, inFlight: 0, downUntil: 0 }));
  }

  describe(input: DescribeInput, options: DescribeOptions, signal?: AbortSignal): Promise<Description> {
    return this.onSomeServer((d) => d.describe(input, options, signal), signal);
  }

  translate(text: TranslatedText, to: string, options: DescribeOptions, signal?: AbortSignal): Promise<TranslatedText> {
    return this.onSomeServer((d) => d.translate!(text, to, options, signal), signal);
  }

  /** Runs the request on the best server, and on the next ones while they fail retryably. */
  private async onSomeServer<T>(request: (describer: Describer) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const tried = new Set<Server>();
    let last: DescriberError | undefined;
    for (let server = this.pick(tried); server; server = this.pick(tried)) {
      tried.add(server);
      server.inFlight += 1;
      try {
        return await request(server.describer);
      } catch (err) {
        if (!(err instanceof DescriberError) || !err.retryable || signal?.aborted) throw err;
        last = err;
        server.downUntil = this.now() + DOWN_FOR_MS;
        this.logger?.warn({ server: server.url, reason: err.message }, 'model server failed; trying the next one');
      } finally {
        server.inFlight -= 1;
      }
    }
    throw last ?? new DescriberError('No model server is available.', true);
  }

  async close(): Promise<void> {
    await Promise.all(this.servers.map((s) => s.describer.close()));
  }

  /** The least busy server not tried yet, up ones first; a down one only when none is up. */
  private pick(tried: Set<Server>): Server | undefined {
    const now = this.now();
    const left = this.servers.filter((s) => !tried.has(s));
    const up = left.filter((s) => s.downUntil <= now);
    const pool = up.length ? up : left;
    if (pool.length === 0) return undefined;
    const least = Math.min(...pool.map((s) => s.inFlight));
    const candidates = pool.filter((s) => s.inFlight === least);
    this.turn = (this.turn + 1) % this.servers.length;
    return candidates.find((s) => this.servers.indexOf(s) >= this.turn) ?? candidates[0];
  }
}
