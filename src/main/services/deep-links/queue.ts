import { parseJoinText } from '@shared/rules/join-link';
import type { Logger } from '../logger';

/**
 * Join links that reached the desktop app (a second launch's command line, macOS `open-url`, the
 * first launch's own command line) wait here until the renderer takes them with
 * `links:takePending` — after sign-in, so a link clicked while the app was closed or signed out
 * is not lost. Plain Node: the Electron edge feeds it, the bridge handler empties it.
 *
 * Only invite tokens are kept (anything else that arrives as a `muster:` URL is dropped with a
 * log line): the queue never carries a URL the renderer might be tempted to open.
 */
export interface DeepLinkQueue {
  /** Offers a raw link or token; true when it was a valid join link and is now waiting. */
  offer(raw: string): boolean;
  /** Every waiting token, oldest first; the queue is empty afterwards. */
  take(): string[];
  /** Called with each token that was queued (to tell running pages); returns the unsubscribe function. */
  onArrival(listener: (token: string) => void): () => void;
  readonly size: number;
}

/** A burst of clicks (or a script hammering the protocol handler) does not grow memory without end. */
export const DEEP_LINK_QUEUE_MAX = 8;

export function createDeepLinkQueue(options: { log: Logger; max?: number }): DeepLinkQueue {
  const { log } = options;
  const max = options.max ?? DEEP_LINK_QUEUE_MAX;
  const tokens: string[] = [];
  const listeners = new Set<(token: string) => void>();
  return {
    offer(raw) {
      const parsed = parseJoinText(typeof raw === 'string' ? raw : '');
      if (parsed.kind !== 'invite') {
        log.warn('Ignored a deep link that is not a Muster join link');
        return false;
      }
      // The same link twice (a double click) is one join.
      const existing = tokens.indexOf(parsed.token);
      if (existing >= 0) tokens.splice(existing, 1);
      tokens.push(parsed.token);
      // The newest links are what the person just clicked: drop the oldest beyond the cap.
      if (tokens.length > max) tokens.splice(0, tokens.length - max);
      for (const l of [...listeners]) {
        try {
          l(parsed.token);
        } catch (e) {
          log.error(`A deep-link listener failed: ${String(e)}`);
        }
      }
      return true;
    },
    take() {
      return tokens.splice(0);
    },
    onArrival(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get size() {
      return tokens.length;
    },
  };
}

/** The protocol the desktop app registers with the OS. */
export const JOIN_PROTOCOL = 'muster';

/**
 * The join link in a command line (Windows/Linux pass it as an argument on first launch and to the
 * running instance through `second-instance`; `electron . muster://…` in development). Only an
 * argument that is itself a `muster:` URL counts — never a switch, never an http(s) URL, never
 * text glued to another argument. The first valid one wins.
 */
export function joinLinkFromArgv(argv: readonly unknown[]): string | null {
  if (!Array.isArray(argv)) return null;
  for (const arg of argv.slice(0, 64)) {
    if (typeof arg !== 'string' || !/^muster:/i.test(arg)) continue;
    if (parseJoinText(arg).kind === 'invite') return arg;
  }
  return null;
}
