import { resolve } from 'node:path';
import type { App } from 'electron';
import { JOIN_PROTOCOL, joinLinkFromArgv, type DeepLinkQueue } from '../services/deep-links';
import type { Logger } from '../services/logger';

/**
 * `muster://join/<token>` links, the Electron side (the queue itself is plain Node in
 * services/deep-links). A link reaches the app in one of three ways:
 * - Windows / Linux, app not running: it is in this launch's own command line;
 * - Windows / Linux, app running: the OS starts a second instance, which fails to get the
 *   single-instance lock and quits; the running one gets its command line in `second-instance`;
 * - macOS: `open-url`, which can fire before `ready` when the link launched the app.
 * Each arrival brings the window to the front first, then queues the token (the queue tells
 * running pages with `links:join`; a signed-out page takes it after sign-in).
 */
export interface DeepLinkEdgeDeps {
  app: Pick<App, 'on' | 'setAsDefaultProtocolClient'>;
  queue: DeepLinkQueue;
  /** Restores, shows and focuses the window (opens one when none is left, once the app is ready). */
  bringToFront(): void;
  log: Logger;
  /** This process's command line, for a link that launched the app. */
  argv: readonly string[];
  /** `process.defaultApp`: running as `electron .` (development), not a packaged executable. */
  defaultApp: boolean;
  execPath: string;
}

/**
 * Registers the app as the OS handler of `muster:`. A development run (`electron path/to/app`)
 * must register the Electron binary together with the app path, else the OS would start a bare
 * Electron; packaged builds also declare the protocol in their installer (electron-builder
 * `protocols`), this call keeps it current when the app moves.
 */
export function registerJoinProtocol(deps: Pick<DeepLinkEdgeDeps, 'app' | 'argv' | 'defaultApp' | 'execPath' | 'log'>): boolean {
  const { app, argv, defaultApp, execPath, log } = deps;
  let registered: boolean;
  if (defaultApp) {
    const appPath = argv[1];
    registered = appPath ? app.setAsDefaultProtocolClient(JOIN_PROTOCOL, execPath, [resolve(appPath)]) : false;
  } else {
    registered = app.setAsDefaultProtocolClient(JOIN_PROTOCOL);
  }
  if (!registered) log.warn(`Could not register Muster as the handler of ${JOIN_PROTOCOL}: links (join links will not open the app)`);
  return registered;
}

/** Call synchronously at startup, before `ready`, right after taking the single-instance lock. */
export function installDeepLinks(deps: DeepLinkEdgeDeps): void {
  const { app, queue, bringToFront } = deps;
  registerJoinProtocol(deps);

  app.on('open-url', (event, url) => {
    event.preventDefault();
    bringToFront();
    queue.offer(url);
  });

  app.on('second-instance', (_event, argv) => {
    // Someone started Muster again: with a link or without, the running window comes forward.
    bringToFront();
    const link = joinLinkFromArgv(argv);
    if (link) queue.offer(link);
  });

  const own = joinLinkFromArgv(deps.argv);
  if (own) queue.offer(own);
}
