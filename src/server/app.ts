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
import { auditHandlers } from './audit';
import { systemClock, type Clock } from './clock';
import { GroupManager, GroupService, groupHandlers, groupManagementHandlers } from './groups';
import { createHttpHandler } from './http';
import { errorMeta, stderrLogger, type Logger } from './logger';
import { isLoopbackHost } from './loopback';
import { createInvitePage, InviteService, invitesHandlers } from './invites';
import { joiningHandlers } from './joining/handlers';
import { MessageService, messageHandlers } from './messages';
import { findOrgBySlug } from './org';
import { orgHandlers } from './org/handlers';
import { importHandlers } from './org/import-handlers';
import { OrgService } from './org/service';
import { attachRealtime, mergeHandlers, type SocketRateLimit } from './realtime';
import { DEMO_ORG, DEMO_PASSWORD, seedDemo } from './seed';
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
  signInThrottle?: { maxFailures: number; maxFailuresPerAddress?: number; windowSeconds: number };
  /** Per-socket request budget (token bucket). Defaults to the shared limits. */
  socketRateLimit?: SocketRateLimit;
  /** How often stale refresh tokens and sign-in failures are deleted. Default: hourly. */
  purgeIntervalMs?: number;
  /** The browser app's address (`npm run web`): the public invite page offers "Open in the browser app". */
  webAppUrl?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  db: Db;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 7800;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PURGE_INTERVAL_MS = 60 * 60 * 1000;

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
    if (!isLoopbackHost(host) && (await findOrgBySlug(db, DEMO_ORG.slug))) {
      logger.warn(
        `WARNING: the demo organization "${DEMO_ORG.slug}" exists and this server listens on ${host}, beyond this machine. ` +
          `Every demo account's password is published ("${DEMO_PASSWORD}"): anyone who can reach the server can sign in. ` +
          'For real use start with MUSTER_SEED_DEMO=0 on a database without the demo organization.',
        { host, demoOrg: DEMO_ORG.slug },
      );
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
        maxFailuresPerAddress: opts.signInThrottle?.maxFailuresPerAddress ?? DEFAULT_AUTH_SETTINGS.maxFailuresPerAddress,
        windowSeconds: opts.signInThrottle?.windowSeconds ?? DEFAULT_AUTH_SETTINGS.windowSeconds,
      },
      clock,
      logger,
    );
    const invitePage = createInvitePage({ db, clock, logger, webAppUrl: opts.webAppUrl ?? null });
    const handler = createHttpHandler({ auth, logger, version: readVersion(), trustProxy: opts.trustProxy ?? false, invitePage });
    const server: HttpServer = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, handler) : createHttpServer(handler);
    httpServer = server;
    // Slow-loris guards; auth requests are small and quick.
    server.requestTimeout = 30_000;
    server.headersTimeout = 20_000;
    const realtime = attachRealtime(server, {
      auth,
      groupIdsOf: (memberId) => groups.groupIdsOf(memberId),
      logger,
      clock,
      ...(opts.socketRateLimit ? { rateLimit: opts.socketRateLimit } : {}),
    });
    const { io, pushes } = realtime;
    const groups = new GroupService(db);
    const messages = new MessageService(db);
    const groupManager = new GroupManager(db, pushes, logger);
    realtime.serve(
      mergeHandlers([
        groupHandlers(groups, pushes),
        groupManagementHandlers(groupManager),
        messageHandlers(messages, pushes),
        orgHandlers(new OrgService({ db, pushes, logger, kdf, sessions: auth })),
        importHandlers({ db, pushes, logger, kdf }),
        auditHandlers({ db }),
        invitesHandlers(new InviteService({ db, pushes, logger, clock })),
        joiningHandlers({ db, pushes, logger }),
      ]),
    );

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

    // Housekeeping: once now, then periodically. Never two at once; close() waits for a running one.
    let purging: Promise<void> | undefined;
    const purge = (): void => {
      purging ??= auth
        .purgeStale()
        .then(
          (r) => {
            if (r.refreshTokens > 0 || r.signInFailures > 0) logger.info('purged stale auth records', { ...r });
          },
          (e: unknown) => logger.error('purging stale auth records failed', errorMeta(e)),
        )
        .finally(() => {
          purging = undefined;
        });
    };
    const purgeTimer = setInterval(purge, opts.purgeIntervalMs ?? DEFAULT_PURGE_INTERVAL_MS);
    purgeTimer.unref(); // housekeeping never keeps the process alive
    purge();

    let closing: Promise<void> | undefined;
    const close = (): Promise<void> =>
      (closing ??= (async () => {
        clearInterval(purgeTimer);
        io.disconnectSockets(true);
        // io.close() also closes the HTTP server; idle keep-alive connections must not hold it open.
        const closed = new Promise<void>((resolve) => io.close(() => resolve()));
        server.closeAllConnections();
        await closed;
        await purging;
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
