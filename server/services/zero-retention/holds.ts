import type { Deps } from '../../deps';
import { LOCKS } from '../../db/process-connection';

/**
 * The zero-retention batches this process is describing from memory. Only the process that holds
 * an image's bytes can finish it, so only an image nobody holds may be failed as interrupted. On
 * PostgreSQL each held batch is also a shared advisory lock on the process's own connection, which
 * the server releases when the process dies: other processes see the hold, and its end.
 */
export class ZeroRetentionHolds {
  private readonly held = new Set<string>();

  constructor(private readonly deps: Pick<Deps, 'connection' | 'logger'>) {
    // A dropped connection lost its locks; take them again (a recovery in between may have failed
    // an image that is then finished anyway: its result replaces the failure).
    deps.connection?.onReconnect(() => {
      for (const batchId of this.held) void this.lock(batchId).catch((err: unknown) => deps.logger.warn({ err }, 'could not hold a zero-retention batch again'));
    });
  }

  has(batchId: string): boolean {
    return this.held.has(batchId);
  }

  /** Before the batch's rows are written, so no moment exists when they are stored but not held. */
  async hold(batchId: string): Promise<void> {
    await this.lock(batchId);
    this.held.add(batchId);
  }

  /** After the last of the batch's images was stored as done or failed. */
  async release(batchId: string): Promise<void> {
    this.held.delete(batchId);
    await this.deps.connection?.unlock(LOCKS.zeroRetentionBatch, batchId, 'shared');
  }

  private async lock(batchId: string): Promise<void> {
    await this.deps.connection?.holdShared(LOCKS.zeroRetentionBatch, batchId);
  }
}

const holdsOfApp = new WeakMap<Deps, ZeroRetentionHolds>();

/** One set of holds per running app. */
export function zeroRetentionHolds(deps: Deps): ZeroRetentionHolds {
  let holds = holdsOfApp.get(deps);
  if (!holds) {
    holds = new ZeroRetentionHolds(deps);
    holdsOfApp.set(deps, holds);
  }
  return holds;
}
