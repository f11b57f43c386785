import { buildContentSecurityPolicy, securityHeaders } from '../content/csp';
import { readStaticFile } from '../content/static-files';
import { APP_HOST, APP_SCHEME } from './origin';

/**
 * The `muster-app://app/...` protocol: serves the built renderer instead of file:// (a real origin
 * for CSP, permissions and IPC sender checks; no access to the rest of the disk). Registered as
 * privileged (standard, secure, supportFetchAPI) before `ready` in index.ts.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

export function createAppProtocolHandler(options: { rendererDir: string; serverUrl: string }): (request: Request) => Promise<Response> {
  const headers = securityHeaders(buildContentSecurityPolicy({ serverUrl: options.serverUrl }));
  const text = (status: number, message: string) =>
    new Response(`${message}\n`, { status, headers: { ...headers, 'content-type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method not allowed');
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return text(400, 'Malformed URL');
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return text(404, 'Not found');
    const file = await readStaticFile(options.rendererDir, url.pathname, { spaFallback: true });
    if (file.status !== 200) return text(file.status, file.message);
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(file.body), {
      status: 200,
      headers: { ...headers, 'content-type': file.contentType, 'cache-control': file.cacheControl },
    });
  };
}
