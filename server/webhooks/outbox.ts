import crypto from 'node:crypto';
import type { Knex } from 'knex';
import { insertDeliveries, listEndpointRows, type DeliveryRow, type EndpointRow } from '../db/webhooks';
import { loadBatchResource, loadImageResource } from '../services/api-resources';
import { endpointEvents } from './endpoints';

/** One pending delivery per endpoint, each with the id every retry of it repeats. */
export function deliveryRows(endpoints: EndpointRow[], userId: number, eventType: string, data: unknown, now: number): DeliveryRow[] {
  const payload_json = JSON.stringify({ type: eventType, timestamp: new Date(now).toISOString(), data });
  return endpoints.map((endpoint) => ({
    id: `msg_${crypto.randomBytes(16).toString('base64url')}`,
    endpoint_id: endpoint.id, user_id: userId, event_type: eventType, payload_json,
    status: 'pending', attempts: 0, next_attempt_at: now, last_status_code: null, last_error: null, created_at: now, updated_at: now,
  }));
}

export interface FinishedImage {
  userId: number;
  imageId: string;
  batchId: string;
  type: 'image.completed' | 'image.failed';
  /** This image was the batch's last unfinished one: `batch.completed` goes out too. */
  batchFinished: boolean;
}

/**
 * The outbox: the deliveries a finished image causes, written in the transaction that stores its
 * result, so a crash can lose neither without the other. The payload is read inside that transaction,
 * the same resource `GET /api/v1/images/:id` answers after the commit. The dispatcher sends the rows.
 * Returns how many rows were written (none when no endpoint subscribed, which reads nothing more).
 */
export async function recordFinishDeliveries(trx: Knex.Transaction, image: FinishedImage, now: number): Promise<number> {
  const endpoints = await listEndpointRows(trx, image.userId);
  const subscribed = (type: string) => endpoints.filter((e) => (endpointEvents(e) as string[]).includes(type));
  const rows: DeliveryRow[] = [];
  const forImage = subscribed(image.type);
  if (forImage.length) {
    const resource = await loadImageResource({ db: trx }, image.userId, image.imageId);
    if (resource) rows.push(...deliveryRows(forImage, image.userId, image.type, resource, now));
  }
  if (image.batchFinished) rows.push(...(await batchCompletedRows(trx, subscribed('batch.completed'), image.userId, image.batchId, now)));
  await insertDeliveries(trx, rows);
  return rows.length;
}

async function batchCompletedRows(trx: Knex.Transaction, endpoints: EndpointRow[], userId: number, batchId: string, now: number): Promise<DeliveryRow[]> {
  if (endpoints.length === 0) return [];
  const batch = await loadBatchResource({ db: trx }, userId, batchId);
  if (!batch) return [];
  const { images, ...summary } = batch;
  return deliveryRows(endpoints, userId, 'batch.completed', { ...summary, image_ids: images.map((i) => i.id) }, now);
}

/** `batch.completed` alone: for a batch whose images all finished before its upload ended. */
export async function recordBatchCompletedDeliveries(trx: Knex.Transaction, userId: number, batchId: string, now: number): Promise<number> {
  const endpoints = (await listEndpointRows(trx, userId)).filter((e) => (endpointEvents(e) as string[]).includes('batch.completed'));
  const rows = await batchCompletedRows(trx, endpoints, userId, batchId, now);
  await insertDeliveries(trx, rows);
  return rows.length;
}

/** `image.approved`: one delivery per subscribed endpoint and approved image, in the approving transaction. */
export async function recordApprovedDeliveries(trx: Knex.Transaction, userId: number, imageIds: readonly string[], now: number): Promise<number> {
  if (imageIds.length === 0) return 0;
  const endpoints = (await listEndpointRows(trx, userId)).filter((e) => (endpointEvents(e) as string[]).includes('image.approved'));
  if (endpoints.length === 0) return 0;
  const rows: DeliveryRow[] = [];
  for (const imageId of imageIds) {
    const resource = await loadImageResource({ db: trx }, userId, imageId);
    if (resource) rows.push(...deliveryRows(endpoints, userId, 'image.approved', resource, now));
  }
  await insertDeliveries(trx, rows);
  return rows.length;
}
