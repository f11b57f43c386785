import { openMemberDb, type MusterDb } from '../../../src/renderer/db';

/** A fresh, uniquely named member database (fake-indexeddb must be imported first by the test). */
export function freshDb(): MusterDb {
  return openMemberDb(crypto.randomUUID());
}

/** Manually driven timers: tests decide when a scheduled retry fires. */
export class ManualTimers {
  private next = 1;
  readonly pending = new Map<number, { fn: () => void; ms: number }>();
  setTimer = (fn: () => void, ms: number): unknown => {
    const id = this.next++;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clearTimer = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  /** Runs everything scheduled so far. */
  runAll(): void {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, t] of due) t.fn();
  }
}

/** Waits until `check` passes (polling the event loop), or fails after `ms`. */
export async function eventually(check: () => Promise<boolean> | boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    if (await check()) return;
    if (Date.now() > until) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
