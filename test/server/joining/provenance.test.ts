import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, openDatabase, type Db } from '../../../src/server/storage';
import { MIGRATIONS } from '../../../src/server/storage/migrations';
import { backends } from '../support/databases';
import { request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectOk, loadFixture, makeGroup, type Fixture } from '../groups/fixtures';

/**
 * How each membership came about (group_members.joined_via / added_by / shared_by) and how each
 * ended (group_departures), for every path of membership.ts; and the version-12 backfill.
 */
describe.each(backends)('membership provenance and departures on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  const s = {} as Record<'admin' | 'zw' | 'yl', ClientSocket>;

  const row = async (groupId: string, memberId: string) =>
    (
      await t.server.db.query<{ joined_via: string; added_by: string | null; shared_by: string | null }>(
        'select joined_via, added_by, shared_by from group_members where group_id = $1 and member_id = $2',
        [groupId, memberId],
      )
    )[0];
  const departures = async (groupId: string) =>
    (
      await t.server.db.query<{ member_id: string; reason: string; by_id: string | null }>(
        'select member_id, reason, by_id from group_departures where group_id = $1 order by at, member_id',
        [groupId],
      )
    ).map((d) => ({ member: d.member_id, reason: d.reason, by: d.by_id }));
  const departmentGroupOf = async (departmentName: string) =>
    (
      await t.server.db.query<{ id: string }>(
        `select g.id from groups g join departments d on d.id = g.department_id where d.name = $1 and g.status = 'active'`,
        [departmentName],
      )
    )[0]!.id;

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 1000, burst: 1000 } });
    f = await loadFixture(t.server.db);
    for (const [k, account] of Object.entries({ admin: 'admin', zw: 'zhangwei', yl: 'yanglei' })) {
      s[k as keyof typeof s] = await t.connect((await t.signIn(account)).accessToken);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("created: the owner 'created', the founding members 'added', both by the creator; later additions 'added' by who added them", async () => {
    const g = expectOk(await request(s.zw, 'groups:create', { name: '出处', type: 'internal', memberIds: [f.id('lina')] })).group!.id;
    expect(await row(g, f.id('zhangwei'))).toEqual({ joined_via: 'created', added_by: f.id('zhangwei'), shared_by: null });
    expect(await row(g, f.id('lina'))).toEqual({ joined_via: 'added', added_by: f.id('zhangwei'), shared_by: null });
    expectOk(await request(s.admin, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter')] }));
    expect(await row(g, f.id('emily.carter'))).toEqual({ joined_via: 'added', added_by: f.id('admin'), shared_by: null });
  });

  it("the department sync: 'department'; a member import: 'import'", async () => {
    const backend = await departmentGroupOf('后端组');
    const moved = expectOk(
      await request(s.admin, 'org:member:setDepartments', {
        id: f.id('hexue'),
        departments: { departmentIds: [f.dept('后端组')], primaryDepartmentId: f.dept('后端组') },
      }),
    ).member;
    expect(await row(backend, moved.id)).toEqual({ joined_via: 'department', added_by: null, shared_by: null });
    const imported = expectOk(
      await request(s.admin, 'org:import:batch', {
        rows: [
          {
            line: 2,
            employeeId: 'PROV001',
            name: '出处测',
            nameEn: 'Prov Test',
            mobile: '13800138000',
            departmentPath: '研发中心/后端组',
            title: '工程师',
            email: 'prov001@example.com',
          },
        ],
      }),
    );
    if (!imported.imported) return expect.fail('the import was refused');
    expect(await row(backend, imported.members[0]!.id)).toEqual({ joined_via: 'import', added_by: null, shared_by: null });
  });

  it('departures: removed and banned (by whom), left, moved out of the department, offboarded, dissolved', async () => {
    const g = await makeGroup(f, {
      members: {
        [f.id('zhangwei')]: 'owner',
        [f.id('lina')]: 'admin',
        [f.id('emily.carter')]: 'member',
        [f.id('chenjing')]: 'member',
        [f.id('yanglei')]: 'member',
        [f.id('guopeng')]: 'member',
      },
    });
    expectOk(await request(s.zw, 'groups:removeMember', { groupId: g, memberId: f.id('emily.carter'), ban: false }));
    expectOk(await request(s.zw, 'groups:removeMember', { groupId: g, memberId: f.id('chenjing'), ban: true }));
    expectOk(await request(s.yl, 'groups:leave', { groupId: g }));
    expectOk(await request(s.admin, 'org:member:offboard', { id: f.id('guopeng') }));
    expectOk(await request(s.zw, 'groups:dissolve', { groupId: g }));
    // The dissolution's departures share one moment: their order among themselves is not defined.
    const list = await departures(g);
    const dissolvedLast = [
      ...list.filter((d) => d.reason !== 'dissolved'),
      ...list.filter((d) => d.reason === 'dissolved').sort((a, b) => (a.member < b.member ? -1 : 1)),
    ];
    expect(list.findIndex((d) => d.reason === 'dissolved')).toBe(4);
    expect(dissolvedLast).toEqual([
      { member: f.id('emily.carter'), reason: 'removed', by: f.id('zhangwei') },
      { member: f.id('chenjing'), reason: 'banned', by: f.id('zhangwei') },
      { member: f.id('yanglei'), reason: 'left', by: f.id('yanglei') },
      { member: f.id('guopeng'), reason: 'offboarded', by: f.id('admin') },
      ...[f.id('zhangwei'), f.id('lina')].sort().map((m) => ({ member: m, reason: 'dissolved', by: f.id('zhangwei') })),
    ]);
    // Moving out of a department takes them out of its group: 'department', by the system.
    const frontend = await departmentGroupOf('前端组');
    const leaving = (
      await t.server.db.query<{ member_id: string }>(`select member_id from group_members where group_id = $1 and role = 'member' limit 1`, [frontend])
    )[0]!.member_id;
    expectOk(
      await request(s.admin, 'org:member:setDepartments', {
        id: leaving,
        departments: { departmentIds: [f.dept('产品部')], primaryDepartmentId: f.dept('产品部') },
      }),
    );
    expect((await departures(frontend)).filter((d) => d.member === leaving)).toEqual([{ member: leaving, reason: 'department', by: null }]);
  });
});

describe.each(backends)('the version-12 migration on $name', (backend) => {
  let db: Db;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const fresh = await backend.create();
    db = await openDatabase(fresh.storage);
    dispose = async () => {
      await db.close();
      await fresh.dispose();
    };
  });
  afterAll(async () => {
    await dispose?.();
  });

  it('turns join_source into joined_via, fills sensible provenance, and records past departures from the system messages', async () => {
    await migrate(db, MIGRATIONS.filter((m) => m.version < 12));
    const one = async <T extends object>(sql: string, params: unknown[] = []) => (await db.query<T>(sql, params))[0]!;
    const org = (await one<{ id: string }>(`insert into orgs (slug, name) values ('old', 'Old') returning id`)).id;
    const person = async (account: string) =>
      (await one<{ id: string }>(`insert into members (org_id, account, name, role, password_hash) values ($1, $2, $2, 'employee', 'x') returning id`, [org, account])).id;
    const [owner, added, approved, gone, dept] = [await person('owner'), await person('added'), await person('approved'), await person('gone'), await person('dept')];
    const g = (await one<{ id: string }>(`insert into groups (org_id, name, type, owner_id, created_by) values ($1, 'g', 'internal', $2, $2) returning id`, [org, owner])).id;
    const d = (await one<{ id: string }>(`insert into departments (org_id, name) values ($1, 'd') returning id`, [org])).id;
    const dg = (
      await one<{ id: string }>(`insert into groups (org_id, name, type, owner_id, department_id, member_cap) values ($1, 'dg', 'department', $2, $3, 2000) returning id`, [org, dept, d])
    ).id;
    // Rows as versions before 12 wrote them: the owner with the default, an added one, an approval.
    await db.query(`insert into group_members (group_id, member_id, org_id, role) values ($1, $2, $3, 'owner')`, [g, owner, org]);
    await db.query(`insert into group_members (group_id, member_id, org_id, role, join_source, added_by) values ($1, $2, $3, 'member', 'added', $4)`, [g, added, org, owner]);
    await db.query(`insert into group_members (group_id, member_id, org_id, role, join_source) values ($1, $2, $3, 'member', 'approval')`, [g, approved, org]);
    await db.query(`insert into group_members (group_id, member_id, org_id, role) values ($1, $2, $3, 'owner')`, [dg, dept, org]);
    await db.query(
      `insert into messages (group_id, seq, kind, body, system) values ($1, 1, 'system', 'x', $2::jsonb), ($1, 2, 'system', 'y', $3::jsonb)`,
      [
        g,
        JSON.stringify({ type: 'member_removed', actor: { id: owner, name: 'owner', nameEn: null }, targets: [{ id: gone, name: 'gone', nameEn: null }] }),
        JSON.stringify({ type: 'renamed', actor: null, targets: [] }),
      ],
    );

    await migrate(db);
    const rows = await db.query<{ member_id: string; joined_via: string; added_by: string | null; shared_by: string | null }>(
      'select member_id, joined_via, added_by, shared_by from group_members order by joined_via, member_id',
    );
    const by = new Map(rows.map((r) => [r.member_id, r]));
    expect(by.get(owner)).toEqual({ member_id: owner, joined_via: 'created', added_by: owner, shared_by: null });
    expect(by.get(added)).toMatchObject({ joined_via: 'added', added_by: owner });
    expect(by.get(approved)).toMatchObject({ joined_via: 'request' });
    expect(by.get(dept)).toMatchObject({ joined_via: 'department' });
    expect(await db.query('select member_id, reason, by_id from group_departures')).toEqual([{ member_id: gone, reason: 'removed', by_id: owner }]);
    // The new check holds: an unknown provenance is refused.
    await expect(db.query(`update group_members set joined_via = 'approval' where member_id = $1`, [added])).rejects.toThrow();
  });
});
