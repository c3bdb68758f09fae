import crypto from 'node:crypto';
import { RateLimiterRes, type RateLimiterStoreAbstract } from 'rate-limiter-flexible';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import { openLimitStore, type LimitStore } from './store';

/** Every rate limit of the app. */
export type LimitName = 'loginPerAccount' | 'loginPerIp' | 'secondFactorPerAccount' | 'signupPerIp' | 'tryPerIp' | 'apiPerKey';

/** At most `points` attempts in a window of `windowMs` that starts with the first attempt. */
export interface LimitRule {
  points: number;
  windowMs: number;
}

export type LimitRules = Record<LimitName, LimitRule>;

const MINUTE = 60_000;

/**
 * 10 failed sign-ins per account per 15 minutes, 50 per address; 10 wrong second-factor codes
 * (authenticator or recovery codes) per account per 15 minutes; 20 sign-ups per address an hour;
 * 10 images an hour per address on the public describe page; API_RATE_LIMIT_PER_MINUTE per key.
 */
export function defaultLimitRules(config: Pick<Config, 'apiRateLimitPerMinute'>): LimitRules {
  return {
    loginPerAccount: { points: 10, windowMs: 15 * MINUTE },
    loginPerIp: { points: 50, windowMs: 15 * MINUTE },
    secondFactorPerAccount: { points: 10, windowMs: 15 * MINUTE },
    signupPerIp: { points: 20, windowMs: 60 * MINUTE },
    tryPerIp: { points: 10, windowMs: 60 * MINUTE },
    apiPerKey: { points: config.apiRateLimitPerMinute, windowMs: MINUTE },
  };
}

/** What a counted attempt found: whether it was within the limit, and when the window ends. */
export interface Verdict {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Milliseconds until the window ends and the count starts again. */
  resetMs: number;
}

const PRUNE_EVERY_MS = 10 * MINUTE;

/**
 * One limit, kept by rate-limiter-flexible in the database so every process counts together. Keys
 * (emails, addresses, key ids) are stored as HMACs under the session secret, so the table names no
 * one. A check that finds the store unreachable rejects: the request fails rather than going
 * uncounted.
 */
export class Limit {
  constructor(
    readonly rule: LimitRule,
    private readonly limiter: RateLimiterStoreAbstract,
    private readonly store: LimitStore,
    private readonly hashKey: (key: string) => string,
    private readonly afterCount: () => Promise<void>,
  ) {}

  /** Counts one attempt, atomically with the check, so attempts in flight together cannot all pass. */
  async take(key: string): Promise<Verdict> {
    await this.store.ready;
    let res: RateLimiterRes;
    let allowed = true;
    try {
      res = await this.limiter.consume(this.hashKey(key));
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      res = err;
      allowed = false;
    }
    await this.afterCount();
    return { allowed, limit: this.rule.points, remaining: res.remainingPoints, resetMs: Math.max(0, res.msBeforeNext) };
  }

  /** Milliseconds until an attempt would be allowed; 0 when one is allowed now. Counts nothing. */
  async retryAfterMs(key: string): Promise<number> {
    await this.store.ready;
    const res = await this.limiter.get(this.hashKey(key));
    return res && res.consumedPoints >= this.rule.points ? Math.max(1, res.msBeforeNext) : 0;
  }

  /** Takes back one counted attempt, e.g. a sign-in whose password was right. */
  async giveBack(key: string): Promise<void> {
    await this.store.ready;
    await this.limiter.reward(this.hashKey(key), 1);
  }

  /** Forgets every attempt of `key`. */
  async reset(key: string): Promise<void> {
    await this.store.ready;
    await this.limiter.delete(this.hashKey(key));
  }
}

export type RateLimits = Record<LimitName, Limit> & { close(): Promise<void> };

/** The app's limits on the database's store; `rules` replaces single rules (tests use short windows). */
export function createRateLimits(config: Config, db: Db, rules: Partial<LimitRules> = {}): RateLimits {
  const store = openLimitStore(config, db);
  const secret = crypto.createHash('sha256').update(`rate limit keys\0${config.sessionSecret}`).digest();
  const hashKey = (key: string) => crypto.createHmac('sha256', secret).update(key).digest('base64url');
  let lastPrune = Date.now();
  const afterCount = async () => {
    if (Date.now() - lastPrune < PRUNE_EVERY_MS) return;
    lastPrune = Date.now();
    await store.prune();
  };
  const all = { ...defaultLimitRules(config), ...rules };
  const limits = {} as Record<LimitName, Limit>;
  for (const [name, rule] of Object.entries(all) as [LimitName, LimitRule][]) {
    limits[name] = new Limit(rule, store.limiter(name, rule.points, rule.windowMs), store, hashKey, afterCount);
  }
  return { ...limits, close: () => store.close() };
}
