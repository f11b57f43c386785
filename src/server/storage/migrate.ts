import type { Db } from './db';
import { MIGRATIONS, type Migration } from './migrations';

/** Any constant works; it only has to be the same on every node. */
const MIGRATION_LOCK_KEY = 7_800_001;

export interface MigrationReport {
  applied: number[];
  current: number;
}

/**
 * Brings the schema up to date. Each step runs in its own transaction holding a transaction-level
 * advisory lock, so two nodes starting together apply every step exactly once (the second waits,
 * then sees the step recorded). Re-running is a no-op. A database written by a newer server is
 * refused rather than silently used.
 */
export const migrate = async (db: Db, migrations: readonly Migration[] = MIGRATIONS): Promise<MigrationReport> => {
  assertOrdered(migrations);
  const known = new Set(migrations.map((m) => m.version));
  const applied: number[] = [];

  for (const m of migrations) {
    const didApply = await db.transaction(async (tx) => {
      await tx.query('select pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      await tx.exec(`
        create table if not exists schema_migrations (
          version int primary key,
          name text not null,
          applied_at timestamptz not null default now()
        )`);
      const rows = await tx.query<{ version: number }>('select version from schema_migrations order by version');
      const unknown = rows.map((r) => r.version).filter((v) => !known.has(v));
      if (unknown.length > 0) {
        throw new Error(
          `The database has schema versions this server does not know (${unknown.join(', ')}): it was written by a newer server.`,
        );
      }
      if (rows.some((r) => r.version === m.version)) return false;
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
      return true;
    });
    if (didApply) applied.push(m.version);
  }
  return { applied, current: migrations.at(-1)?.version ?? 0 };
};

const assertOrdered = (migrations: readonly Migration[]): void => {
  migrations.forEach((m, i) => {
    const prev = migrations[i - 1];
    if (!Number.isInteger(m.version) || m.version <= 0 || (prev && m.version <= prev.version)) {
      throw new Error(`Migrations must have strictly increasing positive versions (at ${m.version} "${m.name}")`);
    }
  });
};
