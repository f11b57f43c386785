/**
 * Timers and logging that sync classes take as injectable dependencies, so tests can drive time
 * by hand. One home for the types and for the real defaults.
 */
export type SetTimer = (fn: () => void, ms: number) => unknown;
export type ClearTimer = (handle: unknown) => void;
export type Log = (message: string, error?: unknown) => void;

export interface TimerDeps {
  setTimer?: SetTimer;
  clearTimer?: ClearTimer;
  log?: Log;
}

/** Fills in the real timers and a console logger tagged with `scope` where a dependency is absent. */
export const resolveTimerDeps = (deps: TimerDeps, scope: string): Required<TimerDeps> => ({
  setTimer: deps.setTimer ?? ((fn, ms) => setTimeout(fn, ms)),
  clearTimer: deps.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>)),
  log: deps.log ?? ((m, e) => console.warn(`[${scope}] ${m}`, e ?? '')),
});
