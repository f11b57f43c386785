import { describe, expect, it, vi } from 'vitest';
import { safeExternalUrl } from '../../../src/main/electron/security';
import { httpOrigin, parseHttpUrl } from '../../../src/main/services/http-url';

vi.mock('electron', () => ({}));

describe('http(s) URL helper', () => {
  it('parses http and https URLs, intranet and loopback hosts included', () => {
    expect(parseHttpUrl('https://muster.example.com/a?b=1')?.origin).toBe('https://muster.example.com');
    expect(httpOrigin('http://10.0.0.5:7800/muster/')).toBe('http://10.0.0.5:7800');
    expect(httpOrigin('http://localhost:5780/x')).toBe('http://localhost:5780');
    expect(httpOrigin('http://[::1]:8080/')).toBe('http://[::1]:8080');
  });

  it.each(['ftp://example.com', 'javascript:alert(1)', 'file:///etc/passwd', 'muster-app://app/', 'data:text/html,x', 'not a url', ''])(
    'refuses %j',
    (value) => {
      expect(parseHttpUrl(value)).toBeNull();
      expect(() => httpOrigin(value)).toThrow(/Not an http\(s\) URL/);
    },
  );

  it('links for the OS browser: any http(s) host, never credentials', () => {
    for (const url of ['http://192.168.1.20/wiki', 'http://localhost:3000/', 'https://intranet/page']) expect(safeExternalUrl(url)).toBe(new URL(url).href);
    for (const url of ['https://user:pw@example.com/', 'https://user@example.com/', 'https://bank.example@evil.example/', 'ftp://x/']) expect(safeExternalUrl(url)).toBeNull();
  });
});
