import type { App, Session, WebContents } from 'electron';
import { parseHttpUrl } from '../services/http-url';
import type { Logger } from '../services/logger';
import { originOf, type AppOrigin } from './origin';

/**
 * Electron's security checklist, applied to EVERY web contents the app ever creates (installed on
 * `web-contents-created`, so windows created later — or by a bug — are covered too):
 * - navigation and redirects stay on the app's origin,
 * - `window.open` / target=_blank never opens an Electron window; validated http(s) links go to
 *   the OS browser, everything else (javascript:, file:, data:, custom schemes) is dropped,
 * - <webview> can never be attached,
 * - permissions: only the camera ('media' asking for video alone — nothing in Muster records
 *   sound), only for the app's own origin, main frame.
 */

/**
 * An http(s) URL without embedded credentials, normalized; null for anything else. Any host is
 * fine, intranet addresses and localhost included (links to internal tools are normal here);
 * credentials are refused because the OS browser would send them, and they hide the real host
 * from a quick look ("https://bank.example@evil.example/").
 */
export function safeExternalUrl(url: string): string | null {
  const parsed = parseHttpUrl(url);
  if (!parsed || parsed.username || parsed.password) return null;
  return parsed.href;
}

export interface SecurityDeps {
  appOrigin: AppOrigin;
  openExternal: (url: string) => Promise<void>;
  log: Logger;
}

export function hardenWebContents(contents: WebContents, deps: SecurityDeps): void {
  const { appOrigin, log } = deps;
  const keepOnApp = (event: { preventDefault(): void }, url: string, what: string) => {
    if (appOrigin.isAppUrl(url)) return;
    event.preventDefault();
    log.warn(`Blocked ${what} away from the app`, { url: url.slice(0, 200) });
  };
  contents.on('will-navigate', (event, url) => keepOnApp(event, url, 'navigation'));
  contents.on('will-redirect', (event, url) => keepOnApp(event, url, 'redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log.warn('Blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    const external = safeExternalUrl(url);
    if (external) {
      deps.openExternal(external).catch((e: unknown) => log.warn(`Could not open a link in the browser: ${String(e)}`));
    } else {
      log.warn('Blocked window.open of a non-http(s) URL', { url: url.slice(0, 200) });
    }
    return { action: 'deny' };
  });
}

export function installSecurityPolicy(app: App, deps: SecurityDeps): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, deps));
}

/**
 * True when a permission may be granted: the camera, for the app's own main frame only. A `media`
 * request must name its media types and every one must be video (a request that also asks for
 * audio, or does not say, is refused whole).
 */
export function isPermissionAllowed(
  appOrigin: AppOrigin,
  permission: string,
  requestingUrl: string | undefined,
  isMainFrame: boolean,
  mediaTypes: readonly string[] | undefined,
): boolean {
  const cameraOnly = mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((t) => t === 'video');
  return permission === 'media' && cameraOnly && isMainFrame && originOf(requestingUrl) === appOrigin.origin;
}

export function installPermissionHandlers(session: Session, appOrigin: AppOrigin, log: Logger): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    const allowed = isPermissionAllowed(appOrigin, permission, details.requestingUrl, details.isMainFrame, mediaTypes);
    if (!allowed) log.warn(`Denied permission "${permission}"`, { from: details.requestingUrl.slice(0, 200) });
    callback(allowed);
  });
  // A check names one media type at a time ('video', 'audio' or 'unknown').
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionAllowed(appOrigin, permission, details.requestingUrl ?? requestingOrigin, details.isMainFrame, details.mediaType ? [details.mediaType] : undefined),
  );
}
