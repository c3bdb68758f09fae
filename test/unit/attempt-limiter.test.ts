import { expect } from 'chai';
import { AttemptLimiter } from '../../server/auth/attempt-limiter';
import { CpuGate } from '../../server/auth/cpu-gate';
import { ManualClock } from '../../server/clock';
import { HttpError } from '../../server/middleware/errors';

describe('AttemptLimiter', () => {
  it('allows `limit` attempts in the window, then says how long to wait', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const limiter = new AttemptLimiter(clock, 3, 60_000);
    for (let i = 0; i < 3; i += 1) {
      expect(limiter.retryAfterMs('k')).to.equal(0);
      limiter.record('k');
      clock.advance(1000);
    }
    expect(limiter.retryAfterMs('k')).to.equal(57_000);
    expect(limiter.retryAfterMs('other')).to.equal(0);
    clock.advance(57_000);
    expect(limiter.retryAfterMs('k')).to.equal(0);
  });

  it('forgets a key on reset', () => {
    const limiter = new AttemptLimiter(new ManualClock(), 1, 60_000);
    limiter.record('k');
    limiter.reset('k');
    expect(limiter.retryAfterMs('k')).to.equal(0);
  });

  it('takes an attempt only while the limit allows one, counting it in the same step', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const limiter = new AttemptLimiter(clock, 2, 60_000);
    expect(limiter.take('k')).to.equal(0);
    expect(limiter.take('k')).to.equal(0);
    clock.advance(30_000);
    // Refused attempts are not counted, so they do not push the wait further out.
    expect(limiter.take('k')).to.equal(30_000);
    expect(limiter.take('k')).to.equal(30_000);
    clock.advance(30_000);
    expect(limiter.take('k')).to.equal(0);
  });

  it('gives back the attempt counted at a given time, so the window runs from the others', () => {
    const clock = new ManualClock(new Date('2026-01-01T00:00:00Z'));
    const limiter = new AttemptLimiter(clock, 2, 60_000);
    const first = limiter.record('k');
    clock.advance(10_000);
    const second = limiter.record('k');
    expect(limiter.retryAfterMs('k')).to.equal(50_000);
    limiter.release('k', second);
    expect(limiter.retryAfterMs('k')).to.equal(0);
    limiter.record('k');
    limiter.release('k', first);
    limiter.record('k');
    // Left: the attempts at 10 s and 10 s, so the wait runs from 10 s, not from the released one at 0 s.
    expect(limiter.retryAfterMs('k')).to.equal(60_000);
    limiter.release('other', first);
    expect(limiter.retryAfterMs('k')).to.equal(60_000);
  });

  it('keeps memory bounded under a flood of distinct keys', () => {
    const limiter = new AttemptLimiter(new ManualClock(), 5, 60_000, 100);
    for (let i = 0; i < 1000; i += 1) limiter.record(`ip-${i}`);
    expect((limiter as unknown as { hits: Map<string, number[]> }).hits.size).to.be.at.most(100);
  });
});

describe('CpuGate', () => {
  it('runs at most `concurrency` tasks at once and refuses past the queue bound', async () => {
    const gate = new CpuGate(1, 1);
    let running = 0;
    let peak = 0;
    const task = () =>
      gate.run(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running -= 1;
        return 'done';
      });
    const first = task();
    const second = task();
    const third = task().catch((err: unknown) => err);
    expect(await first).to.equal('done');
    expect(await second).to.equal('done');
    const refused = await third;
    expect(refused).to.be.instanceOf(HttpError);
    expect((refused as HttpError).status).to.equal(503);
    expect(peak).to.equal(1);
  });

  it('rests a slot for part of the last task\'s time while others wait, and never when idle', async () => {
    const gate = new CpuGate(1, 4, 1);
    const starts: number[] = [];
    const ends: number[] = [];
    const task = () =>
      gate.run(async () => {
        starts.push(performance.now());
        await new Promise((resolve) => setTimeout(resolve, 40));
        ends.push(performance.now());
      });
    await Promise.all([task(), task(), task()]);
    // Back to back: each waiter starts only after a rest as long as the task before it took.
    expect(starts[1]! - ends[0]!).to.be.at.least(35);
    expect(starts[2]! - ends[1]!).to.be.at.least(35);
    // Alone: no rest, the slot is free again at once.
    await new Promise((resolve) => setTimeout(resolve, 60));
    const before = performance.now();
    await task();
    expect(starts[3]! - before).to.be.below(20);
  });
});
