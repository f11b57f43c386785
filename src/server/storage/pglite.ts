import { mkdir } from 'node:fs/promises';
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { joinedTransaction, type Db } from './db';
import { lockDirectory } from './dir-lock';

/**
 * Embedded PostgreSQL (WASM). `dataDir` is a directory on disk, or `memory://` for tests.
 * PGlite has a single connection: its own mutex serialises queries and transactions, which is
 * exactly the isolation a single node needs. One data dir is opened by one process only (a lock
 * file `<dataDir>.lock` enforces it) — for several nodes use PostgreSQL.
 */
export const openPglite = async (dataDir: string): Promise<Db> => {
  const inMemory = dataDir.startsWith('memory://');
  let unlock = async (): Promise<void> => {};
  if (!inMemory) {
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDirectory(dataDir);
  }
  let pg: PGlite;
  try {
    pg = await PGlite.create(dataDir);
  } catch (e) {
    await unlock();
    throw e;
  }

  const wrapTx = (tx: Transaction): Db =>
    joinedTransaction(
      'pglite',
      async <T extends object>(sql: string, params?: readonly unknown[]) =>
        (await tx.query<T>(sql, params ? [...params] : undefined)).rows,
      async (sql) => {
        await tx.exec(sql);
      },
    );

  let closed = false;
  return {
    kind: 'pglite',
    query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
      (await pg.query<T>(sql, params ? [...params] : undefined)).rows,
    exec: async (sql) => {
      await pg.exec(sql);
    },
    transaction: (fn) => pg.transaction((tx) => fn(wrapTx(tx))),
    close: async () => {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        await unlock();
      }
    },
  };
};
