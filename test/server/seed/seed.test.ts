import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mobile } from '@shared/contract';
import { verifyChain } from '../../../src/server/audit';
import { TEST_ONLY_WEAK_KDF, verifyPassword } from '../../../src/server/auth';
import { Effects } from '../../../src/server/groups/membership';
import { syncDepartmentGroups } from '../../../src/server/org/department-sync';
import { ALL_HANDS_GROUP_NAME, DEMO_PASSWORD, buildPlan, seedDemo } from '../../../src/server/seed';
import { migrate, openDatabase, type Db } from '../../../src/server/storage';
import { backends, type TestDatabase } from '../support/databases';

describe.each(backends)('demo seed on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  const one = async <T extends object>(sql: string, params?: unknown[]): Promise<T> => (await db.query<T>(sql, params))[0]!;

  beforeAll(async () => {
    database = await backend.create();
    db = await openDatabase(database.storage);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });

  it('creates the demo organization once; a second run does nothing', async () => {
    const first = await seedDemo(db, { kdf: TEST_ONLY_WEAK_KDF, clock: Date.now });
    expect(first.created).toBe(true);
    const before = await one<{ n: number }>('select count(*)::int as n from messages');
    expect(await seedDemo(db, { kdf: TEST_ONLY_WEAK_KDF, clock: Date.now })).toEqual({ created: false });
    expect(await one<{ n: number }>('select count(*)::int as n from messages')).toEqual(before);
    expect(await one<{ n: number }>(`select count(*)::int as n from orgs where slug = 'demo'`)).toEqual({ n: 1 });
  });

  it('has ≥30 members, the named accounts, a few hidden people, and one password for all', async () => {
    const { n } = await one<{ n: number }>('select count(*)::int as n from members');
    expect(n).toBeGreaterThanOrEqual(30);
    const named = await db.query<{ account: string; name: string; role: string }>(
      `select account, name, role from members where account in ('admin', 'zhangwei', 'lina', 'emily.carter') order by account`,
    );
    expect(named).toEqual([
      { account: 'admin', name: '系统管理员', role: 'super_admin' },
      { account: 'emily.carter', name: 'Emily Carter', role: 'employee' },
      { account: 'lina', name: '李娜', role: 'dept_head' },
      { account: 'zhangwei', name: '张伟', role: 'dept_head' },
    ]);
    expect((await one<{ n: number }>('select count(*)::int as n from members where hidden')).n).toBeGreaterThanOrEqual(1);
    const hashes = await db.query<{ password_hash: string }>('select password_hash from members');
    expect(new Set(hashes.map((h) => h.password_hash)).size).toBe(hashes.length); // each its own salt
    expect(await verifyPassword(DEMO_PASSWORD, hashes[0]!.password_hash)).toBe(true);
  });

  it('has a department tree at least three levels deep, with heads', async () => {
    const { depth } = await one<{ depth: number }>(`
      with recursive tree as (
        select id, 1 as depth from departments where parent_id is null
        union all
        select d.id, t.depth + 1 from departments d join tree t on d.parent_id = t.id
      ) select max(depth)::int as depth from tree`);
    expect(depth).toBeGreaterThanOrEqual(3);
    expect((await one<{ n: number }>('select count(*)::int as n from departments where head_id is null')).n).toBe(0);
  });

  it('gives every employee a unique employee id, a valid mobile and an e-mail; one primary department each', async () => {
    const people = await db.query<{ account: string; kind: string; employee_id: string | null; mobile: string; email: string }>(
      'select account, kind, employee_id, mobile, email from members order by account',
    );
    for (const p of people) {
      expect(Mobile.safeParse(p.mobile).success, `${p.account}: ${p.mobile}`).toBe(true);
      expect(p.email, p.account).toMatch(/^[^@\s]+@[a-z-]+\.example$/);
      if (p.kind === 'employee') expect(p.employee_id, p.account).toMatch(/^SR\d{4}$/);
    }
    const ids = people.filter((p) => p.employee_id).map((p) => p.employee_id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await db.query(`select m.id from members m where (select count(*) from member_departments md where md.member_id = m.id and md.is_primary) <> 1`)).toEqual([]);
  });

  it('has an outside contact (王总 of 云帆物流) only in the external group, and a restricted-view member outside department groups', async () => {
    const guest = await one<{ id: string; name: string; kind: string }>(`select id, name, kind from members where account = 'wang.guest'`);
    expect(guest).toMatchObject({ name: '王总', kind: 'guest' });
    const groups = await db.query<{ name: string; type: string }>(
      'select g.name, g.type from group_members gm join groups g on g.id = gm.group_id where gm.member_id = $1',
      [guest.id],
    );
    expect(groups).toEqual([{ name: '星河 × 云帆物流 对接群 Starriver × Yunfan Logistics', type: 'external' }]);
    expect((await one<{ n: number }>(`select count(*)::int as n from messages where sender_id = $1`, [guest.id])).n).toBeGreaterThan(0);
    const restricted = await db.query<{ account: string }>(`select account from members where restricted_view`);
    expect(restricted.length).toBeGreaterThanOrEqual(1);
    expect(
      await db.query(`select 1 from group_members gm join groups g on g.id = gm.group_id join members m on m.id = gm.member_id
                       where g.type = 'department' and (m.restricted_view or m.hidden or m.kind = 'guest')`),
    ).toEqual([]);
  });

  it('has a group with an announcement (群公告) posted by one of its admins or its owner', async () => {
    const g = await one<{ announcement: string; role: string }>(
      `select g.announcement, gm.role from groups g join group_members gm on gm.group_id = g.id and gm.member_id = g.announcement_by
        where g.announcement is not null`,
    );
    expect(g.announcement).toContain('Muster 2.0');
    expect(['owner', 'admin']).toContain(g.role);
  });

  it('writes audit entries through the hash chain, and the chain verifies', async () => {
    const org = await one<{ id: string }>(`select id from orgs where slug = 'demo'`);
    const actions = await db.query<{ action: string }>('select distinct action from audit_log where org_id = $1 order by action', [org.id]);
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['org.create', 'org.department.update', 'group.create', 'group.announcement']));
    expect(await verifyChain(db, org.id)).toMatchObject({ firstBad: null, reason: null });
  });

  it('is what the department sync would make: a sync right after seeding changes nothing', async () => {
    const org = await one<{ id: string }>(`select id from orgs where slug = 'demo'`);
    const before = await one('select (select count(*)::int from messages) as m, (select count(*)::int from group_members) as gm');
    const report = await db.transaction((tx) => syncDepartmentGroups(tx, new Effects(), org.id));
    expect(report).toEqual({ created: 0, dissolved: 0, added: 0, removed: 0 });
    expect(await one('select (select count(*)::int from messages) as m, (select count(*)::int from group_members) as gm')).toEqual(before);
  });

  it('puts every employee, zhangwei and lina included, in 全员群 All hands with ≥120 messages', async () => {
    const g = await one<{ id: string; type: string; last_seq: number }>('select id, type, last_seq from groups where name = $1', [ALL_HANDS_GROUP_NAME]);
    expect(g.type).toBe('internal');
    expect(g.last_seq).toBeGreaterThanOrEqual(120);
    const members = await db.query<{ account: string }>(
      'select m.account from group_members gm join members m on m.id = gm.member_id where gm.group_id = $1',
      [g.id],
    );
    // Every employee; outside contacts (guests) never sit in internal groups.
    const total = (await one<{ n: number }>(`select count(*)::int as n from members where kind = 'employee'`)).n;
    expect(members).toHaveLength(total);
    expect(members.map((m) => m.account)).toEqual(expect.arrayContaining(['zhangwei', 'lina']));
  });

  it('has every group type, department groups only for leaf departments without hidden members', async () => {
    const types = await db.query<{ type: string }>('select distinct type from groups order by type');
    expect(types.map((t) => t.type)).toEqual(['department', 'external', 'internal', 'training']);
    const badDeptGroups = await db.query(`
      select g.id from groups g
       where g.type = 'department'
         and (exists (select 1 from departments c where c.parent_id = g.department_id)
              or exists (select 1 from group_members gm join members m on m.id = gm.member_id where gm.group_id = g.id and m.hidden)
              or (select count(*) from group_members gm where gm.group_id = g.id) < 3
              or g.owner_id is distinct from (select head_id from departments d where d.id = g.department_id))`);
    expect(badDeptGroups).toEqual([]);
    expect((await one<{ n: number }>(`select count(*)::int as n from groups where type = 'department'`)).n).toBeGreaterThanOrEqual(5);
  });

  it('keeps the storage invariants: dense seqs, last_seq, read markers, one owner, times in the past', async () => {
    const holes = await db.query(`
      select g.id from groups g
       where g.last_seq <> (select count(*) from messages m where m.group_id = g.id)
          or g.last_seq <> coalesce((select max(seq) from messages m where m.group_id = g.id), 0)`);
    expect(holes).toEqual([]);
    expect(await db.query('select 1 from group_members gm join groups g on g.id = gm.group_id where gm.last_read_seq > g.last_seq')).toEqual([]);
    expect(await db.query(`select group_id from group_members where role = 'owner' group by group_id having count(*) <> 1`)).toEqual([]);
    expect(await db.query(`select 1 from groups g where not exists (select 1 from group_members gm where gm.group_id = g.id and gm.role = 'owner')`)).toEqual([]);
    expect(await db.query(`select 1 from messages where created_at > now()`)).toEqual([]);
    expect(await db.query(`
      select 1 from messages a join messages b on a.group_id = b.group_id and a.seq < b.seq and a.created_at > b.created_at`)).toEqual([]);
    expect(await db.query(`
      select 1 from messages m where m.sender_id is not null
         and not exists (select 1 from group_members gm where gm.group_id = m.group_id and gm.member_id = m.sender_id)`)).toEqual([]);
  });

  it('is deterministic in content', () => {
    const a = buildPlan(Date.UTC(2025, 5, 1));
    const b = buildPlan(Date.UTC(2025, 5, 1));
    expect(a.messages.map((m) => [m.seq, m.body, m.at])).toEqual(b.messages.map((m) => [m.seq, m.body, m.at]));
  });

  it('--reset re-creates the organization from scratch', async () => {
    const before = await one<{ id: string }>(`select id from orgs where slug = 'demo'`);
    const counts = await one<{ m: number; g: number }>('select (select count(*)::int from members) as m, (select count(*)::int from groups) as g');
    const r = await seedDemo(db, { kdf: TEST_ONLY_WEAK_KDF, clock: Date.now, reset: true });
    expect(r.created).toBe(true);
    const after = await one<{ id: string }>(`select id from orgs where slug = 'demo'`);
    expect(after.id).not.toBe(before.id);
    expect(await one('select (select count(*)::int from members) as m, (select count(*)::int from groups) as g')).toEqual(counts);
  });
});
