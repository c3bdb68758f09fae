import session, { SessionData } from 'express-session';
import type { Db } from '../db/knex';
import type { Clock } from '../clock';
import { deleteExpiredSessions, deleteSession, extendSession, findSessionWithUser, saveSession } from '../db/sessions';

export interface SessionLifetimes {
  idleMs: number;
  absoluteMs: number;
}

/**
 * The idle expiry is written this far past "last request + idle", so the requests in between need no
 * write: a tenth of the idle window, at most a minute. A session then ends no sooner than the idle
 * window after its last request, and at most this much later.
 */
const MAX_IDLE_SLACK_MS = 60_000;
const IDLE_SLACK_FRACTION = 0.1;
const PRUNE_EVERY_MS = 10 * 60_000;

type Callback<T = void> = (err?: unknown, value?: T) => void;

/**
 * express-session store on the `sessions` table. The server enforces both lifetimes from the row
 * (the cookie's own expiry is only a hint to the browser): idle since the last request, and absolute
 * since the session was created, which a login always does anew.
 */
export class DbSessionStore extends session.Store {
  private lastPrune = 0;
  private readonly idleSlackMs: number;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly lifetimes: SessionLifetimes,
  ) {
    super();
    this.idleSlackMs = Math.min(MAX_IDLE_SLACK_MS, lifetimes.idleMs * IDLE_SLACK_FRACTION);
  }

  override get(sid: string, cb: Callback<SessionData | null>): void {
    this.read(sid).then((data) => cb(null, data), cb);
  }

  override set(sid: string, data: SessionData, cb?: Callback): void {
    this.save(sid, data).then(() => cb?.(), (err) => cb?.(err));
  }

  override destroy(sid: string, cb?: Callback): void {
    deleteSession(this.db, sid).then(() => cb?.(), (err) => cb?.(err));
  }

  /** Deletes every expired session; run now and then on save, and by tests. */
  async prune(): Promise<number> {
    const now = this.clock.now().getTime();
    this.lastPrune = now;
    return deleteExpiredSessions(this.db, now, this.lifetimes.absoluteMs);
  }

  private async read(sid: string): Promise<SessionData | null> {
    const row = await findSessionWithUser(this.db, sid);
    if (!row) return null;
    const now = this.clock.now().getTime();
    const absoluteEnd = Number(row.created_at) + this.lifetimes.absoluteMs;
    if (Number(row.expires_at) <= now || absoluteEnd <= now) {
      await deleteSession(this.db, sid);
      return null;
    }
    // Written only when the stored expiry would come before this request plus the idle window.
    if (Number(row.expires_at) < Math.min(now + this.lifetimes.idleMs, absoluteEnd)) {
      await extendSession(this.db, sid, Math.min(this.idleExpiry(now), absoluteEnd));
    }
    const data = JSON.parse(row.data) as Partial<SessionData>;
    // Written before express-session kept its cookie settings in the session: it cannot be loaded
    // without them, so its owner signs in again.
    if (typeof data.cookie !== 'object' || data.cookie === null) {
      await deleteSession(this.db, sid);
      return null;
    }
    // The account comes with the row (one query for both), for passport's deserializeUser.
    if (row.user) data.account = row.user;
    else delete data.account;
    return data as SessionData;
  }

  private async save(sid: string, data: SessionData): Promise<void> {
    const now = this.clock.now().getTime();
    const userId = (data as { passport?: { user?: unknown } }).passport?.user;
    await saveSession(this.db, {
      sid,
      user_id: typeof userId === 'number' ? userId : null,
      data: JSON.stringify({ ...data, account: undefined }),
      created_at: now,
      expires_at: this.idleExpiry(now),
    });
    if (now - this.lastPrune >= PRUNE_EVERY_MS) await this.prune();
  }

  private idleExpiry(lastRequest: number): number {
    return lastRequest + this.lifetimes.idleMs + this.idleSlackMs;
  }
}
