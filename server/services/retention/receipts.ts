import type { Deps } from '../../deps';
import { DeletionReceipt, receiptForImage, receiptsForImages, receiptsForUser } from '../../db/receipts';
import { formatDuration } from '../../durations';
import { formatTime } from '../../view-helpers';

export type ReceiptView = DeletionReceipt & { summary: string };

/** One line a person can check: "deleted 30 minutes after processing, at 2026-11-22 14:02 UTC". */
export function receiptSummary(receipt: DeletionReceipt): string {
  const at = formatTime(receipt.deleted_at);
  if (receipt.reason === 'user') return `deleted at your request, at ${at}`;
  if (receipt.reason === 'account_deletion') return `deleted with the account, at ${at}`;
  if (receipt.reason === 'reviewed') return `deleted when the image was marked reviewed, at ${at}`;
  if (receipt.processed_at === null) return `deleted unprocessed, ${formatDuration(Math.round((receipt.deleted_at - receipt.received_at) / 60_000) * 60)} after upload, at ${at}`;
  if (receipt.retention_seconds === 0) return `deleted immediately after processing, at ${at}`;
  if (receipt.retention_seconds !== null) return `deleted ${formatDuration(receipt.retention_seconds)} after processing, at ${at}`;
  return `deleted at ${at}`;
}

const withSummary = (r: DeletionReceipt): ReceiptView => ({ ...r, summary: receiptSummary(r) });

export async function receiptsForAccount(deps: Deps, userId: number): Promise<ReceiptView[]> {
  return (await receiptsForUser(deps.db, userId)).map(withSummary);
}

/** The receipt shown on an image's page or card, once its working copy is gone. */
export async function imageReceipt(deps: Deps, userId: number, imageId: string): Promise<ReceiptView | undefined> {
  const receipt = await receiptForImage(deps.db, userId, imageId);
  return receipt ? withSummary(receipt) : undefined;
}

/** Receipts for a page of cards, keyed by image id. */
export async function imageReceipts(deps: Deps, userId: number, imageIds: string[]): Promise<Map<string, ReceiptView>> {
  const map = await receiptsForImages(deps.db, userId, imageIds);
  return new Map([...map].map(([id, r]) => [id, withSummary(r)]));
}
