import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes, TokenBundle, type Result } from '@shared/contract';
import { SIGN_IN_WINDOW_SECONDS } from '@shared/rules/limits';
import { startServer } from '../../src/server/app';
import { TEST_ONLY_WEAK_KDF } from '../../src/server/auth';
import { backends } from './support/databases';
import { memoryLogger, request, startTestServer, type ClientSocket } from './support/server';

const pglite = backends.find((b) => b.name === 'pglite')!;

describe('HTTPS and WSS', () => {
  let dir: string;
  let cert: string;
  let key: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'muster-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-days', '1',
        '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      { stdio: 'ignore' },
    );
    [cert, key] = await Promise.all([readFile(join(dir, 'cert.pem'), 'utf8'), readFile(join(dir, 'key.pem'), 'utf8')]);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the auth routes over HTTPS and socket.io over WSS with the given certificate', async () => {
    const t = await startTestServer(pglite, { tls: { cert, key } });
    try {
      expect(t.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      // The test trusts exactly this self-signed certificate (as its own CA), nothing else.
      const signedIn = await new Promise<Result<unknown>>((resolve, reject) => {
        const req = httpsRequest(
          t.server.url + httpRoutes.signIn.path,
          { method: 'POST', ca: cert, headers: { 'content-type': 'application/json' } },
          (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => (body += c));
            res.on('end', () => resolve(JSON.parse(body) as Result<unknown>));
          },
        );
        req.on('error', reject);
        req.end(JSON.stringify({ org: 'demo', account: 'zhangwei', password: 'muster-demo' }));
      });
      if (!signedIn.ok) throw new Error(signedIn.error.message);
      const bundle = TokenBundle.parse(signedIn.value);

      const socket: ClientSocket = connectSocket(t.server.url, {
        auth: { token: bundle.accessToken },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
        ca: cert,
      });
      try {
        await new Promise<void>((resolve, reject) => {
          socket.once('connect', () => resolve());
          socket.once('connect_error', reject);
        });
        const list = await request(socket, 'groups:list', {});
        expect(list.ok && list.value.groups.length).toBeGreaterThan(0);
      } finally {
        socket.disconnect();
      }

      // Plain HTTP on the same port gets nothing.
      await expect(
        new Promise((resolve, reject) => {
          const req = httpRequest(t.server.url.replace('https:', 'http:') + httpRoutes.health.path, (res) => resolve(res.statusCode));
          req.on('error', reject);
          req.end();
        }),
      ).rejects.toThrow();
    } finally {
      await t.stop();
    }
  });
});

describe('demo accounts on a reachable server', () => {
  it('warns at start when the demo organization exists and the server listens beyond loopback', async () => {
    const logger = memoryLogger();
    const server = await startServer({ port: 0, host: '0.0.0.0', dataDir: 'memory://', seedDemo: true, kdf: TEST_ONLY_WEAK_KDF, logger });
    await server.close();
    const warning = logger.entries.find((e) => e.level === 'warn' && /demo organization/.test(e.message));
    expect(warning?.message).toMatch(/muster-demo/);
    expect(warning?.message).toMatch(/MUSTER_SEED_DEMO=0/);
  });

  it('does not warn on loopback, nor when there is no demo organization', async () => {
    for (const opts of [{ host: '127.0.0.1', seedDemo: true }, { host: '0.0.0.0', seedDemo: false }]) {
      const logger = memoryLogger();
      const server = await startServer({ port: 0, dataDir: 'memory://', kdf: TEST_ONLY_WEAK_KDF, logger, ...opts });
      await server.close();
      expect(logger.entries.filter((e) => e.level === 'warn'), JSON.stringify(opts)).toEqual([]);
    }
  });
});

describe('periodic purge', () => {
  it('runs on its timer while the server is up and stops with it', async () => {
    const t = await startTestServer(pglite, { purgeIntervalMs: 50 });
    try {
      const stale = new Date(Date.now() - SIGN_IN_WINDOW_SECONDS * 1000 - 60_000).toISOString();
      await t.server.db.query(`insert into sign_in_failures (key, failed_at) values ('ip:stale', $1::timestamptz)`, [stale]);
      const deadline = Date.now() + 5_000;
      while ((await t.server.db.query(`select 1 from sign_in_failures where key = 'ip:stale'`)).length > 0) {
        if (Date.now() > deadline) throw new Error('the stale row was never purged');
        await new Promise((r) => setTimeout(r, 25));
      }
    } finally {
      await t.stop();
    }
    // Closed means stopped: no purge runs against the closed database afterwards.
    await new Promise((r) => setTimeout(r, 200));
    expect(t.logger.entries.filter((e) => e.level === 'error')).toEqual([]);
  });
});
