import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { err, ok, type TokenBundle } from '@shared/contract';

/**
 * A tiny real HTTP server speaking the auth routes of the wire contract, for tests of the
 * server client, the auth service and the web host. Default behaviour is a faithful little auth
 * server (rotation on refresh, revocation on sign-out); `override` replaces a route's answer.
 */
export interface StubReply {
  status: number;
  /** JSON-encoded unless `raw` is set. */
  body?: unknown;
  raw?: string;
  delayMs?: number;
  headers?: Record<string, string>;
}
type Override = (body: unknown, req: IncomingMessage) => StubReply | Promise<StubReply>;

export const DEMO = { org: 'demo', account: 'zhangwei', password: 'muster-demo' } as const;
/** A second demo member, for "someone else signs in on this desktop". */
export const DEMO_LINA = { org: 'demo', account: 'lina', password: 'muster-demo' } as const;

type Member = TokenBundle['member'];
type Org = TokenBundle['org'];

/** A member of a fresh org, or of `org` when given. */
export function makeMember(account = 'zhangwei', org?: Org): { member: Member; org: Org } {
  const orgId = org?.id ?? randomUUID();
  const names: Record<string, [string, string]> = { zhangwei: ['张伟', 'Zhang Wei'], lina: ['李娜', 'Li Na'] };
  const [name, nameEn] = names[account] ?? [account, account];
  return {
    member: { id: randomUUID(), orgId, account, name, nameEn, role: 'employee', departmentId: null, title: null },
    org: org ?? { id: orgId, slug: 'demo', name: '示例公司', nameEn: 'Demo Inc.' },
  };
}

/** A token bundle; for a new random member unless `who` says whose tokens they are. */
export function makeBundle(options: { accessTtlMs?: number; refreshTtlMs?: number; now?: number; who?: { member: Member; org: Org } } = {}): TokenBundle {
  const now = options.now ?? Date.now();
  const { member, org } = options.who ?? makeMember();
  return {
    accessToken: `at-${randomBytes(12).toString('hex')}`,
    accessTokenExpiresAt: new Date(now + (options.accessTtlMs ?? 15 * 60_000)).toISOString(),
    refreshToken: `rt-${randomBytes(16).toString('hex')}`,
    refreshTokenExpiresAt: new Date(now + (options.refreshTtlMs ?? 30 * 24 * 3600_000)).toISOString(),
    member,
    org,
  };
}

export interface StubAuthServer {
  url: string;
  /** Every request received, in order. */
  calls: { method: string; path: string; body: unknown }[];
  /** Refresh tokens currently valid on the "server". */
  liveRefreshTokens: Set<string>;
  override(path: string, handler: Override | null): void;
  close(): Promise<void>;
}

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

export async function startStubAuthServer(): Promise<StubAuthServer> {
  const calls: StubAuthServer['calls'] = [];
  const live = new Set<string>();
  const overrides = new Map<string, Override>();
  // Stable identities, like a real server: the same account is the same member every time.
  const zhangwei = makeMember('zhangwei');
  const members = new Map([
    ['zhangwei', zhangwei],
    ['lina', makeMember('lina', zhangwei.org)],
  ]);
  /** refresh token -> whose it is, so a refresh keeps the member. */
  const owners = new Map<string, { member: Member; org: Org }>();
  const issue = (who: { member: Member; org: Org }): StubReply => {
    const bundle = makeBundle({ who });
    live.add(bundle.refreshToken);
    owners.set(bundle.refreshToken, who);
    return { status: 200, body: ok(bundle) };
  };

  const defaults: Record<string, Override> = {
    '/api/health': () => ({ status: 200, body: ok({ version: 'stub' }) }),
    '/api/auth/sign-in': (body) => {
      const b = body as Record<string, unknown>;
      const who = typeof b.account === 'string' ? members.get(b.account) : undefined;
      if (who && b.org === DEMO.org && b.password === DEMO.password) return issue(who);
      return { status: 401, body: err('invalid_credentials', 'Wrong organization, account or password') };
    },
    '/api/auth/refresh': (body) => {
      const token = (body as { refreshToken?: string }).refreshToken ?? '';
      const who = owners.get(token);
      if (!live.delete(token) || !who) return { status: 401, body: err('session_ended', 'Refresh token revoked') };
      return issue(who);
    },
    '/api/auth/sign-out': (body) => {
      live.delete((body as { refreshToken?: string }).refreshToken ?? '');
      return { status: 200, body: ok({}) };
    },
  };

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const text = await readBody(req);
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        body = text;
      }
      const path = (req.url ?? '').split('?')[0] ?? '';
      calls.push({ method: req.method ?? '', path, body });
      const handler = overrides.get(path) ?? defaults[path];
      const reply: StubReply = handler ? await handler(body, req) : { status: 404, body: err('not_found', 'No such route') };
      if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
      if (res.destroyed) return;
      res.writeHead(reply.status, { 'content-type': reply.raw === undefined ? 'application/json' : 'text/html', ...reply.headers });
      res.end(reply.raw ?? JSON.stringify(reply.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    liveRefreshTokens: live,
    override: (path, handler) => (handler ? overrides.set(path, handler) : overrides.delete(path)),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
