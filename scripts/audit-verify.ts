/**
 * `npm run audit:verify` — checks every organization's audit hash chain in the storage the server
 * uses (DATABASE_URL, else PGlite in MUSTER_DATA_DIR, as `npm run server` and `npm run seed`).
 * Prints one line per organization; for a broken chain the first bad entry and why. Exit code 0
 * when every chain verifies, 1 when one does not (or the storage cannot be opened).
 * A PGlite data directory is one process: stop a PGlite-backed server first.
 */
import { existsSync } from 'node:fs';
import { verifyChain } from '../src/server/audit';
import { describeStorage, openDatabase, DEFAULT_DATA_DIR, type Db } from '../src/server/storage';

const args = process.argv.slice(2);
if (args.length > 0) {
  process.stderr.write(`Unknown argument(s): ${args.join(' ')}\nUsage: npm run audit:verify\n`);
  process.exit(2);
}
const storage = process.env['DATABASE_URL']
  ? { databaseUrl: process.env['DATABASE_URL'] }
  : { dataDir: process.env['MUSTER_DATA_DIR'] || DEFAULT_DATA_DIR };

let db: Db | undefined;
try {
  // A checker never creates or migrates anything: a missing directory or table is an error.
  if (storage.dataDir && !existsSync(storage.dataDir)) throw new Error(`no PGlite data directory at ${storage.dataDir}`);
  db = await openDatabase(storage);
  const [table] = await db.query<{ t: string | null }>(`select to_regclass('audit_log')::text as t`);
  if (!table?.t) throw new Error(`${describeStorage(storage)} has no audit log (not a Muster database, or one from before the audit log)`);
  const orgs = await db.query<{ id: string; slug: string; name: string }>('select id, slug, name from orgs order by slug');
  process.stdout.write(`Verifying the audit log in ${describeStorage(storage)}: ${orgs.length} organization(s)\n`);
  let broken = 0;
  for (const org of orgs) {
    const r = await verifyChain(db, org.id);
    if (r.firstBad === null) {
      process.stdout.write(`OK      ${org.slug} (${org.name}): ${r.entries} entries, chain intact\n`);
    } else {
      broken++;
      process.stdout.write(`BROKEN  ${org.slug} (${org.name}): first bad entry seq ${r.firstBad} — ${r.reason}\n`);
    }
  }
  if (broken > 0) {
    process.stderr.write(`${broken} organization(s) with a broken audit chain\n`);
    process.exitCode = 1;
  }
} catch (e) {
  process.stderr.write(`Audit verification failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  await db?.close().catch(() => undefined);
}
