import type { Clock } from '../clock';

/** Throws on a budget that could never be met (Infinity is allowed: no limit). */
export const assertRateLimit = (perSecond: number, burst: number): void => {
  if (!(perSecond > 0) || !(burst >= 1)) throw new RangeError(`a request budget needs perSecond > 0 and burst >= 1, got ${perSecond}/${burst}`);
};

/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`. One per socket, so one noisy
 * or hostile client cannot monopolise the server (a refused request costs no storage work).
 */
export class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    assertRateLimit(perSecond, burst);
    this.tokens = burst;
    this.last = clock();
  }

  /** Takes one token: 0 when granted, otherwise whole seconds until one is available (at least 1). */
  take(): number {
    const now = this.clock();
    // A clock stepping backwards refills nothing rather than draining the bucket.
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
  }
}
