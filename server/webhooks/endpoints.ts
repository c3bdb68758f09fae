import crypto from 'node:crypto';
import type { Deps } from '../deps';
import { HttpError } from '../middleware/errors';
import { checkDestination, OutboundError, type Resolver } from '../net';
import { seal, open } from '../storage/blob-cipher';
import {
  attemptsOf,
  deleteEndpointRow,
  deliveriesOfEndpoint,
  findEndpointRow,
  insertEndpoint,
  listEndpointRows,
  type EndpointRow,
} from '../db/webhooks';
import { newWebhookSecret } from './signing';

export const WEBHOOK_EVENTS = ['image.completed', 'image.failed', 'batch.completed', 'image.approved'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface EndpointView {
  id: string;
  url: string;
  description: string;
  events: WebhookEvent[];
  createdAt: number;
}

type StoreDeps = Pick<Deps, 'config' | 'db' | 'clock'>;

/** The signing secret is sealed with the instance key: we need it back to sign, so a hash will not do. */
function sealSecret(deps: Pick<Deps, 'config'>, id: string, secret: string): string {
  return seal(deps.config.encryptionKey, `webhook-secret:${id}`, Buffer.from(secret)).toString('base64');
}

export function endpointSecret(deps: Pick<Deps, 'config'>, row: EndpointRow): string {
  return open(deps.config.encryptionKey, `webhook-secret:${row.id}`, Buffer.from(row.secret_encrypted, 'base64')).toString();
}

export function endpointEvents(row: EndpointRow): WebhookEvent[] {
  try {
    return (JSON.parse(row.events_json) as string[]).filter((e): e is WebhookEvent => (WEBHOOK_EVENTS as readonly string[]).includes(e));
  } catch {
    return [];
  }
}

function toView(row: EndpointRow): EndpointView {
  return { id: row.id, url: row.url, description: row.description, events: endpointEvents(row), createdAt: Number(row.created_at) };
}

/** Validates the URL against the outgoing-address guard at once, so a refused target is said at save time. */
export async function createEndpoint(
  deps: StoreDeps,
  userId: number,
  input: { url: string; description?: string; events: string[] },
  resolve?: Resolver,
): Promise<{ endpoint: EndpointView; secret: string }> {
  const events = [...new Set(input.events)];
  if (events.length === 0 || events.some((e) => !(WEBHOOK_EVENTS as readonly string[]).includes(e))) {
    throw new HttpError(400, `Choose at least one event among ${WEBHOOK_EVENTS.join(', ')}.`, 'invalid_events');
  }
  const description = (input.description ?? '').trim();
  if (description.length > 200) throw new HttpError(400, 'Keep the description under 200 characters.', 'invalid_description');
  const url = input.url.trim();
  if (url.length > 2000) throw new HttpError(400, 'The URL is too long.', 'invalid_url');
  try {
    await checkDestination(url, deps.config.allowedInternalHosts, resolve);
  } catch (err) {
    if (err instanceof OutboundError) throw new HttpError(400, `This URL cannot receive webhooks: ${err.message}.`, 'invalid_url');
    throw err;
  }
  const id = `ep_${crypto.randomBytes(12).toString('base64url')}`;
  const secret = newWebhookSecret();
  const now = deps.clock.now().getTime();
  const row: EndpointRow = { id, user_id: userId, url, description, events_json: JSON.stringify(events), secret_encrypted: sealSecret(deps, id, secret), created_at: now, updated_at: now };
  await insertEndpoint(deps.db, row);
  return { endpoint: toView(row), secret };
}

export async function listEndpoints(deps: Pick<Deps, 'db'>, userId: number): Promise<EndpointView[]> {
  return (await listEndpointRows(deps.db, userId)).map(toView);
}

export async function deleteEndpoint(deps: Pick<Deps, 'db'>, userId: number, id: string): Promise<void> {
  if (!(await deleteEndpointRow(deps.db, userId, id))) throw new HttpError(404, 'No such webhook endpoint.', 'not_found');
}

export interface DeliveryLogEntry {
  id: string;
  eventType: string;
  status: string;
  attempts: { attempt: number; statusCode: number | null; error: string | null; durationMs: number; at: number }[];
  nextAttemptAt: number | null;
  createdAt: number;
}

/** The endpoint and its latest deliveries with every attempt's status code, for the log page. */
export async function endpointLog(deps: Pick<Deps, 'db'>, userId: number, id: string, limit = 50): Promise<{ endpoint: EndpointView; deliveries: DeliveryLogEntry[] }> {
  const row = await findEndpointRow(deps.db, userId, id);
  if (!row) throw new HttpError(404, 'No such webhook endpoint.', 'not_found');
  const deliveries = await deliveriesOfEndpoint(deps.db, id, limit);
  const attempts = await attemptsOf(deps.db, deliveries.map((d) => d.id));
  return {
    endpoint: toView(row),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      eventType: d.event_type,
      status: d.status,
      nextAttemptAt: d.next_attempt_at === null ? null : Number(d.next_attempt_at),
      createdAt: Number(d.created_at),
      attempts: attempts
        .filter((a) => a.delivery_id === d.id)
        .map((a) => ({ attempt: a.attempt, statusCode: a.status_code, error: a.error, durationMs: a.duration_ms, at: Number(a.created_at) })),
    })),
  };
}

/** Queues a `webhook.test` delivery to one endpoint and sends it at once; it shows in the log like any other. */
export async function sendTestEvent(deps: Pick<Deps, 'db' | 'webhooks' | 'clock'>, userId: number, id: string): Promise<string> {
  const row = await findEndpointRow(deps.db, userId, id);
  if (!row || !deps.webhooks) throw new HttpError(404, 'No such webhook endpoint.', 'not_found');
  const [deliveryId] = await deps.webhooks.enqueue(userId, 'webhook.test', { endpoint_id: id, message: 'A test event from Sightline.' }, id);
  await deps.webhooks.runDue();
  return deliveryId;
}
