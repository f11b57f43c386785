/**
 * `npm run seed` — creates the demo organization (org code `demo`, password `muster-demo`) in the
 * configured storage (DATABASE_URL, else PGlite in MUSTER_DATA_DIR) when it does not exist.
 * `npm run seed -- --reset` deletes the demo org with everything in it and creates it afresh.
 * Stop a running PGlite-backed server first: one PGlite data directory is one process.
 */
import { DEFAULT_KDF } from '../src/server/auth';
import { systemClock } from '../src/server/clock';
import { seedDemo } from '../src/server/seed';
import { describeStorage, migrate, openDatabase, DEFAULT_DATA_DIR, type Db } from '../src/server/storage';

const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--reset');
if (unknown.length > 0) {
  process.stderr.write(`Unknown argument(s): ${unknown.join(' ')}\nUsage: npm run seed [-- --reset]\n`);
  process.exit(2);
}
const reset = args.includes('--reset');
const storage = process.env['DATABASE_URL']
  ? { databaseUrl: process.env['DATABASE_URL'] }
  : { dataDir: process.env['MUSTER_DATA_DIR'] || DEFAULT_DATA_DIR };

let db: Db | undefined;
try {
  // Opening is inside the try too: a data directory in use, or an unreachable PostgreSQL, is a
  // message and exit code 1, not a stack trace.
  db = await openDatabase(storage);
  await migrate(db);
  const started = Date.now();
  const result = await seedDemo(db, { kdf: DEFAULT_KDF, clock: systemClock, reset });
  if (result.created) {
    process.stdout.write(
      `Demo organization "demo" ${reset ? 're-created' : 'created'} in ${describeStorage(storage)}: ` +
        `${result.members} members, ${result.departments} departments, ${result.groups} groups, ${result.messages} messages ` +
        `(${Date.now() - started} ms). Password for every account: muster-demo\n`,
    );
  } else {
    process.stdout.write(`Demo organization "demo" already exists in ${describeStorage(storage)}; use --reset to re-create it.\n`);
  }
} catch (e) {
  process.stderr.write(`Seeding failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  await db?.close().catch(() => undefined);
}
