import { BlobIntegrityError, BlobNotFoundError, BlobStoreUnavailableError } from '../storage';
import type { Logger } from '../logger';
import { DEFAULT_DESCRIBE_OPTIONS, DescriberError, type DescribeOptions, type DescribeStyle } from '../describers/types';
import type { ClaimedJob } from './store';

const STYLES: DescribeStyle[] = ['concise', 'descriptive', 'product'];

/** Defaults, then the batch's options, then the job's own (a regenerate with other options). */
export function describeOptionsFor(job: ClaimedJob): DescribeOptions {
  const merged = { ...DEFAULT_DESCRIBE_OPTIONS, ...job.batchOptions, ...job.jobOptions };
  return {
    ...merged,
    language: typeof merged.language === 'string' && merged.language ? merged.language : DEFAULT_DESCRIBE_OPTIONS.language,
    altTextLength: clampInt(merged.altTextLength, 20, 1000, DEFAULT_DESCRIBE_OPTIONS.altTextLength),
    tagCount: clampInt(merged.tagCount, 0, 50, DEFAULT_DESCRIBE_OPTIONS.tagCount),
    style: STYLES.includes(merged.style) ? merged.style : DEFAULT_DESCRIBE_OPTIONS.style,
    context: { ...job.batchOptions.context, ...job.jobOptions.context },
  };
}

export interface Failure {
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
}

/** What the queue does with an error: the describer's own verdict, or ours for storage and bugs. */
export function toFailure(err: unknown, logger?: Logger): Failure {
  if (err instanceof DescriberError) return { message: err.message, retryable: err.retryable, retryAfterMs: err.retryAfterMs };
  if (err instanceof BlobNotFoundError) return { message: 'The stored image is gone, so it cannot be described.', retryable: false };
  if (err instanceof BlobIntegrityError) return { message: 'The stored image could not be read back intact.', retryable: false };
  if (err instanceof BlobStoreUnavailableError) {
    logger?.error({ err }, 'blob store unavailable');
    return { message: 'Image storage could not be reached, so this image could not be read yet.', retryable: true };
  }
  if (err instanceof Error && err.name === 'JobGone') return { message: err.message, retryable: false };
  logger?.error({ err }, 'describe job failed unexpectedly');
  return { message: 'Something went wrong while describing this image.', retryable: true };
}

function clampInt(value: unknown, min: number, max: number, fallback: number): number {
  const n = Number(value);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(max, Math.max(min, Math.round(n)));
}
