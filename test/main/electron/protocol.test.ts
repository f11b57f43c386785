import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAppProtocolHandler } from '../../../src/main/electron/protocol';
import { tempDir } from '../helpers/temp';

vi.mock('electron', () => ({}));

describe('muster-app:// protocol handler', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let handle: (request: Request) => Promise<Response>;
  beforeAll(async () => {
    dir = await tempDir();
    const rendererDir = join(dir.path, 'out', 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>app</title>');
    await writeFile(join(rendererDir, 'assets', 'a.js'), 'export {}');
    await writeFile(join(dir.path, 'secret.txt'), 'TOP SECRET');
    handle = createAppProtocolHandler({ rendererDir, serverUrl: 'https://muster.example.com' });
  });
  afterAll(() => dir.cleanup());

  it('serves the app with the shared CSP', async () => {
    const res = await handle(new Request('muster-app://app/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toContain("connect-src 'self' https://muster.example.com wss://muster.example.com");
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>app</title>');
    expect((await handle(new Request('muster-app://app/assets/a.js'))).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await (await handle(new Request('muster-app://app/groups/42'))).text()).toContain('<title>app</title>');
  });

  it.each([
    'muster-app://app/..%2f..%2fsecret.txt',
    'muster-app://app/%2e%2e/%2e%2e/secret.txt',
    'muster-app://app/assets/..%2f..%2f..%2fsecret.txt',
    'muster-app://app/..%5c..%5csecret.txt',
  ])('refuses traversal: %s', async (url) => {
    const res = await handle(new Request(url));
    // Either refused outright, or the URL parser already collapsed the dots to a path inside the root.
    expect([400, 403, 404]).toContain(res.status);
    expect(await res.text()).not.toContain('TOP SECRET');
  });

  it('refuses other hosts and non-GET methods', async () => {
    expect((await handle(new Request('muster-app://evil/index.html'))).status).toBe(404);
    expect((await handle(new Request('muster-app://app/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});
