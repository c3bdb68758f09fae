import type { Config } from '../../config';
import { parseDuration } from '../../durations';

/**
 * The image retention choices offered to users, shortest first, then "until reviewed": the working
 * copy stays while a person reviews the text and goes when the image is marked reviewed, never past
 * MAX_IMAGE_RETENTION.
 */
export const UNTIL_REVIEWED = 'reviewed';
export const IMAGE_RETENTION_CHOICES = ['0', '30m', '24h', '7d', 'forever', UNTIL_REVIEWED] as const;
export type ImageRetentionChoice = (typeof IMAGE_RETENTION_CHOICES)[number];

/** Text retention choices in days; null keeps text until the user deletes it. */
export const TEXT_RETENTION_CHOICES = [null, 30, 90, 365] as const;

/** An image still waiting to be processed never outlives this, whatever the settings say. */
export const UNPROCESSED_IMAGE_LIMIT_MS = 7 * 24 * 3600 * 1000;

/** Statuses after which an image will not be processed again (unless the user asks to regenerate). */
export const FINISHED_STATUSES = ['done', 'failed', 'cancelled', 'refused'] as const;

export interface RetentionUser {
  image_retention: string | null;
}
export interface RetentionBatch {
  image_retention: string | null;
}
export interface RetentionImage {
  status: string;
  created_at: number;
  processed_at: number | null;
  updated_at: number;
  /** When a person marked it reviewed; only "until reviewed" reads it. */
  reviewed_at?: number | null;
}

/** Seconds, null meaning forever: the shorter of two retentions. */
export function shorterRetention(a: number | null, b: number | null): number | null {
  if (a === null) return b;
  if (b === null) return a;
  return Math.min(a, b);
}

/** A stored choice in seconds (null: forever; "until reviewed" counts as forever, capped by the admin). */
function parseStored(value: string | null): number | null | undefined {
  if (value === null) return undefined;
  if (value === UNTIL_REVIEWED) return null;
  return parseDuration(value);
}

/** The choices a user may pick under the admin's cap ("until reviewed" is always capped by it). */
export function allowedImageRetentions(config: Config): ImageRetentionChoice[] {
  return IMAGE_RETENTION_CHOICES.filter((choice) => {
    if (choice === UNTIL_REVIEWED) return true;
    const seconds = parseDuration(choice) ?? null;
    return shorterRetention(seconds, config.maxImageRetention) === seconds;
  });
}

/** The account's image retention in seconds (null = forever), capped by MAX_IMAGE_RETENTION. */
export function accountImageRetention(config: Config, user: RetentionUser): number | null {
  const chosen = parseStored(user.image_retention);
  const seconds = chosen === undefined ? config.imageRetention : chosen;
  return shorterRetention(seconds, config.maxImageRetention);
}

/** A batch can only shorten the account's retention, never lengthen it. */
export function batchImageRetention(config: Config, batch: RetentionBatch | null, user: RetentionUser): number | null {
  const account = accountImageRetention(config, user);
  const override = batch ? parseStored(batch.image_retention) : undefined;
  return override === undefined ? account : shorterRetention(override, account);
}

/** The working copy also goes when the image is marked reviewed (the account's or the batch's choice). */
export function endsAtReview(batch: RetentionBatch | null, user: RetentionUser): boolean {
  return batch?.image_retention === UNTIL_REVIEWED || user.image_retention === UNTIL_REVIEWED;
}

export function isFinished(status: string): boolean {
  return (FINISHED_STATUSES as readonly string[]).includes(status);
}

/**
 * When an image's working copy must be gone (epoch ms), or null to keep it until deleted.
 * Finished images (done, failed, cancelled, refused) count from processing; an image that was never
 * finished expires 7 days after upload at the latest, so nothing stuck in a queue lingers.
 */
export function computeImageExpiry(
  config: Config,
  image: RetentionImage,
  batch: RetentionBatch | null,
  user: RetentionUser,
): number | null {
  return imageExpiryRule(config, image, batch, user).due;
}

/** When the working copy must be gone, and whether that is because the image was marked reviewed. */
export function imageExpiryRule(
  config: Config,
  image: RetentionImage,
  batch: RetentionBatch | null,
  user: RetentionUser,
): { due: number | null; atReview: boolean } {
  const unprocessedLimit = image.created_at + UNPROCESSED_IMAGE_LIMIT_MS;
  if (!isFinished(image.status)) return { due: unprocessedLimit, atReview: false };
  const retention = batchImageRetention(config, batch, user);
  const byTime = retention === null ? null : (image.processed_at ?? image.updated_at) + retention * 1000;
  const reviewedAt = image.reviewed_at ?? null;
  if (reviewedAt !== null && endsAtReview(batch, user) && (byTime === null || reviewedAt < byTime)) return { due: reviewedAt, atReview: true };
  return { due: byTime, atReview: false };
}
