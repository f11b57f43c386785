import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, openDatabase, isUniqueViolation, type Db } from '../../../src/server/storage';
import { backends, type TestDatabase } from '../support/databases';

// One database per backend for the whole file (PGlite takes seconds to boot); tests clean up after themselves.
describe.each(backends)('storage on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await backend.create();
    db = await openDatabase(database.storage);
  });
  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });

  it('applies every migration once; re-running is a no-op', async () => {
    const first = await migrate(db);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    const second = await migrate(db);
    expect(second.applied).toEqual([]);
    const rows = await db.query<{ version: number }>('select version from schema_migrations order by version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
    const tables = await db.query<{ table_name: string }>(
      `select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(['orgs', 'departments', 'members', 'groups', 'group_members', 'messages', 'refresh_tokens', 'sign_in_failures', 'server_secrets']),
    );
  });

  it('a failing migration leaves no trace (own transaction)', async () => {
    const broken = [...MIGRATIONS, { version: 999, name: 'broken', sql: 'create table half_done (id int); select * from no_such_table;' }];
    await expect(migrate(db, broken)).rejects.toThrow();
    expect(await db.query(`select 1 from information_schema.tables where table_name = 'half_done'`)).toHaveLength(0);
    expect(await db.query('select 1 from schema_migrations where version = 999')).toHaveLength(0);
  });

  it('refuses a database written by a newer server', async () => {
    await db.query(`insert into schema_migrations (version, name) values (1000, 'from the future')`);
    try {
      await expect(migrate(db)).rejects.toThrow(/newer server/);
    } finally {
      await db.query('delete from schema_migrations where version = 1000');
    }
  });

  it('rejects a badly ordered migration list', async () => {
    await expect(migrate(db, [{ version: 2, name: 'b', sql: '' }, { version: 1, name: 'a', sql: '' }])).rejects.toThrow(/increasing/);
  });

  it('rolls back a transaction that throws; reports unique violations by constraint', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.query(`insert into orgs (slug, name) values ('rollback-me', 'x')`);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await db.query(`select 1 from orgs where slug = 'rollback-me'`)).toHaveLength(0);

    await db.query(`insert into orgs (slug, name) values ('twice', 'x')`);
    const e = await db.query(`insert into orgs (slug, name) values ('twice', 'x')`).catch((x: unknown) => x);
    expect(isUniqueViolation(e, 'orgs_slug_key')).toBe(true);
    expect(isUniqueViolation(e, 'some_other_key')).toBe(false);
    await db.query(`delete from orgs where slug = 'twice'`);
  });

  it('a group can only have members of its own organization, whatever writes the row', async () => {
    const one = async (sql: string, params: unknown[]) => (await db.query<{ id: string }>(`${sql} returning id`, params))[0]!.id;
    const orgA = await one(`insert into orgs (slug, name) values ('cross-a', 'A')`, []);
    const orgB = await one(`insert into orgs (slug, name) values ('cross-b', 'B')`, []);
    const member = (org: string, account: string) =>
      one(`insert into members (org_id, account, name, role, password_hash) values ($1, $2, $2, 'employee', 'x')`, [org, account]);
    const alice = await member(orgA, 'alice');
    const bob = await member(orgB, 'bob');
    const groupB = await one(`insert into groups (org_id, name, type) values ($1, 'B team', 'internal')`, [orgB]);
    const add = (memberId: string, orgId: string | null) =>
      db.query(`insert into group_members (group_id, member_id, org_id, role) values ($1, $2, $3, 'member')`, [groupB, memberId, orgId]);
    const sqlState = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    try {
      expect(await sqlState(add(alice, orgB))).toBe('23503'); // alice is not in org B
      expect(await sqlState(add(alice, orgA))).toBe('23503'); // and the group is not in org A
      expect(await sqlState(add(alice, null))).toBe('23502'); // the org cannot be left out
      expect(await sqlState(add(bob, orgB))).toBe('ok');
      // Nor can a member with memberships be moved to another organization underneath them.
      expect(await sqlState(db.query('update members set org_id = $2 where id = $1', [bob, orgA]))).toBe('23503');
      expect(await db.query('select member_id from group_members where group_id = $1', [groupB])).toEqual([{ member_id: bob }]);
    } finally {
      await db.query(`delete from orgs where slug in ('cross-a', 'cross-b')`);
    }
  });

  it('a guest can only ever be in external or training groups, whichever side changes', async () => {
    const one = async (sql: string, params: unknown[]) => (await db.query<{ id: string }>(`${sql} returning id`, params))[0]!.id;
    const org = await one(`insert into orgs (slug, name) values ('guests', 'G')`, []);
    const person = (account: string, kind: string) =>
      one(`insert into members (org_id, account, name, role, password_hash, kind) values ($1, $2, $2, 'employee', 'x', $3)`, [org, account, kind]);
    const guest = await person('guest', 'guest');
    const staff = await person('staff', 'employee');
    const group = (type: string) => one(`insert into groups (org_id, name, type, member_cap) values ($1, $2, $2, 500)`, [org, type]);
    const [internal, external, training, department] = await Promise.all(['internal', 'external', 'training', 'department'].map(group));
    const add = (groupId: string, memberId: string) =>
      db.query(`insert into group_members (group_id, member_id, org_id, role) values ($1, $2, $3, 'member')`, [groupId, memberId, org]);
    const sqlState = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    try {
      expect(await sqlState(add(internal!, guest))).toBe('23514');
      expect(await sqlState(add(department!, guest))).toBe('23514');
      expect(await sqlState(add(external!, guest))).toBe('ok');
      expect(await sqlState(add(training!, guest))).toBe('ok');
      expect(await sqlState(add(internal!, staff))).toBe('ok');
      // Turning the external group internal, or the employee into a guest, is refused too.
      expect(await sqlState(db.query(`update groups set type = 'internal' where id = $1`, [external]))).toBe('23514');
      expect(await sqlState(db.query(`update members set kind = 'guest' where id = $1`, [staff]))).toBe('23514');
      // Even a writer that lies about the copies cannot get a guest in: the trigger takes the real ones.
      const lied = await sqlState(
        db.query(
          `insert into group_members (group_id, member_id, org_id, role, member_kind, group_type) values ($1, $2, $3, 'member', 'employee', 'internal')`,
          [department, guest, org],
        ),
      );
      expect(lied).toBe('23514');
      expect(await db.query('select count(*)::int as n from group_members where member_id = $1', [guest])).toEqual([{ n: 2 }]);
    } finally {
      await db.query(`delete from orgs where slug = 'guests'`);
    }
  });

  it('upgrades a version-1 database: memberships get their group\'s organization', async () => {
    const fresh = await backend.create();
    const old = await openDatabase(fresh.storage);
    try {
      await migrate(old, MIGRATIONS.filter((m) => m.version === 1));
      const [org] = await old.query<{ id: string }>(`insert into orgs (slug, name) values ('old', 'Old') returning id`);
      const [m] = await old.query<{ id: string }>(
        `insert into members (org_id, account, name, role, password_hash) values ($1, 'carol', 'Carol', 'employee', 'x') returning id`,
        [org!.id],
      );
      const [g] = await old.query<{ id: string }>(`insert into groups (org_id, name, type) values ($1, 'Old group', 'internal') returning id`, [org!.id]);
      await old.query(`insert into group_members (group_id, member_id, role) values ($1, $2, 'owner')`, [g!.id, m!.id]);
      expect((await migrate(old)).applied).toEqual(MIGRATIONS.filter((x) => x.version > 1).map((x) => x.version));
      expect(await old.query('select org_id from group_members')).toEqual([{ org_id: org!.id }]);
    } finally {
      await old.close();
      await fresh.dispose();
    }
  });

  it.runIf(backend.name === 'postgres')('two nodes migrating a fresh database at once apply each step exactly once', async () => {
    const fresh = await backend.create();
    const [a, b] = await Promise.all([openDatabase(fresh.storage), openDatabase(fresh.storage)]);
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      expect([...ra.applied, ...rb.applied].sort((x, y) => x - y)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await a.query('select version from schema_migrations')).toHaveLength(MIGRATIONS.length);
    } finally {
      await a.close();
      await b.close();
      await fresh.dispose();
    }
  });
});

describe('PGlite on disk', () => {
  it('persists across restarts, and one data directory serves one process at a time', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const root = await mkdtemp(join(tmpdir(), 'muster-pglite-'));
    const dataDir = join(root, 'data');
    try {
      const first = await openDatabase({ dataDir });
      await migrate(first);
      await first.query(`insert into orgs (slug, name) values ('kept', 'Kept')`);
      await expect(openDatabase({ dataDir })).rejects.toThrow(/in use by process/);
      await first.close();

      // A lock left behind by a process that no longer exists is taken over.
      await writeFile(`${dataDir}.lock`, '999999999');
      const second = await openDatabase({ dataDir });
      try {
        expect((await migrate(second)).applied).toEqual([]);
        expect(await second.query(`select name from orgs where slug = 'kept'`)).toEqual([{ name: 'Kept' }]);
      } finally {
        await second.close();
      }
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
