/**
 * Duplicate suppression: a code held in front of the camera is decoded many times a second, but
 * the panel reports it once. It is reported again only after it has been out of view for
 * `forgetAfterMs` (put away and shown again — perhaps after the first attempt failed).
 */
export class DuplicateFilter {
  private readonly lastSeen = new Map<string, number>();

  constructor(private readonly forgetAfterMs = 3000) {
    if (!(forgetAfterMs >= 0)) throw new RangeError('DuplicateFilter: forgetAfterMs must be ≥ 0');
  }

  /** Call for every decoded text; true when it should be reported (new, or back after a while). */
  accept(text: string, now: number): boolean {
    this.prune(now);
    const seen = this.lastSeen.has(text);
    this.lastSeen.set(text, now);
    return !seen;
  }

  /** Forget everything (a new scanning session). */
  reset(): void {
    this.lastSeen.clear();
  }

  private prune(now: number): void {
    for (const [text, at] of this.lastSeen) if (now - at > this.forgetAfterMs) this.lastSeen.delete(text);
  }
}
