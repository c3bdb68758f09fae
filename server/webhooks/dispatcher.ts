import type { Deps } from '../deps';
import { safeFetch, OutboundError, type Resolver } from '../net';
import { claimDueDeliveries, findEndpointById, insertDeliveries, recordAttempt, type DeliveryRow } from '../db/webhooks';
import { listEndpointRows } from '../db/webhooks';
import { endpointEvents, endpointSecret } from './endpoints';
import { deliveryRows } from './outbox';
import { signedHeaders } from './signing';

/** After the first attempt: 30 s, 2 min, 10 min, 30 min, 1 h, 6 h; then the delivery is failed. */
export const RETRY_SCHEDULE_MS = [30_000, 120_000, 600_000, 1_800_000, 3_600_000, 21_600_000];

export type WebhookDeps = Pick<Deps, 'config' | 'db' | 'logger' | 'clock'>;

export interface DispatcherOptions {
  timeoutMs?: number;
  /**
   * How long a claimed delivery stays this dispatcher's: longer than an attempt can take (the
   * request's timeout plus its bookkeeping), so a slow receiver never gets a second copy while the
   * first is in flight, yet short enough that a delivery whose process died goes out again soon.
   */
  leaseMs?: number;
  /** How often to look for retries that came due; new events are sent at once without waiting. */
  pollMs?: number;
  resolve?: Resolver;
  schedule?: number[];
}

/**
 * Sends webhook deliveries from the durable table. The row is the truth: a restart picks up
 * whatever is pending, and a retry repeats the same `webhook-id`, so receivers can dedupe. Each due
 * delivery is claimed (leased) before it is sent, so dispatchers in several processes never send it
 * twice at once; one whose dispatcher dies mid-send goes again when its lease ends.
 */
export class WebhookDispatcher {
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private again = false;
  private readonly timeoutMs: number;
  private readonly leaseMs: number;
  private readonly schedule: number[];

  constructor(
    private readonly deps: WebhookDeps,
    private readonly options: DispatcherOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.leaseMs = options.leaseMs ?? this.timeoutMs + 20_000;
    this.schedule = options.schedule ?? RETRY_SCHEDULE_MS;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.nudge(), this.options.pollMs ?? 1000);
    this.timer.unref();
    this.nudge();
  }

  /** Stops polling and waits for the attempts in flight; pending rows stay for the next start. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Creates one delivery per subscribed endpoint of the user (or to one endpoint: "send test"), then sends them. */
  async enqueue(userId: number, eventType: string, data: unknown, endpointId?: string): Promise<string[]> {
    const endpoints = (await listEndpointRows(this.deps.db, userId)).filter((e) =>
      endpointId ? e.id === endpointId : (endpointEvents(e) as string[]).includes(eventType),
    );
    const rows = deliveryRows(endpoints, userId, eventType, data, this.deps.clock.now().getTime());
    await insertDeliveries(this.deps.db, rows);
    if (rows.length) this.nudge();
    return rows.map((r) => r.id);
  }

  nudge(): void {
    void this.runDue().catch((err) => this.deps.logger.error({ err }, 'webhook dispatch failed'));
  }

  /** Sends everything due now by the app clock; concurrent calls coalesce into one more pass. */
  runDue(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private async drain(): Promise<number> {
    let sent = 0;
    do {
      this.again = false;
      for (;;) {
        const now = this.deps.clock.now().getTime();
        const due = await claimDueDeliveries(this.deps.db, now, 16, now + this.leaseMs);
        if (due.length === 0) break;
        await Promise.all(due.map((d) => this.attempt(d)));
        sent += due.length;
      }
    } while (this.again);
    return sent;
  }

  private async attempt(delivery: DeliveryRow): Promise<void> {
    const endpoint = await findEndpointById(this.deps.db, delivery.endpoint_id);
    if (!endpoint) return;
    const startedAt = this.deps.clock.now().getTime();
    const started = Date.now();
    const number = delivery.attempts + 1;
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const body = delivery.payload_json;
      const headers = signedHeaders(endpointSecret(this.deps, endpoint), delivery.id, Math.floor(startedAt / 1000), body);
      const res = await safeFetch(endpoint.url, {
        method: 'POST', headers, body, maxRedirects: 0, maxBytes: 256 * 1024, timeoutMs: this.timeoutMs,
        allowedHosts: this.deps.config.allowedInternalHosts, resolve: this.options.resolve,
      });
      statusCode = res.status;
      if (res.status >= 300 && res.status < 400) error = 'redirects are not followed';
      else if (res.status < 200 || res.status >= 300) error = `answered ${res.status}`;
    } catch (err) {
      error = err instanceof OutboundError ? err.message : 'the request failed';
      if (!(err instanceof OutboundError)) this.deps.logger.warn({ err, delivery: delivery.id }, 'webhook attempt failed');
    }
    const now = this.deps.clock.now().getTime();
    const delay = this.schedule[number - 1];
    const update: Partial<DeliveryRow> = error === null
      ? { status: 'delivered', attempts: number, next_attempt_at: null, locked_until: null, last_status_code: statusCode, last_error: null, updated_at: now }
      : {
          status: delay === undefined ? 'failed' : 'pending',
          attempts: number,
          next_attempt_at: delay === undefined ? null : now + delay,
          locked_until: null,
          last_status_code: statusCode,
          last_error: error.slice(0, 300),
          updated_at: now,
        };
    await recordAttempt(this.deps.db, { delivery_id: delivery.id, attempt: number, status_code: statusCode, error: error?.slice(0, 300) ?? null, duration_ms: Date.now() - started, created_at: now }, update, delivery.locked_until as number);
  }
}
