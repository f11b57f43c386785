import { httpOrigin, parseHttpUrl } from '../services/http-url';

/**
 * The app's Content-Security-Policy, built in ONE place and used by both edges: the Electron
 * `muster-app://` protocol handler and the browser-mode web host. Nothing inline, nothing remote
 * except the Muster server (HTTP for nothing but socket.io's polling fallback, WebSocket for the
 * socket), no plugins, no framing, no <base>, no form posts.
 */
export interface CspOptions {
  /** The Muster server (MUSTER_SERVER_URL): the renderer's socket.io connection goes there. */
  serverUrl: string;
  /**
   * Browser mode: the page's own origin (http://127.0.0.1:<port>); its ws: form is listed
   * explicitly for the /bridge socket because not every browser maps 'self' to ws:.
   */
  pageOrigin?: string;
  /**
   * Development only (electron-vite dev server): Vite injects inline styles and React Refresh's
   * inline preamble and talks HMR over a WebSocket. Never set in a packaged app.
   */
  devServerOrigin?: string;
}

/** http(s)://host:port -> ws(s)://host:port */
export function webSocketOrigin(origin: string): string {
  const url = parseHttpUrl(origin);
  if (!url) throw new Error(`Not an http(s) origin: ${origin}`);
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

export function buildContentSecurityPolicy(options: CspOptions): string {
  const server = httpOrigin(options.serverUrl);
  const page = options.pageOrigin ? httpOrigin(options.pageOrigin) : undefined;
  const dev = options.devServerOrigin ? httpOrigin(options.devServerOrigin) : undefined;

  const connect = new Set(["'self'"]);
  if (page) connect.add(webSocketOrigin(page));
  if (dev) connect.add(dev).add(webSocketOrigin(dev));
  connect.add(server).add(webSocketOrigin(server));

  const inlineForDev = dev ? " 'unsafe-inline'" : '';
  const directives: [string, string][] = [
    ['default-src', "'self'"],
    // 'wasm-unsafe-eval' lets the QR decoder compile its WebAssembly (zxing-wasm, bundled with the
    // app): it allows WebAssembly compilation only — no eval(), no inline script.
    ['script-src', `'self' 'wasm-unsafe-eval'${inlineForDev}`],
    ['style-src', `'self'${inlineForDev}`],
    ['img-src', "'self' data: blob:"],
    ['media-src', "'self' blob: mediastream:"],
    ['font-src', "'self'"],
    ['worker-src', "'self'"],
    ['connect-src', [...connect].join(' ')],
    ['object-src', "'none'"],
    ['frame-ancestors', "'none'"],
    ['base-uri', "'none'"],
    ['form-action', "'none'"],
  ];
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** Headers every app document and asset carries, on both edges. */
export function securityHeaders(csp: string): Record<string, string> {
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'permissions-policy': 'camera=(self), microphone=(self), geolocation=(), usb=(), serial=(), hid=()',
    'cross-origin-opener-policy': 'same-origin',
    'x-frame-options': 'DENY',
  };
}
