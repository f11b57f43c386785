export { type Db, isUniqueViolation, toInt, toIso } from './db';
export { migrate, type MigrationReport } from './migrate';
export { MIGRATIONS, type Migration } from './migrations';
export { openDatabase, describeStorage, DEFAULT_DATA_DIR, type StorageOptions } from './open';
export { openPglite } from './pglite';
export { openPostgres } from './postgres';
