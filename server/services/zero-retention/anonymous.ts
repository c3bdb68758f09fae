import type { Deps } from '../../deps';
import { DEFAULT_DESCRIBE_OPTIONS, Description, DescriberError, type DescribeOptions } from '../../describers/types';
import { prepareImage } from '../ingest/prepare';
import { zeroRetentionQueue } from '.';

/** A describe the visitor can read; the rest of a failure stays in the log. */
export class AnonymousDescribeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnonymousDescribeError';
  }
}

/**
 * The public page's describe: one image, no account, through the same bounded in-memory queue as
 * zero-retention batches. Nothing is written anywhere, not even the text, because nobody could come
 * back for it: the result lives only in the answer to this request.
 * Throws BusyError when the queue is full and RefusedImageError for a file ingest would refuse.
 */
export async function describeAnonymously(deps: Deps, bytes: Buffer): Promise<Description> {
  return describeInMemory(deps, bytes, { ...DEFAULT_DESCRIBE_OPTIONS, context: {} });
}

/** One image described in memory through the bounded zero-retention queue, with these options. */
export async function describeInMemory(deps: Deps, bytes: Buffer, options: DescribeOptions): Promise<Description> {
  const queue = zeroRetentionQueue(deps);
  queue.reserve(1);
  let prepared;
  try {
    prepared = await prepareImage(bytes, deps.config.maxImagePixels);
  } catch (err) {
    queue.release(1);
    throw err;
  }
  const input = { image: prepared.workingCopy, mimeType: 'image/jpeg', width: prepared.width, height: prepared.height, originalName: 'image.jpg', embedded: prepared.embedded };
  try {
    return await queue.run(() => deps.describer.describe(input, options));
  } catch (err) {
    if (err instanceof DescriberError) throw new AnonymousDescribeError(err.message);
    deps.logger.error({ err }, 'anonymous describe failed');
    throw new AnonymousDescribeError('The image could not be described. Try again later.');
  }
}
