/**
 * The one storage seam: every repository talks to this interface, never to a driver. The same SQL
 * (PostgreSQL dialect, `$1` parameters) runs on PGlite (embedded, default) and on PostgreSQL.
 */
export interface Db {
  /** One statement with `$n` parameters; rows come back as plain objects. */
  query<T extends object = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** A script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `fn` in one transaction: committed when it resolves, rolled back when it throws.
   * Inside `fn` use only `tx` — on PGlite the root handle waits for the transaction to finish,
   * so touching it from inside would deadlock. Calling `tx.transaction` joins the outer one.
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
  /** 'pglite' or 'postgres' — for logs and tests, never for branching SQL. */
  readonly kind: 'pglite' | 'postgres';
}

/** A flattened transaction handle: nested `transaction()` calls run inside the outer transaction. */
export const joinedTransaction = (
  kind: Db['kind'],
  query: Db['query'],
  exec: Db['exec'],
): Db => {
  const tx: Db = {
    kind,
    query,
    exec,
    transaction: (fn) => fn(tx),
    close: () => Promise.reject(new Error('close() called on a transaction handle')),
  };
  return tx;
};

/** PostgreSQL SQLSTATE of an error from either driver (both expose `code`). */
const sqlState = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e && typeof (e as { code: unknown }).code === 'string'
    ? (e as { code: string }).code
    : undefined;

export const isUniqueViolation = (e: unknown, constraint?: string): boolean => {
  if (sqlState(e) !== '23505') return false;
  if (!constraint) return true;
  const c = (e as { constraint?: unknown }).constraint;
  // PGlite and pg both report the constraint name; fall back to the message if one does not.
  return c === constraint || (e instanceof Error && e.message.includes(`"${constraint}"`));
};

/** timestamptz arrives as a Date from both drivers (or a string if a type parser is changed). */
export const toIso = (v: unknown): string => {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return new Date(v).toISOString();
  throw new TypeError(`expected a timestamp, got ${typeof v}`);
};

/** Integers: counts are cast `::int` in SQL, but be defensive about int8 strings / bigint. */
export const toInt = (v: unknown): number => {
  const n = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : typeof v === 'string' ? Number(v) : NaN;
  if (!Number.isSafeInteger(n)) throw new TypeError(`expected an integer, got ${String(v)}`);
  return n;
};
