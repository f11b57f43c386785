import type { Db } from './db';
import { openPglite } from './pglite';
import { openPostgres } from './postgres';

export interface StorageOptions {
  /** postgres://… — PostgreSQL wins when set. */
  databaseUrl?: string;
  /** PGlite data directory, or `memory://` for a throw-away database. */
  dataDir?: string;
}

export const DEFAULT_DATA_DIR = '.muster/server-data';

export const openDatabase = (opts: StorageOptions): Promise<Db> =>
  opts.databaseUrl ? openPostgres(opts.databaseUrl) : openPglite(opts.dataDir ?? DEFAULT_DATA_DIR);

/** For logs: never print a password that may sit in the connection string. */
export const describeStorage = (opts: StorageOptions): string => {
  if (!opts.databaseUrl) return `PGlite (${opts.dataDir ?? DEFAULT_DATA_DIR})`;
  try {
    const u = new URL(opts.databaseUrl);
    return `PostgreSQL (${u.hostname}:${u.port || '5432'}${u.pathname})`;
  } catch {
    return 'PostgreSQL';
  }
};
