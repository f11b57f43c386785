import { randomBytes } from 'node:crypto';
import pg from 'pg';
import type { StorageOptions } from '../../../src/server/storage';

/**
 * The storage backends every server test runs against (`describe.each(backends)`):
 * PGlite in memory, and a throw-away PostgreSQL database `muster_test_<random>` created on
 * postgres://$PGUSER@127.0.0.1:5432/postgres (trust auth) and dropped afterwards.
 * PostgreSQL being unreachable FAILS the tests, unless MUSTER_TEST_SKIP_POSTGRES=1.
 */
export interface TestDatabase {
  storage: StorageOptions;
  dispose(): Promise<void>;
}

export interface Backend {
  name: 'pglite' | 'postgres';
  create(): Promise<TestDatabase>;
}

const PG_USER = process.env['PGUSER'] || 'postgres';
const PG_HOST = '127.0.0.1';
const PG_PORT = 5432;
const adminUrl = `postgres://${encodeURIComponent(PG_USER)}@${PG_HOST}:${PG_PORT}/postgres`;

const pglite: Backend = {
  name: 'pglite',
  create: async () => ({ storage: { dataDir: 'memory://' }, dispose: async () => {} }),
};

const postgres: Backend = {
  name: 'postgres',
  create: async () => {
    const name = `muster_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 5000 });
    try {
      await admin.connect();
    } catch (e) {
      await admin.end().catch(() => undefined);
      throw new Error(
        `PostgreSQL is unreachable at ${adminUrl} (${e instanceof Error ? e.message : String(e)}). ` +
          'Start it (trust auth for local connections), or set MUSTER_TEST_SKIP_POSTGRES=1 to run the server tests on PGlite only.',
      );
    }
    try {
      await admin.query(`create database ${name}`);
    } finally {
      await admin.end();
    }
    return {
      storage: { databaseUrl: `postgres://${encodeURIComponent(PG_USER)}@${PG_HOST}:${PG_PORT}/${name}` },
      dispose: async () => {
        const c = new pg.Client({ connectionString: adminUrl });
        await c.connect();
        try {
          await c.query(`drop database if exists ${name} with (force)`);
        } finally {
          await c.end();
        }
      },
    };
  },
};

export const skipPostgres = process.env['MUSTER_TEST_SKIP_POSTGRES'] === '1';

export const backends: Backend[] = skipPostgres ? [pglite] : [pglite, postgres];
