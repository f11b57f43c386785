import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes, TokenBundle } from '@shared/contract';
import { SIGN_IN_MAX_FAILURES_PER_ADDRESS } from '@shared/rules/limits';
import { HTTP_BODY_LIMIT_BYTES } from '../../../src/server/http';
import { backends } from '../support/databases';
import { startTestServer, type TestServer } from '../support/server';

const { signIn, refresh, signOut, health } = httpRoutes;

/** Raw HTTP for what fetch will not send (chunked bodies without a length, odd methods). */
const raw = (
  url: string,
  opts: { method: string; path: string; headers?: Record<string, string | string[]>; chunks?: Buffer[] },
): Promise<{ status: number; body: string }> =>
  new Promise((resolve, reject) => {
    const req = httpRequest(url + opts.path, { method: opts.method, headers: opts.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const c of opts.chunks ?? []) req.write(c);
    req.end();
  });

describe.each(backends)('HTTP routes on $name', (backend) => {
  let t: TestServer;

  beforeAll(async () => {
    // trustProxy lets the throttling tests pose as different addresses via X-Forwarded-For.
    t = await startTestServer(backend, { trustProxy: true });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('serves health with the version', async () => {
    const res = await fetch(t.server.url + health.path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ ok: true, value: { version: expect.stringMatching(/^\d+\.\d+\.\d+/) } });
  });

  it('signs in, refreshes and signs out with contract-shaped answers', async () => {
    const a = await t.post(signIn.path, { org: 'demo', account: 'zhangwei', password: 'muster-demo', device: { name: 'Test PC', platform: 'linux' } });
    expect(a.status).toBe(200);
    const bundle = TokenBundle.parse((a.body as { value: unknown }).value);
    const b = await t.post(refresh.path, { refreshToken: bundle.refreshToken });
    expect(b.status).toBe(200);
    const rotated = TokenBundle.parse((b.body as { value: unknown }).value);
    expect(rotated.refreshToken).not.toBe(bundle.refreshToken);

    const out = await t.post(signOut.path, { refreshToken: rotated.refreshToken });
    expect(out).toMatchObject({ status: 200, body: { ok: true, value: {} } });
    const again = await t.post(refresh.path, { refreshToken: rotated.refreshToken });
    expect(again).toMatchObject({ status: 401, body: { ok: false, error: { code: 'session_ended', details: { reason: 'signed_out' } } } });
    // The device travels with the session.
    const rows = await t.server.db.query<{ device_name: string }>('select distinct device_name from refresh_tokens where device_name is not null');
    expect(rows.map((r) => r.device_name)).toContain('Test PC');
  });

  it('401 invalid_credentials for a wrong password', async () => {
    const r = await t.post(signIn.path, { org: 'demo', account: 'lina', password: 'not-it' }, { 'x-forwarded-for': '203.0.113.1' });
    expect(r).toMatchObject({ status: 401, body: { ok: false, error: { code: 'invalid_credentials' } } });
  });

  it('429 rate_limited with Retry-After once an address has failed too often', async () => {
    const ip = { 'x-forwarded-for': '203.0.113.50' };
    for (let i = 0; i < SIGN_IN_MAX_FAILURES_PER_ADDRESS; i++) {
      expect((await t.post(signIn.path, { org: 'demo', account: `nobody${i}`, password: 'x' }, ip)).status).toBe(401);
    }
    const r = await t.post(signIn.path, { org: 'demo', account: 'emily.carter', password: 'muster-demo' }, ip);
    expect(r.status).toBe(429);
    expect(r.body).toMatchObject({ ok: false, error: { code: 'rate_limited', details: { retryAfterSeconds: expect.any(Number) } } });
    const retry = Number(r.headers.get('retry-after'));
    expect(retry).toBe(!r.body.ok && r.body.error.details?.['retryAfterSeconds']);
    // Another client address still signs in.
    expect((await t.post(signIn.path, { org: 'demo', account: 'emily.carter', password: 'muster-demo' }, { 'x-forwarded-for': '203.0.113.51' })).status).toBe(200);
  });

  it('behind the proxy, the client address is the right-most X-Forwarded-For entry; client-written ones are ignored', async () => {
    // One client rotating made-up entries on the left stays one address: the one our proxy appended.
    for (let i = 0; i < SIGN_IN_MAX_FAILURES_PER_ADDRESS; i++) {
      const r = await t.post(signIn.path, { org: 'demo', account: `spoofer${i}`, password: 'x' }, { 'x-forwarded-for': `10.66.${i}.1, 203.0.113.60` });
      expect(r.status).toBe(401);
    }
    const locked = await t.post(signIn.path, { org: 'demo', account: 'lina', password: 'muster-demo' }, { 'x-forwarded-for': '10.77.0.1, 203.0.113.60' });
    expect(locked.status).toBe(429);
    const keys = await t.server.db.query<{ key: string }>(`select distinct key from sign_in_failures where key like 'ip:%' order by key`);
    expect(keys.map((k) => k.key)).toContain('ip:203.0.113.60');
    expect(keys.filter((k) => k.key.startsWith('ip:10.66.'))).toEqual([]);
    // Repeated headers are joined by Node: the last entry of the last header still decides.
    const repeated = await raw(t.server.url, {
      method: 'POST',
      path: signIn.path,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ['203.0.113.60', '198.51.100.61'] },
      chunks: [Buffer.from(JSON.stringify({ org: 'demo', account: 'lina', password: 'muster-demo' }))],
    });
    expect(repeated.status).toBe(200);
  });

  it('400 bad_request for malformed JSON, wrong content type, wrong types, missing and extra fields', async () => {
    const cases: [body: unknown, headers?: Record<string, string>][] = [
      ['{"org": "demo", "account": '],
      ['not json at all'],
      [''],
      [{ org: 'demo', account: 'zhangwei', password: 'muster-demo' }, { 'content-type': 'text/plain' }],
      [{ org: 'demo', account: 'zhangwei', password: 'muster-demo' }, { 'content-type': 'application/x-www-form-urlencoded' }],
      [{ org: 42, account: 'zhangwei', password: 'muster-demo' }],
      [{ org: 'demo', account: ['zhangwei'], password: 'muster-demo' }],
      [{ org: 'demo', account: 'zhangwei' }],
      [{ org: 'Not A Slug!', account: 'zhangwei', password: 'muster-demo' }],
      [{ org: 'demo', account: 'zhangwei', password: 'muster-demo', isAdmin: true }],
      ['{"org":"demo","account":"zhangwei","password":"muster-demo","__proto__":{"role":"super_admin"}}'],
      [[1, 2, 3]],
      ['null'],
      [{ org: 'demo', account: 'zhangwei', password: 'x'.repeat(300) }],
      [{ org: 'demo', account: 'zhang\u0000wei', password: 'muster-demo' }], // would fail in PostgreSQL, not as bad input
    ];
    for (const [body, headers] of cases) {
      const r = await t.post(signIn.path, body, { 'x-forwarded-for': '198.51.100.9', ...headers });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.any(String) } });
    }
    const short = await t.post(refresh.path, { refreshToken: 'short' });
    expect(short).toMatchObject({ status: 400, body: { error: { code: 'bad_request', details: { issues: [{ path: ['refreshToken'] }] } } } });
  });

  it('413 for a body over the limit, declared or streamed without a length', async () => {
    const big = JSON.stringify({ org: 'demo', account: 'zhangwei', password: 'p', pad: 'x'.repeat(HTTP_BODY_LIMIT_BYTES) });
    const declared = await t.post(signIn.path, big);
    expect(declared).toMatchObject({ status: 413, body: { ok: false, error: { code: 'bad_request', details: { limitBytes: HTTP_BODY_LIMIT_BYTES } } } });

    const chunk = Buffer.alloc(4096, 'x');
    const streamed = await raw(t.server.url, {
      method: 'POST',
      path: signIn.path,
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      chunks: Array.from({ length: 8 }, () => chunk),
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });

  it('404 not_found for unknown routes and methods', async () => {
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/api/auth/sign-in'],
      ['DELETE', '/api/health'],
      ['POST', '/api/health'],
      ['POST', '/api/auth/sign-in/extra'],
      ['GET', '/api/../etc/passwd'],
    ] as const) {
      const r = await raw(t.server.url, { method, path, headers: { 'content-type': 'application/json' } });
      expect(r.status, `${method} ${path}`).toBe(404);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
  });

  it('still serves after all of that', async () => {
    expect((await fetch(t.server.url + health.path)).status).toBe(200);
    await expect(t.signIn('lina')).resolves.toMatchObject({ member: { account: 'lina' } });
  });

  // Last: it breaks the server's storage on purpose.
  it('500 internal without leaking internals when storage fails; the error is logged', async () => {
    await t.server.db.close();
    const r = await t.post(signIn.path, { org: 'demo', account: 'zhangwei', password: 'muster-demo' }, { 'x-forwarded-for': '198.51.100.200' });
    expect(r.status).toBe(500);
    expect(r.body).toEqual({ ok: false, error: { code: 'internal', message: 'Internal server error' } });
    expect(t.logger.entries.some((e) => e.level === 'error' && typeof e.meta?.['stack'] === 'string')).toBe(true);
  });
});
