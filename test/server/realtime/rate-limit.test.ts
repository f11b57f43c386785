import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../src/server/realtime';

describe('per-socket token bucket', () => {
  it('grants the burst at once, then the sustained rate, and says how long to wait', () => {
    let now = 1_000_000;
    const bucket = new TokenBucket(20, 60, () => now);
    for (let i = 0; i < 60; i++) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(1);
    now += 50; // one twentieth of a second: one token back
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(1);
    now += 10_000; // a long pause refills up to the burst, not beyond
    for (let i = 0; i < 60; i++) expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(1);
  });

  it('a slow rate asks for a longer wait; a clock stepping back refills nothing', () => {
    let now = 0;
    const bucket = new TokenBucket(0.25, 1, () => now);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(4);
    now -= 60_000;
    expect(bucket.take()).toBe(4);
  });

  it('refuses a budget that could never be met', () => {
    expect(() => new TokenBucket(0, 10, () => 0)).toThrow(RangeError);
    expect(() => new TokenBucket(5, 0.5, () => 0)).toThrow(RangeError);
    expect(() => new TokenBucket(Number.NaN, 10, () => 0)).toThrow(RangeError);
  });
});
