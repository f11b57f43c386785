import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ACCESS_TOKEN_TTL_SECONDS } from '@shared/rules/limits';
import {
  ACCESS_TOKEN_KEY_SECRET,
  AuthService,
  createAccessTokens,
  DEFAULT_AUTH_SETTINGS,
  DEFAULT_KDF,
  loadOrCreateSecret,
  validateKdf,
  type KdfParams,
} from './auth';
import { systemClock, type Clock } from './clock';
import { GroupService } from './groups';
import { createHttpHandler } from './http';
import { stderrLogger, type Logger } from './logger';
import { MessageService } from './messages';
import { attachRealtime } from './realtime';
import { seedDemo } from './seed';
import { describeStorage, migrate, openDatabase, type Db } from './storage';

export interface ServerOptions {
  /** 0 picks a free port. Default 7800. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** PostgreSQL connection string; when absent, PGlite in `dataDir`. */
  databaseUrl?: string;
  /** PGlite data directory (default `.muster/server-data`), or `memory://`. */
  dataDir?: string;
  /** PEM certificate and key: serve HTTPS (and WSS). */
  tls?: { cert: string | Buffer; key: string | Buffer };
  /** Create the demo organization when it does not exist yet. */
  seedDemo?: boolean;
  /** Password hashing cost. Defaults to DEFAULT_KDF; tests pass TEST_ONLY_WEAK_KDF explicitly. */
  kdf?: KdfParams;
  logger?: Logger;
  /** Use X-Forwarded-For as the client address (sign-in throttling). Only behind your own proxy. */
  trustProxy?: boolean;
  clock?: Clock;
  accessTokenTtlSeconds?: number;
  refreshTokenTtlSeconds?: number;
  signInThrottle?: { maxFailures: number; windowSeconds: number };
}

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7800;
export const DEFAULT_HOST = '127.0.0.1';

export const startServer = async (opts: ServerOptions = {}): Promise<RunningServer> => {
  const logger = opts.logger ?? stderrLogger;
  const clock = opts.clock ?? systemClock;
  const kdf = opts.kdf ?? DEFAULT_KDF;
  validateKdf(kdf);
  const host = opts.host ?? DEFAULT_HOST;

  const db = await openDatabase({ databaseUrl: opts.databaseUrl, dataDir: opts.dataDir });
  let httpServer: HttpServer | undefined;
  try {
    const migrated = await migrate(db);
    logger.info('storage ready', { storage: describeStorage(opts), schemaVersion: migrated.current, applied: migrated.applied });
    if (opts.seedDemo) {
      const seeded = await seedDemo(db, { kdf, clock });
      if (seeded.created) logger.info('demo organization created', { ...seeded });
    }

    const key = await loadOrCreateSecret(db, ACCESS_TOKEN_KEY_SECRET);
    const accessTokens = createAccessTokens({ key, ttlSeconds: opts.accessTokenTtlSeconds ?? ACCESS_TOKEN_TTL_SECONDS, clock });
    const auth = new AuthService(
      db,
      accessTokens,
      {
        kdf,
        refreshTokenTtlSeconds: opts.refreshTokenTtlSeconds ?? DEFAULT_AUTH_SETTINGS.refreshTokenTtlSeconds,
        maxFailures: opts.signInThrottle?.maxFailures ?? DEFAULT_AUTH_SETTINGS.maxFailures,
        windowSeconds: opts.signInThrottle?.windowSeconds ?? DEFAULT_AUTH_SETTINGS.windowSeconds,
      },
      clock,
      logger,
    );
    const groups = new GroupService(db);
    const messages = new MessageService(db, groups);

    const handler = createHttpHandler({ auth, logger, version: readVersion(), trustProxy: opts.trustProxy ?? false });
    const server: HttpServer = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(handler);
    httpServer = server;
    // Slow-loris guards; auth requests are small and quick.
    server.requestTimeout = 30_000;
    server.headersTimeout = 20_000;
    const io = attachRealtime(server, { auth, groups, messages, logger, clock });

    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? DEFAULT_PORT, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (e) => logger.error('HTTP server error', { error: e.message }));
    const port = (server.address() as AddressInfo).port;
    const url = `${opts.tls ? 'https' : 'http'}://${urlHost(host)}:${port}`;

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        io.disconnectSockets(true);
        // io.close() also closes the HTTP server; idle keep-alive connections must not hold it open.
        const closed = new Promise<void>((resolve) => io.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await db.close();
      })());

    return { url, port, db, close };
  } catch (e) {
    httpServer?.close();
    await db.close().catch(() => undefined);
    throw e;
  }
};

/** A wildcard bind is reachable on loopback; IPv6 literals need brackets in a URL. */
const urlHost = (host: string): string => {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
};

const readVersion = (): string => {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const v = typeof pkg === 'object' && pkg !== null ? (pkg as { version?: unknown }).version : undefined;
    return typeof v === 'string' ? v : '0.0.0';
  } catch {
    return '0.0.0';
  }
};
