import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, type Logger } from './logger';

/**
 * Auto-update policy for the packaged desktop app (electron-updater, generic feed). Plain Node:
 * the Electron edge passes in `autoUpdater` from electron-updater and the app's facts; this
 * decides whether and when to check, and keeps failures quiet (offline is normal, not an error
 * worth a dialog).
 *
 * The feed URL is not configured here: `npm run dist` writes MUSTER_UPDATE_URL into the app's
 * resources/app-update.yml (scripts/packaging/builder-config.ts), which electron-updater reads.
 */

/** The part of electron-updater's AppUpdater used here. */
export interface Updater {
  checkForUpdatesAndNotify(): Promise<unknown>;
}

export interface UpdateEnvironment {
  isPackaged: boolean;
  /** process.resourcesPath of the packaged app. */
  resourcesPath: string;
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** For tests; defaults to the file system. */
  exists?: (path: string) => boolean;
}

export type UpdateDecision = { check: true } | { check: false; reason: string };

export function updateDecision(e: UpdateEnvironment): UpdateDecision {
  if (!e.isPackaged) return { check: false, reason: 'not a packaged build (development)' };
  if (['1', 'true', 'yes'].includes((e.env.MUSTER_DISABLE_UPDATES ?? '').trim().toLowerCase())) {
    return { check: false, reason: 'MUSTER_DISABLE_UPDATES is set (updates managed by IT)' };
  }
  if (e.platform !== 'win32' && e.platform !== 'darwin') return { check: false, reason: `no installer updates on ${e.platform}` };
  const exists = e.exists ?? existsSync;
  if (!exists(join(e.resourcesPath, 'app-update.yml'))) return { check: false, reason: 'built without MUSTER_UPDATE_URL (no update feed)' };
  return { check: true };
}

export const FIRST_CHECK_DELAY_MS = 30_000;
export const CHECK_INTERVAL_MS = 6 * 60 * 60 * 1000;

export interface UpdateTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  setInterval(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: UpdateTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms).unref(),
  setInterval: (fn, ms) => setInterval(fn, ms).unref(),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Checks once shortly after start (not during start-up, which has better things to do) and then
 * every CHECK_INTERVAL_MS; electron-updater downloads in the background and notifies when an update
 * is ready to install on quit. Returns a stop function.
 */
export function startUpdateChecks(updater: Updater, e: UpdateEnvironment, log: Logger, timers: UpdateTimers = realTimers): () => void {
  const decision = updateDecision(e);
  if (!decision.check) {
    log.info(`update checks off: ${decision.reason}`);
    return () => {};
  }
  let running = false;
  const check = () => {
    if (running) return;
    running = true;
    updater.checkForUpdatesAndNotify().then(
      () => {
        running = false;
      },
      (err: unknown) => {
        running = false;
        log.warn(`update check failed (will try again later): ${describeError(err)}`);
      },
    );
  };
  const first = timers.setTimeout(check, FIRST_CHECK_DELAY_MS);
  const every = timers.setInterval(check, CHECK_INTERVAL_MS);
  return () => {
    timers.clear(first);
    timers.clear(every);
  };
}
