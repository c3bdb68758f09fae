import type { Deps } from '../../deps';
import { HttpError } from '../../middleware/errors';
import { inProcessBatchChanges, type BatchChangeSource } from './batch-changes';
import { batchProgress, type BatchProgress } from './progress';

/** Whoever follows a batch (a progress stream). */
export interface BatchSubscriber {
  /** The batch's fresh state; after one with `complete: true` nothing more comes. */
  progress(progress: BatchProgress): void;
  /** The batch is gone (deleted): nothing more comes. */
  end(): void;
}

/** Change signals arriving within this window are answered with one read. */
const COALESCE_MS = 100;

/**
 * Follows one batch for every page that shows it: hears the batch's change signals, reads its state
 * (one read at a time, however many signals or subscribers) and hands that state to each subscriber.
 * The state is read from the database, never built from the signals.
 */
class BatchWatcher {
  readonly subscribers = new Set<BatchSubscriber>();
  private readonly stopSource: () => void;
  private timer?: NodeJS.Timeout;
  private reading = false;
  private readAgain = false;
  private stopped = false;

  constructor(
    private readonly deps: Deps,
    private readonly userId: number,
    private readonly batchId: string,
    source: BatchChangeSource,
    private readonly onStop: () => void,
  ) {
    this.stopSource = source.subscribe(batchId, () => this.schedule());
  }

  schedule(): void {
    if (this.stopped || this.timer) return;
    if (this.reading) this.readAgain = true;
    else this.timer = setTimeout(() => void this.read(), COALESCE_MS);
  }

  /** Stops listening for changes; subscribers still attached are dropped without a word. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    this.stopSource();
    this.subscribers.clear();
    this.onStop();
  }

  private async read(): Promise<void> {
    this.timer = undefined;
    this.reading = true;
    try {
      const progress = await batchProgress(this.deps, this.userId, this.batchId);
      if (this.stopped) return;
      this.tell((s) => s.progress(progress));
      if (progress.complete) this.stop();
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        this.tell((s) => s.end());
        this.stop();
      } else {
        // Expected now and then (a busy database); the next signal reads again. No stack: it says nothing more.
        this.deps.logger.warn({ batchId: this.batchId, error: err instanceof Error ? err.message : String(err) }, 'batch progress read failed');
      }
    } finally {
      this.reading = false;
      if (this.readAgain) {
        this.readAgain = false;
        this.schedule();
      }
    }
  }

  private tell(call: (subscriber: BatchSubscriber) => void): void {
    for (const subscriber of [...this.subscribers]) {
      try {
        call(subscriber);
      } catch (err) {
        this.deps.logger.error({ err, batchId: this.batchId }, 'batch progress subscriber failed');
      }
    }
  }
}

/** The watchers of one app: at most one per batch, gone when their last subscriber leaves. */
class BatchWatchers {
  private readonly watchers = new Map<string, BatchWatcher>();

  constructor(
    private readonly deps: Deps,
    private readonly source: BatchChangeSource,
  ) {}

  get size(): number {
    return this.watchers.size;
  }

  subscribe(userId: number, batchId: string, subscriber: BatchSubscriber): () => void {
    // A batch has one owner; the owner is part of the key so a read is always scoped to them.
    const key = `${userId}:${batchId}`;
    let watcher = this.watchers.get(key);
    if (!watcher) {
      const created = new BatchWatcher(this.deps, userId, batchId, this.source, () => {
        if (this.watchers.get(key) === created) this.watchers.delete(key);
      });
      this.watchers.set(key, created);
      watcher = created;
    }
    watcher.subscribers.add(subscriber);
    // The newcomer read the batch before joining; one more (shared) read covers what changed meanwhile.
    watcher.schedule();
    const joined = watcher;
    return () => {
      joined.subscribers.delete(subscriber);
      if (joined.subscribers.size === 0) joined.stop();
    };
  }
}

const appWatchers = new WeakMap<Deps, BatchWatchers>();

function watchersOf(deps: Deps): BatchWatchers {
  let watchers = appWatchers.get(deps);
  if (!watchers) {
    watchers = new BatchWatchers(deps, deps.batchChanges ?? inProcessBatchChanges(deps.events));
    appWatchers.set(deps, watchers);
  }
  return watchers;
}

/**
 * Calls `subscriber` with the batch's fresh state whenever it changes, until the batch is complete
 * or gone, or the returned function is called. All subscribers of a batch share one watcher.
 * The caller has already checked that the batch is the user's.
 */
export function watchBatch(deps: Deps, userId: number, batchId: string, subscriber: BatchSubscriber): () => void {
  return watchersOf(deps).subscribe(userId, batchId, subscriber);
}

/** How many batches are being watched right now (health checks and tests). */
export function batchWatcherCount(deps: Deps): number {
  return appWatchers.get(deps)?.size ?? 0;
}
