import { expect } from 'chai';
import { DEFAULT_BACKOFF, retryDelayMs } from '../../../server/queue/backoff';
import { retryAfterMs } from '../../../server/describers/openai';

describe('retry backoff', () => {
  const policy = { baseMs: 1000, capMs: 20_000, maxRetryAfterMs: 60_000 };

  it('doubles the ceiling with each attempt, up to the cap', () => {
    const ceiling = (attempt: number) => retryDelayMs(attempt, policy, undefined, () => 0.999999);
    expect([1, 2, 3, 4, 5, 6].map(ceiling)).to.deep.equal([999, 1999, 3999, 7999, 15_999, 19_999]);
  });

  it('spreads retries over the whole range (full jitter)', () => {
    const delays = Array.from({ length: 200 }, () => retryDelayMs(4, policy));
    expect(Math.min(...delays)).to.be.below(2000);
    expect(Math.max(...delays)).to.be.above(6000);
    expect(new Set(delays).size).to.be.greaterThan(100);
  });

  it("never retries sooner than the server's Retry-After, and caps an absurd one", () => {
    expect(retryDelayMs(1, policy, 30_000, () => 0.5)).to.equal(30_000);
    expect(retryDelayMs(6, policy, 100, () => 0.5)).to.equal(10_000);
    expect(retryDelayMs(1, policy, 10 * 3_600_000, () => 0)).to.equal(60_000);
    expect(DEFAULT_BACKOFF.capMs).to.equal(300_000);
  });

  it('reads Retry-After in milliseconds, seconds or as a date', () => {
    const now = Date.parse('2026-11-22T18:00:00Z');
    expect(retryAfterMs(new Headers({ 'retry-after-ms': '1500' }), now)).to.equal(1500);
    expect(retryAfterMs(new Headers({ 'retry-after': '7' }), now)).to.equal(7000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'Sun, 22 Nov 2026 18:00:30 GMT' }), now)).to.equal(30_000);
    expect(retryAfterMs(new Headers({ 'retry-after': 'soon' }), now)).to.equal(undefined);
    expect(retryAfterMs(new Headers(), now)).to.equal(undefined);
  });
});
