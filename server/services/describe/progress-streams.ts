import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { batchProgress, type BatchProgress } from './progress';
import { watchBatch } from './watch';

/**
 * Open live-progress streams allowed per batch and per account (the README states both). A page
 * needs one; a few cover several tabs. Past that the page polls progress.json instead, so a client
 * that opens streams in a loop costs the server a counter, not a watcher.
 */
export const STREAMS_PER_BATCH = 3;
export const STREAMS_PER_USER = 6;

/** Where a stream's progress goes (the route's event-stream writer). Never throws, even after the client left. */
export interface ProgressSink {
  send(progress: BatchProgress): void;
  end(): void;
}

export interface ProgressStream {
  /** Reads the batch (404 if it is not the user's), sends that state, then each change until it is complete. */
  start(): Promise<void>;
  /** Ends the stream and frees its place; safe to call any number of times, at any point. */
  close(): void;
}

class Stream implements ProgressStream {
  private closed = false;
  private unsubscribe?: () => void;

  constructor(
    private readonly deps: Deps,
    private readonly userId: number,
    private readonly batchId: string,
    private readonly sink: ProgressSink,
    private readonly onClose: () => void,
  ) {}

  async start(): Promise<void> {
    const first = await batchProgress(this.deps, this.userId, this.batchId).catch((err: unknown) => {
      if (this.closed) return null; // nobody is left to tell
      throw err;
    });
    if (!first || this.closed) return; // the client left (or the server began to stop) during the read
    this.sink.send(first);
    if (first.complete) return this.close();
    this.unsubscribe = watchBatch(this.deps, this.userId, this.batchId, {
      progress: (progress) => {
        this.sink.send(progress);
        if (progress.complete) this.close();
      },
      end: () => this.close(),
    });
  }

  close = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    this.sink.end();
    this.onClose();
  };
}

/** The open streams of one app, counted per account and per batch. */
class ProgressStreams {
  private readonly open = new Set<Stream>();
  private readonly perUser = new Map<number, number>();
  private readonly perBatch = new Map<string, number>();
  private stopping = false;

  get size(): number {
    return this.open.size;
  }

  add(deps: Deps, userId: number, batchId: string, sink: ProgressSink): ProgressStream {
    if (this.stopping) throw new HttpError(503, 'Sightline is restarting. Reload the page in a moment.', 'shutting_down', { retryAfterSeconds: 5 });
    const batchKey = `${userId}:${batchId}`;
    const forUser = this.perUser.get(userId) ?? 0;
    const forBatch = this.perBatch.get(batchKey) ?? 0;
    if (forUser >= STREAMS_PER_USER || forBatch >= STREAMS_PER_BATCH) {
      throw new HttpError(429, 'Live progress is already open in too many windows. This page checks for updates every few seconds instead.', 'too_many_streams');
    }
    this.perUser.set(userId, forUser + 1);
    this.perBatch.set(batchKey, forBatch + 1);
    const stream: Stream = new Stream(deps, userId, batchId, sink, () => {
      this.open.delete(stream);
      decrement(this.perUser, userId);
      decrement(this.perBatch, batchKey);
    });
    this.open.add(stream);
    return stream;
  }

  endAll(): void {
    this.stopping = true;
    for (const stream of [...this.open]) stream.close();
  }
}

function decrement<K>(counts: Map<K, number>, key: K): void {
  const left = (counts.get(key) ?? 1) - 1;
  if (left > 0) counts.set(key, left);
  else counts.delete(key);
}

const appStreams = new WeakMap<Deps, ProgressStreams>();

function streamsOf(deps: Deps): ProgressStreams {
  let streams = appStreams.get(deps);
  if (!streams) {
    streams = new ProgressStreams();
    appStreams.set(deps, streams);
  }
  return streams;
}

/**
 * Takes a place for a live-progress stream, or refuses at once: 429 past the limits, 503 while the
 * server stops. Nothing is awaited here, so the caller can tie `close` to the connection before
 * the first read begins.
 */
export function openProgressStream(deps: Deps, userId: number, batchId: string, sink: ProgressSink): ProgressStream {
  return streamsOf(deps).add(deps, userId, batchId, sink);
}

/** Ends every open stream and refuses new ones, so a shutdown is not held up by pages left open. */
export function endProgressStreams(deps: Deps): void {
  streamsOf(deps).endAll();
}

/** How many streams are open right now (tests). */
export function progressStreamCount(deps: Deps): number {
  return appStreams.get(deps)?.size ?? 0;
}
