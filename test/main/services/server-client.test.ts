import { createServer } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { err, ok } from '@shared/contract';
import { createServerClient } from '../../../src/main/services/server-client';
import { DEMO, makeBundle, startStubAuthServer, type StubAuthServer } from '../helpers/stub-auth-server';
import { recordingLogger } from '../helpers/temp';

/** A port with nothing listening on it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('server client', () => {
  let stub: StubAuthServer;
  const log = recordingLogger();
  beforeAll(async () => {
    stub = await startStubAuthServer();
  });
  afterAll(() => stub.close());
  beforeEach(() => {
    stub.calls.length = 0;
    for (const path of ['/api/auth/sign-in', '/api/auth/refresh', '/api/health']) stub.override(path, null);
  });
  const client = (timeoutMs?: number) => createServerClient({ baseUrl: `${stub.url}/`, log, timeoutMs });

  it('posts the validated JSON body and returns the parsed value', async () => {
    const result = await client().request('signIn', { org: '  DEMO ', account: DEMO.account, password: DEMO.password });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.member.account).toBe('zhangwei');
    expect(stub.liveRefreshTokens.has(result.value.refreshToken)).toBe(true);
    // The org code was normalized by the contract schema before it left the process.
    expect(stub.calls).toEqual([{ method: 'POST', path: '/api/auth/sign-in', body: { org: 'demo', account: 'zhangwei', password: 'muster-demo' } }]);
  });

  it('uses GET without a body for health', async () => {
    expect(await client().request('health', {})).toEqual(ok({ version: 'stub' }));
    expect(stub.calls[0]).toMatchObject({ method: 'GET', path: '/api/health', body: null });
  });

  it("passes the server's typed error through", async () => {
    const result = await client().request('signIn', { org: 'demo', account: 'zhangwei', password: 'wrong' });
    expect(result).toEqual(err('invalid_credentials', 'Wrong organization, account or password'));
  });

  it('refuses an invalid request locally, without a round trip', async () => {
    const result = await client().request('refresh', { refreshToken: 'too-short' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('bad_request');
    expect(stub.calls).toEqual([]);
  });

  it('reports a body that is not JSON as internal', async () => {
    stub.override('/api/auth/sign-in', () => ({ status: 200, raw: '<html>hello</html>' }));
    const result = await client().request('signIn', DEMO);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/Malformed response.*not JSON/) } });
  });

  it('reports a Result of the wrong shape as internal, naming the problem', async () => {
    const bundle = makeBundle();
    stub.override('/api/auth/refresh', () => ({ status: 200, body: ok({ ...bundle, accessTokenExpiresAt: 'tomorrow' }) }));
    const result = await client().request('refresh', { refreshToken: bundle.refreshToken });
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/Malformed response.*accessTokenExpiresAt/) } });
    stub.override('/api/auth/refresh', () => ({ status: 400, body: { ok: false, error: { code: 'teapot', message: 'x' } } }));
    const unknownCode = await client().request('refresh', { refreshToken: bundle.refreshToken });
    expect(unknownCode).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('maps a gateway error page to unavailable', async () => {
    stub.override('/api/health', () => ({ status: 502, raw: '<html>Bad Gateway</html>' }));
    const result = await client().request('health', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });

  it('gives up on a slow server with unavailable', async () => {
    stub.override('/api/health', () => ({ status: 200, body: ok({ version: 'late' }), delayMs: 1_000 }));
    const started = Date.now();
    const result = await client(150).request('health', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/did not answer/) } });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it('maps a refused connection to unavailable', async () => {
    const port = await closedPort();
    const result = await createServerClient({ baseUrl: `http://127.0.0.1:${port}`, log }).request('health', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/Could not reach/) } });
  });

  it('never follows a redirect (credentials must not be re-sent elsewhere)', async () => {
    stub.override('/api/auth/sign-in', () => ({ status: 307, raw: '', headers: { location: '/api/health' } }));
    const result = await client().request('signIn', DEMO);
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/redirect/) } });
    expect(stub.calls.map((c) => c.path)).toEqual(['/api/auth/sign-in']);
  });

  it('refuses an oversized answer', async () => {
    stub.override('/api/health', () => ({ status: 200, raw: 'x'.repeat(2 * 1024 * 1024) }));
    const result = await client().request('health', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'internal', message: expect.stringMatching(/larger than/) } });
  });
});
