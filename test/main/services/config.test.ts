import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_SERVER_URL, readAppVersion, resolveServerUrl } from '../../../src/main/services/config';

describe('config', () => {
  it('defaults the server URL', () => {
    expect(resolveServerUrl({})).toBe(DEFAULT_SERVER_URL);
    expect(resolveServerUrl({ MUSTER_SERVER_URL: '   ' })).toBe(DEFAULT_SERVER_URL);
  });

  it('accepts http(s) URLs and drops a trailing slash', () => {
    expect(resolveServerUrl({ MUSTER_SERVER_URL: 'https://muster.example.com/' })).toBe('https://muster.example.com');
    expect(resolveServerUrl({ MUSTER_SERVER_URL: 'http://10.0.0.5:7800/muster/' })).toBe('http://10.0.0.5:7800/muster');
  });

  it.each([
    ['not a url', /not a valid URL/],
    ['ftp://example.com', /must use http or https/],
    ['javascript:alert(1)', /must use http or https/],
    ['http://user:pw@example.com', /user name or password/],
    ['http://example.com/?x=1', /query or fragment/],
  ])('refuses %s with a clear startup error', (value, message) => {
    expect(() => resolveServerUrl({ MUSTER_SERVER_URL: value })).toThrow(ConfigError);
    expect(() => resolveServerUrl({ MUSTER_SERVER_URL: value })).toThrow(message);
  });

  it("reads the app version from Muster's package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(readAppVersion()).toBe(pkg.version);
    expect(() => readAppVersion('/')).toThrow(ConfigError);
  });
});
