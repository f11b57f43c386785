/**
 * The main process's one reading of "an http(s) URL". Configuration (MUSTER_SERVER_URL), the
 * Content-Security-Policy, the app-origin checks and links handed to the OS browser all build on
 * it, so they cannot disagree about what counts as http(s) or what an origin is.
 */

/** An absolute http: or https: URL with a host, parsed; null for anything else (other schemes, garbage). */
export function parseHttpUrl(value: string): URL | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return url.hostname ? url : null;
}

/** scheme://host[:port] of an http(s) URL. Throws when `value` is not one (never yields "null"). */
export function httpOrigin(value: string): string {
  const url = parseHttpUrl(value);
  if (!url) throw new Error(`Not an http(s) URL: ${value}`);
  return url.origin;
}
