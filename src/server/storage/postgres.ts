import pg from 'pg';
import { joinedTransaction, type Db } from './db';

/** PostgreSQL through a connection pool; several server nodes may share one database. */
export const openPostgres = async (connectionString: string, opts: { max?: number } = {}): Promise<Db> => {
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10 });
  // An idle client losing its connection emits 'error' on the pool; unhandled it would crash the process.
  pool.on('error', (e) => {
    process.emitWarning(`PostgreSQL idle client error: ${e.message}`);
  });
  // Fail fast on a wrong URL instead of at the first request.
  try {
    await pool.query('select 1');
  } catch (e) {
    await pool.end().catch(() => undefined);
    throw e;
  }

  let closed = false;
  return {
    kind: 'postgres',
    query: async <T extends object>(sql: string, params?: readonly unknown[]) =>
      (await pool.query(sql, params ? [...params] : undefined)).rows as T[],
    exec: async (sql) => {
      await pool.query(sql);
    },
    transaction: async (fn) => {
      const client = await pool.connect();
      let broken: unknown;
      try {
        await client.query('begin');
        const tx = joinedTransaction(
          'postgres',
          async <T extends object>(sql: string, params?: readonly unknown[]) =>
            (await client.query(sql, params ? [...params] : undefined)).rows as T[],
          async (sql) => {
            await client.query(sql);
          },
        );
        const result = await fn(tx);
        await client.query('commit');
        return result;
      } catch (e) {
        try {
          await client.query('rollback');
        } catch (rollbackError) {
          // The connection itself is unusable: do not hand it back to the pool.
          broken = rollbackError;
        }
        throw e;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
};
