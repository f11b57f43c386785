import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { HostToPageFrame, ipcChannel, LOCAL_BRIDGE_MAX_FRAME_BYTES, LOCAL_BRIDGE_PATH } from '@shared/contract';
import { ConfigError } from '../../src/main/services/config';
import { startWebHost, webHostOptionsFromEnv, type WebHost } from '../../src/main/web-host';
import { DEMO, DEMO_LINA, startStubAuthServer, type StubAuthServer } from './helpers/stub-auth-server';
import { recordingLogger, tempDir } from './helpers/temp';

/** Raw HTTP GET (fetch would normalize the path and the Host header away). */
function rawGet(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

type Connected = { ws: WebSocket; frames: HostToPageFrame[]; closed: Promise<{ code: number; reason: string }> };

/** Opens the bridge with the given Origin; resolves with the socket, or the refusing HTTP status. */
function connect(host: WebHost, origin: string | undefined): Promise<Connected | { refused: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}${LOCAL_BRIDGE_PATH}`, origin ? { origin } : {});
    const frames: HostToPageFrame[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('message', (data) => frames.push(HostToPageFrame.parse(JSON.parse(data.toString()))));
    ws.on('open', () => resolve({ ws, frames, closed }));
    ws.on('unexpected-response', (_req, res) => {
      resolve({ refused: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.on('error', (e) => {
      if (ws.readyState !== WebSocket.CLOSED) reject(e);
    });
  });
}

async function opened(host: WebHost, origin = host.url): Promise<Connected> {
  const c = await connect(host, origin);
  if ('refused' in c) throw new Error(`refused with ${c.refused}`);
  return c;
}

/** Sends an invoke frame and waits for its result. */
async function invoke(c: Connected, id: number, channel: string, args: unknown): Promise<unknown> {
  c.ws.send(JSON.stringify({ type: 'invoke', id, channel, args }));
  for (let i = 0; i < 200; i++) {
    const frame = c.frames.find((f) => f.type === 'result' && f.id === id);
    if (frame && frame.type === 'result') return frame.result;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no result for ${id}`);
}

describe('web host (browser mode)', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let stub: StubAuthServer;
  let host: WebHost;
  let dataDir: string;
  const log = recordingLogger();

  beforeAll(async () => {
    dir = await tempDir();
    stub = await startStubAuthServer();
    const rendererDir = join(dir.path, 'renderer');
    await mkdir(join(rendererDir, 'assets'), { recursive: true });
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>Muster test</title><script type="module" src="/assets/app.js"></script>');
    await writeFile(join(rendererDir, 'assets', 'app.js'), 'export {}');
    dataDir = join(dir.path, 'data');
    host = await startWebHost({ port: 0, rendererDir, dataDir, keyFile: join(dir.path, 'keys', 'web-host.key'), serverUrl: stub.url, appVersion: '9.9.9', log });
  });
  afterAll(async () => {
    await host?.close();
    await stub?.close();
    await dir?.cleanup();
  });

  it('listens on 127.0.0.1 with the port it reports', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}`);
    expect(host.port).toBeGreaterThan(0);
  });

  it('serves index.html with the CSP and security headers', async () => {
    const res = await fetch(`${host.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('Muster test');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self' 'wasm-unsafe-eval';");
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port} ${stub.url} ${stub.url.replace('http:', 'ws:')}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('permissions-policy')).toContain('camera=(self)');
  });

  it('serves assets, falls back to index for routes, 404s missing assets', async () => {
    const js = await fetch(`${host.url}/assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await fetch(`${host.url}/chat/some-group`)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect((await fetch(`${host.url}/assets/nope.js`)).status).toBe(404);
  });

  it('refuses path traversal', async () => {
    for (const path of ['/..%2f..%2fetc/passwd', '/../../etc/passwd', '/assets/%2e%2e/%2e%2e/etc/passwd']) {
      const res = await rawGet(host.port, path, { host: `127.0.0.1:${host.port}` });
      expect([400, 403]).toContain(res.status);
      expect(res.body).not.toContain('root:');
    }
  });

  it('refuses a foreign Host header (DNS rebinding) and non-GET methods', async () => {
    expect((await rawGet(host.port, '/', { host: `evil.example:${host.port}` })).status).toBe(421);
    expect((await fetch(`${host.url}/`, { method: 'POST', body: 'x' })).status).toBe(405);
  });

  it('refuses bridge upgrades from a foreign or missing Origin', async () => {
    for (const origin of ['http://evil.example', `http://127.0.0.1:${host.port + 1}`, `https://127.0.0.1:${host.port}`, 'null', undefined]) {
      expect(await connect(host, origin)).toEqual({ refused: 403 });
    }
    expect(log.lines.some((l) => /foreign origin/.test(l.message))).toBe(true);
  });

  it('accepts the host\'s own origins', async () => {
    for (const origin of [host.url, `http://localhost:${host.port}`]) {
      const c = await opened(host, origin);
      c.ws.close();
    }
  });

  it('answers a valid invoke end to end (app:info)', async () => {
    const c = await opened(host);
    expect(await invoke(c, 1, ipcChannel('app:info'), {})).toEqual({
      ok: true,
      value: { version: '9.9.9', platform: process.platform, mode: 'browser', osLocale: expect.any(String), serverUrl: stub.url },
    });
    c.ws.close();
  });

  it('signs in against the server, stores the session encrypted in the data dir, and broadcasts sign-out', async () => {
    const a = await opened(host);
    const b = await opened(host, `http://localhost:${host.port}`);
    const signedIn = (await invoke(a, 1, ipcChannel('auth:signIn'), DEMO)) as { ok: boolean; value: { profile: { member: { account: string } } } };
    expect(signedIn.ok).toBe(true);
    expect(signedIn.value.profile.member.account).toBe('zhangwei');
    expect(await readdir(dataDir)).toEqual(['session.bin']);
    // Another tab sees the same session without the network.
    stub.calls.length = 0;
    expect(await invoke(b, 1, ipcChannel('auth:current'), {})).toMatchObject({ ok: true, value: { profile: { member: { account: 'zhangwei' } } } });
    expect(stub.calls).toEqual([]);

    expect(await invoke(a, 2, ipcChannel('auth:signOut'), {})).toEqual({ ok: true, value: {} });
    expect(await readdir(dataDir)).toEqual([]);
    for (let i = 0; i < 100 && !b.frames.some((f) => f.type === 'event'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(b.frames.filter((f) => f.type === 'event')).toEqual([{ type: 'event', channel: ipcChannel('auth:sessionEnded'), payload: { reason: 'signed_out' } }]);
    a.ws.close();
    b.ws.close();
  });

  it("one member per host: A (zhangwei) is told 'replaced' when B signs in as lina, and A's next token is lina's", async () => {
    const a = await opened(host);
    const b = await opened(host);
    const asZhang = (await invoke(a, 1, ipcChannel('auth:signIn'), DEMO)) as { ok: true; value: { persisted: boolean; token: { memberId: string }; profile: { member: { id: string } } } };
    expect(asZhang).toMatchObject({ ok: true, value: { persisted: true } });
    expect(asZhang.value.token.memberId).toBe(asZhang.value.profile.member.id);
    // zhangwei again (another tab): the same member, nobody is replaced.
    await invoke(b, 1, ipcChannel('auth:signIn'), DEMO);
    const asLina = (await invoke(b, 2, ipcChannel('auth:signIn'), DEMO_LINA)) as { ok: true; value: { token: { memberId: string }; profile: { member: { id: string; account: string } } } };
    expect(asLina.value.profile.member.account).toBe('lina');
    for (let i = 0; i < 100 && !a.frames.some((f) => f.type === 'event'); i++) await new Promise((r) => setTimeout(r, 10));
    const replaced = { type: 'event', channel: ipcChannel('auth:sessionEnded'), payload: { reason: 'replaced' } };
    expect(a.frames.filter((f) => f.type === 'event')).toEqual([replaced]);
    expect(b.frames.filter((f) => f.type === 'event')).toEqual([replaced]); // B ignores it: it is signing in
    const token = (await invoke(a, 2, ipcChannel('auth:accessToken'), {})) as { ok: true; value: { memberId: string } };
    expect(token.value.memberId).toBe(asLina.value.profile.member.id);
    expect(token.value.memberId).not.toBe(asZhang.value.profile.member.id);
    expect(await invoke(b, 3, ipcChannel('auth:signOut'), {})).toEqual({ ok: true, value: {} });
    a.ws.close();
    b.ws.close();
  });

  it('answers bad args and unknown calls with bad_request and keeps the socket open', async () => {
    const c = await opened(host);
    expect(await invoke(c, 7, ipcChannel('auth:signIn'), { org: 1 })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await invoke(c, 8, 'muster:fs:readFile', {})).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(await invoke(c, 9, ipcChannel('shell:openExternal'), { url: 'https://example.com' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    c.ws.close();
  });

  it.each([
    ['not JSON', 'hello', 1008],
    ['not an invoke frame', JSON.stringify({ type: 'result', id: 1, result: {} }), 1008],
    ['a negative id', JSON.stringify({ type: 'invoke', id: -1, channel: 'muster:app:info', args: {} }), 1008],
    ['binary', Buffer.from([1, 2, 3]), 1003],
  ])('closes the socket on a frame that is %s', async (_what, data, code) => {
    const c = await opened(host);
    c.ws.send(data);
    expect((await c.closed).code).toBe(code);
  });

  it('closes the socket on an oversized frame', async () => {
    const c = await opened(host);
    c.ws.send(JSON.stringify({ type: 'invoke', id: 1, channel: 'muster:app:info', args: { pad: 'x'.repeat(LOCAL_BRIDGE_MAX_FRAME_BYTES) } }));
    expect((await c.closed).code).toBe(1009);
  });

  it('answers 426 to a plain GET of the bridge path and 404 to upgrades elsewhere', async () => {
    expect((await fetch(`${host.url}${LOCAL_BRIDGE_PATH}`)).status).toBe(426);
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/other`, { origin: host.url });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(404);
  });
});

describe('web host configuration', () => {
  it('refuses a key file inside the data directory', async () => {
    const dir = await tempDir();
    try {
      await expect(
        startWebHost({ port: 0, rendererDir: dir.path, dataDir: join(dir.path, 'data'), keyFile: join(dir.path, 'data', 'k.key'), serverUrl: 'http://127.0.0.1:7800', log: recordingLogger() }),
      ).rejects.toThrow(/inside the data directory/);
    } finally {
      await dir.cleanup();
    }
  });

  it('reports an occupied port clearly and leaves nothing running', async () => {
    const dir = await tempDir();
    const squatter = createServer();
    await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
    const { port } = squatter.address() as AddressInfo;
    // Every interval the failed start sets must be cleared again (the heartbeat would keep running).
    const started = new Set<unknown>();
    const setSpy = vi.spyOn(globalThis, 'setInterval');
    const clearSpy = vi.spyOn(globalThis, 'clearInterval');
    try {
      await expect(
        startWebHost({ port, rendererDir: dir.path, dataDir: join(dir.path, 'data'), keyFile: join(dir.path, 'k.key'), serverUrl: 'http://127.0.0.1:7800', log: recordingLogger() }),
      ).rejects.toThrow(new RegExp(`port ${port} is in use — set MUSTER_WEB_PORT`));
      for (const r of setSpy.mock.results) started.add(r.value);
      for (const c of clearSpy.mock.calls) started.delete(c[0]);
      expect(started.size).toBe(0);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
      for (const timer of started) clearInterval(timer as NodeJS.Timeout);
      await new Promise<void>((r) => squatter.close(() => r()));
      await dir.cleanup();
    }
  });

  it('reads env with defaults and refuses bad values clearly', () => {
    const options = webHostOptionsFromEnv({}, '/srv/muster');
    expect(options).toMatchObject({ port: 5780, serverUrl: 'http://127.0.0.1:7800', rendererDir: '/srv/muster/out/renderer', dataDir: '/srv/muster/.muster/web-host' });
    expect(options.keyFile).toMatch(/\.config\/muster\/web-host\.key$/);
    expect(webHostOptionsFromEnv({ MUSTER_WEB_PORT: '0' }, '/x').port).toBe(0);
    expect(() => webHostOptionsFromEnv({ MUSTER_WEB_PORT: '70000' }, '/x')).toThrow(ConfigError);
    expect(() => webHostOptionsFromEnv({ MUSTER_WEB_PORT: 'abc' }, '/x')).toThrow(/MUSTER_WEB_PORT/);
    expect(() => webHostOptionsFromEnv({ MUSTER_SERVER_URL: 'ftp://x' }, '/x')).toThrow(/MUSTER_SERVER_URL/);
  });
});
