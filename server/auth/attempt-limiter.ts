import type { Clock } from '../clock';

/**
 * Counts attempts per key (an IP address, an email) in a sliding window, in memory: checking costs a
 * map lookup, so refusing a flood is cheap. Counts reset when the process restarts; one process
 * serves a Sightline, so this is the whole picture. Memory is bounded by `maxKeys`.
 */
export class AttemptLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    private readonly clock: Clock,
    readonly limit: number,
    readonly windowMs: number,
    private readonly maxKeys = 50_000,
  ) {}

  /** Milliseconds until another attempt is allowed; 0 when allowed now. */
  retryAfterMs(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limit) return 0;
    return recent[recent.length - this.limit] + this.windowMs - this.clock.now().getTime();
  }

  /** Counts an attempt now; answers its time, for `release` should it turn out not to count. */
  record(key: string): number {
    const at = this.clock.now().getTime();
    const recent = this.recent(key);
    recent.push(at);
    // Only the last `limit` attempts decide anything.
    if (recent.length > this.limit) recent.splice(0, recent.length - this.limit);
    this.hits.delete(key);
    this.hits.set(key, recent);
    if (this.hits.size > this.maxKeys) this.evict();
    return at;
  }

  /**
   * Counts an attempt if the limit allows one: 0, or milliseconds until one is allowed (nothing is
   * counted then). Checking and counting in one step, before any await, is what keeps attempts in
   * flight together from all passing a check made before any of them was counted.
   */
  take(key: string): number {
    const waitMs = this.retryAfterMs(key);
    if (waitMs === 0) this.record(key);
    return waitMs;
  }

  /** Takes back one attempt counted at `at`, e.g. a sign-in whose password was right. */
  release(key: string, at: number): void {
    const recent = this.hits.get(key);
    const index = recent?.lastIndexOf(at) ?? -1;
    if (index >= 0) recent!.splice(index, 1);
  }

  reset(key: string): void {
    this.hits.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.clock.now().getTime() - this.windowMs;
    return (this.hits.get(key) ?? []).filter((at) => at > since);
  }

  /** Drops keys with nothing in the window, then the least recently used until under the bound. */
  private evict(): void {
    for (const key of this.hits.keys()) {
      if (this.recent(key).length === 0) this.hits.delete(key);
    }
    for (const key of this.hits.keys()) {
      if (this.hits.size <= this.maxKeys) break;
      this.hits.delete(key);
    }
  }
}

const MINUTE = 60_000;

/** The limits of issue 2: 10 failed logins per account per 15 minutes; per-IP bounds above that. */
export interface AuthLimits {
  loginFailuresPerAccount: AttemptLimiter;
  loginFailuresPerIp: AttemptLimiter;
  signupsPerIp: AttemptLimiter;
}

export function createAuthLimits(clock: Clock): AuthLimits {
  return {
    loginFailuresPerAccount: new AttemptLimiter(clock, 10, 15 * MINUTE),
    loginFailuresPerIp: new AttemptLimiter(clock, 50, 15 * MINUTE),
    signupsPerIp: new AttemptLimiter(clock, 20, 60 * MINUTE),
  };
}
