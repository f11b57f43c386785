import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, securityHeaders, webSocketOrigin } from '../../../src/main/content/csp';

const directives = (csp: string) => new Map(csp.split('; ').map((d) => [d.split(' ')[0]!, d.split(' ').slice(1)]));

describe('content security policy', () => {
  it('is strict for the packaged app', () => {
    const csp = directives(buildContentSecurityPolicy({ serverUrl: 'https://muster.example.com/api' }));
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:', 'blob:']);
    expect(csp.get('media-src')).toEqual(["'self'", 'blob:', 'mediastream:']);
    expect(csp.get('connect-src')).toEqual(["'self'", 'https://muster.example.com', 'wss://muster.example.com']);
    for (const name of ['object-src', 'frame-ancestors', 'base-uri', 'form-action']) expect(csp.get(name)).toEqual(["'none'"]);
    expect([...csp.values()].flat()).not.toContain("'unsafe-inline'");
    expect([...csp.values()].flat()).not.toContain("'unsafe-eval'");
  });

  it("lists the browser-mode page's own WebSocket origin", () => {
    const csp = directives(buildContentSecurityPolicy({ serverUrl: 'http://127.0.0.1:7800', pageOrigin: 'http://localhost:5780' }));
    expect(csp.get('connect-src')).toEqual(["'self'", 'ws://localhost:5780', 'http://127.0.0.1:7800', 'ws://127.0.0.1:7800']);
  });

  it('relaxes inline script/style only for the dev server', () => {
    const csp = directives(buildContentSecurityPolicy({ serverUrl: 'http://127.0.0.1:7800', devServerOrigin: 'http://localhost:5173' }));
    expect(csp.get('script-src')).toEqual(["'self'", "'wasm-unsafe-eval'", "'unsafe-inline'"]);
    expect(csp.get('connect-src')).toContain('ws://localhost:5173');
  });

  it('refuses non-http origins instead of writing them into the policy', () => {
    expect(() => buildContentSecurityPolicy({ serverUrl: "javascript:alert(1)" })).toThrow();
    expect(() => webSocketOrigin('file:///x')).toThrow();
  });

  it('comes with the other security headers', () => {
    const headers = securityHeaders('default-src x');
    expect(headers).toMatchObject({
      'content-security-policy': 'default-src x',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      'permissions-policy': expect.stringContaining('camera=(self)'),
    });
  });
});
