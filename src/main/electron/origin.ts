import { parseHttpUrl } from '../services/http-url';

/**
 * The app's identity as a web origin. Packaged (and `electron-vite preview`): the custom scheme
 * `muster-app://app`. Development: the electron-vite dev server's origin. Navigation, IPC sender
 * checks, permissions and event delivery all compare against this ONE value.
 */
export const APP_SCHEME = 'muster-app';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_START_URL = `${APP_ORIGIN}/index.html`;

/**
 * scheme://host[:port] of a URL, or null when it has none we could trust (file:, data:, about:,
 * javascript:, blob:, garbage). WHATWG URL gives `origin === 'null'` for non-special schemes such
 * as ours, hence the manual form for `muster-app:`.
 */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  const http = parseHttpUrl(url);
  if (http) return http.origin;
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password) return APP_ORIGIN;
  return null;
}

export interface AppOrigin {
  /** e.g. `muster-app://app` or `http://localhost:5173` */
  readonly origin: string;
  /** The URL the main window loads. */
  readonly startUrl: string;
  /** True in development (loading the dev server). */
  readonly dev: boolean;
  isAppUrl(url: string | null | undefined): boolean;
}

/**
 * The dev server URL is honoured only for an unpackaged app and only on loopback http: an
 * environment variable must never be able to point a privileged window at a remote site.
 */
export function resolveAppOrigin(options: { devServerUrl: string | undefined; isPackaged: boolean }): AppOrigin {
  let origin = APP_ORIGIN;
  let startUrl = APP_START_URL;
  let dev = false;
  if (options.devServerUrl && !options.isPackaged) {
    const url = parseHttpUrl(options.devServerUrl);
    const loopback = url?.hostname === 'localhost' || url?.hostname === '127.0.0.1' || url?.hostname === '[::1]';
    if (!url || url.protocol !== 'http:' || !loopback) {
      throw new Error(`ELECTRON_RENDERER_URL must be an http://localhost URL, got ${options.devServerUrl}`);
    }
    origin = url.origin;
    startUrl = url.href;
    dev = true;
  }
  return { origin, startUrl, dev, isAppUrl: (url) => originOf(url) === origin };
}
