import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRoutes, type DirectoryMember } from '@shared/contract';
import { DEPARTMENT_NAME_MAX_CHARS } from '@shared/rules/limits';
import { decide, type OrgRoleName, type Permission } from '@shared/rules/permissions';
import type { Db } from '../../../src/server/storage';
import { expectErr, expectOk, loadFixture, makeForeignOrg, type Fixture } from '../groups/fixtures';
import { backends } from '../support/databases';
import { nextEvent, noEvent, rawRequest, request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { brokenInvariants } from './invariants';

/**
 * The org-chart requests over real sockets: what each role may do (refusals name the permission),
 * hostile input (typed errors, nothing written), visibility in org:chart, live org:changed, and
 * the member lifecycle up to offboarding (sessions end, groups left, messages kept).
 */

/** Everything an org request could write. */
const orgSnapshot = async (db: Db): Promise<string> => {
  const rows = await db.query(
    `select (select string_agg(id::text || coalesce(parent_id::text, '-') || name || coalesce(name_en, '') || sort || coalesce(head_id::text, '-'), ',' order by id) from departments) as departments,
            (select string_agg(id::text || account || name || role || kind || status || hidden || restricted_view || coalesce(employee_id, '') || coalesce(mobile, ''), ',' order by id) from members) as members,
            (select string_agg(member_id::text || department_id::text || is_primary, ',' order by member_id, department_id) from member_departments) as member_departments,
            (select string_agg(id::text || status || type, ',' order by id) from groups) as groups,
            (select count(*)::int from group_members) as memberships,
            (select count(*)::int from messages) as messages,
            (select count(*)::int from audit_log) as audit,
            (select string_agg(chart_version::text, ',' order by id) from orgs) as versions,
            (select count(*)::int from refresh_tokens where revoked_at is not null) as revoked`,
  );
  return JSON.stringify(rows[0]);
};

interface Ids {
  root: string;
  rd: string; // 研发中心 (has sub-departments)
  fe: string; // 前端组 (leaf under 研发中心, with members)
  product: string;
  foreignOrgMember: string;
  foreignDepartment: string;
  lina: string;
  emily: string;
  zhangwei: string;
  admin: string;
  guest: string;
  linaEmployeeId: string;
}

type Case = [label: string, request: string, payload: (i: Ids) => unknown, code: string, details?: Record<string, unknown>];

const fields = (over: Record<string, unknown> = {}) => ({ name: '新同事', ...over });

const HOSTILE: Case[] = [
  // org:chart
  ['unknown key', 'org:chart', () => ({ all: true }), 'bad_request'],
  ['an array', 'org:chart', () => [], 'bad_request'],
  // org:department:create
  ['name of the wrong type', 'org:department:create', (i) => ({ parentId: i.root, name: 7 }), 'bad_request'],
  ['blank name', 'org:department:create', (i) => ({ parentId: i.root, name: '  ' }), 'bad_request'],
  ['oversized name', 'org:department:create', (i) => ({ parentId: i.root, name: '部'.repeat(DEPARTMENT_NAME_MAX_CHARS + 1) }), 'bad_request'],
  ['NUL in the name', 'org:department:create', (i) => ({ parentId: i.root, name: 'a\u0000b' }), 'bad_request'],
  ['parent not a uuid', 'org:department:create', () => ({ parentId: 'root', name: 'x' }), 'bad_request'],
  ["another organization's parent", 'org:department:create', (i) => ({ parentId: i.foreignDepartment, name: 'x' }), 'not_found'],
  ['unknown parent', 'org:department:create', () => ({ parentId: randomUUID(), name: 'x' }), 'not_found'],
  ['unknown key', 'org:department:create', (i) => ({ parentId: i.root, name: 'x', headId: i.lina }), 'bad_request'],
  ['a sibling has the name', 'org:department:create', (i) => ({ parentId: i.root, name: '研发中心' }), 'conflict', { reason: 'duplicate_name' }],
  ['a sibling has the English name', 'org:department:create', (i) => ({ parentId: i.root, name: '新部门', nameEn: 'r&d center' }), 'conflict', { reason: 'duplicate_name' }],
  // org:department:update
  ['nothing to change', 'org:department:update', (i) => ({ id: i.fe }), 'bad_request'],
  ['oversized name', 'org:department:update', (i) => ({ id: i.fe, name: 'x'.repeat(DEPARTMENT_NAME_MAX_CHARS + 1) }), 'bad_request'],
  ["another organization's department", 'org:department:update', (i) => ({ id: i.foreignDepartment, name: 'x' }), 'not_found'],
  ["another organization's member as head", 'org:department:update', (i) => ({ id: i.fe, headId: i.foreignOrgMember }), 'not_found', { field: 'headId' }],
  ['unknown head', 'org:department:update', (i) => ({ id: i.fe, headId: randomUUID() }), 'not_found'],
  ['a guest as head', 'org:department:update', (i) => ({ id: i.fe, headId: i.guest }), 'conflict', { reason: 'head_guest' }],
  ['rename onto a sibling', 'org:department:update', (i) => ({ id: i.fe, name: '后端组' }), 'conflict', { reason: 'duplicate_name' }],
  // org:department:move
  ['into its own sub-department', 'org:department:move', (i) => ({ id: i.rd, parentId: i.fe }), 'conflict', { reason: 'into_own_subtree' }],
  ['under itself', 'org:department:move', (i) => ({ id: i.fe, parentId: i.fe }), 'conflict', { reason: 'into_own_subtree' }],
  ['the root', 'org:department:move', (i) => ({ id: i.root, parentId: i.fe }), 'conflict', { reason: 'root_department' }],
  ["under another organization's department", 'org:department:move', (i) => ({ id: i.fe, parentId: i.foreignDepartment }), 'not_found'],
  ['negative index', 'org:department:move', (i) => ({ id: i.fe, parentId: i.root, index: -1 }), 'bad_request'],
  ['index as a string', 'org:department:move', (i) => ({ id: i.fe, parentId: i.root, index: '1' }), 'bad_request'],
  // org:department:reorder
  ['a child missing', 'org:department:reorder', (i) => ({ parentId: i.rd, orderedIds: [i.fe] }), 'bad_request', { field: 'orderedIds' }],
  ['a stranger among the children', 'org:department:reorder', (i) => ({ parentId: i.root, orderedIds: [i.fe] }), 'bad_request'],
  ["another organization's parent", 'org:department:reorder', (i) => ({ parentId: i.foreignDepartment, orderedIds: [] }), 'not_found'],
  ['ids not uuids', 'org:department:reorder', (i) => ({ parentId: i.rd, orderedIds: ['a'] }), 'bad_request'],
  // org:department:delete
  ['with members', 'org:department:delete', (i) => ({ id: i.fe }), 'conflict', { reason: 'has_members' }],
  ['with sub-departments', 'org:department:delete', (i) => ({ id: i.rd }), 'conflict', { reason: 'has_subdepartments' }],
  ['the root', 'org:department:delete', (i) => ({ id: i.root, moveMembersTo: i.fe }), 'conflict', { reason: 'root_department' }],
  ['members into its own subtree', 'org:department:delete', (i) => ({ id: i.rd, moveMembersTo: i.fe }), 'conflict', { reason: 'target_in_subtree' }],
  ["another organization's department", 'org:department:delete', (i) => ({ id: i.foreignDepartment }), 'not_found'],
  ["members to another organization's department", 'org:department:delete', (i) => ({ id: i.fe, moveMembersTo: i.foreignDepartment }), 'not_found'],
  // org:member:create
  ['account taken', 'org:member:create', (i) => ({ account: 'LiNa', fields: fields(), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'conflict', { field: 'account' }],
  ['employee id taken (other case)', 'org:member:create', (i) => ({ account: 'new.one', fields: fields({ employeeId: i.linaEmployeeId.toLowerCase() }), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'conflict', { field: 'employeeId' }],
  ['malformed mobile', 'org:member:create', (i) => ({ account: 'new.one', fields: fields({ mobile: '12345' }), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  ['malformed email', 'org:member:create', (i) => ({ account: 'new.one', fields: fields({ email: 'not-an-email' }), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  ['no department', 'org:member:create', (i) => ({ account: 'new.one', fields: fields(), departments: { departmentIds: [], primaryDepartmentId: i.fe } }), 'bad_request'],
  ['primary not among the departments', 'org:member:create', (i) => ({ account: 'new.one', fields: fields(), departments: { departmentIds: [i.fe], primaryDepartmentId: i.rd } }), 'bad_request'],
  ['a department twice', 'org:member:create', (i) => ({ account: 'new.one', fields: fields(), departments: { departmentIds: [i.fe, i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  ["another organization's department", 'org:member:create', (i) => ({ account: 'new.one', fields: fields(), departments: { departmentIds: [i.foreignDepartment], primaryDepartmentId: i.foreignDepartment } }), 'not_found'],
  ['a guest super admin', 'org:member:create', (i) => ({ account: 'new.one', role: 'super_admin', fields: fields({ kind: 'guest' }), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request', { field: 'role' }],
  ['unknown role', 'org:member:create', (i) => ({ account: 'new.one', role: 'god', fields: fields(), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  ['oversized name', 'org:member:create', (i) => ({ account: 'new.one', fields: fields({ name: 'x'.repeat(65) }), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  ['employee id with spaces', 'org:member:create', (i) => ({ account: 'new.one', fields: fields({ employeeId: 'A 1' }), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  ['unknown key', 'org:member:create', (i) => ({ account: 'new.one', password: 'x', fields: fields(), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'bad_request'],
  // org:member:update
  ['nothing to change', 'org:member:update', (i) => ({ id: i.emily, fields: {} }), 'bad_request'],
  ["another organization's member", 'org:member:update', (i) => ({ id: i.foreignOrgMember, fields: { title: 'x' } }), 'not_found'],
  ['malformed mobile', 'org:member:update', (i) => ({ id: i.emily, fields: { mobile: '+0' } }), 'bad_request'],
  ['employee id taken', 'org:member:update', (i) => ({ id: i.emily, fields: { employeeId: i.linaEmployeeId } }), 'conflict', { field: 'employeeId' }],
  ['a department head made a guest', 'org:member:update', (i) => ({ id: i.zhangwei, fields: { kind: 'guest' } }), 'conflict', { reason: 'guest_role' }],
  ['hidden as a string', 'org:member:update', (i) => ({ id: i.emily, fields: { hidden: 'yes' } }), 'bad_request'],
  // org:member:setDepartments
  ["another organization's department", 'org:member:setDepartments', (i) => ({ id: i.emily, departments: { departmentIds: [i.foreignDepartment], primaryDepartmentId: i.foreignDepartment } }), 'not_found'],
  ["another organization's member", 'org:member:setDepartments', (i) => ({ id: i.foreignOrgMember, departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } }), 'not_found'],
  ['more than 20 departments', 'org:member:setDepartments', (i) => ({ id: i.emily, departments: { departmentIds: Array.from({ length: 21 }, () => randomUUID()), primaryDepartmentId: i.fe } }), 'bad_request'],
  // org:member:setRole
  ['own role', 'org:member:setRole', (i) => ({ id: i.admin, role: 'employee' }), 'conflict', { reason: 'own_role' }],
  ['a guest made dept head', 'org:member:setRole', (i) => ({ id: i.guest, role: 'dept_head' }), 'conflict', { reason: 'guest_role' }],
  ['unknown role', 'org:member:setRole', (i) => ({ id: i.emily, role: 'owner' }), 'bad_request'],
  ["another organization's member", 'org:member:setRole', (i) => ({ id: i.foreignOrgMember, role: 'employee' }), 'not_found'],
  // org:member:offboard
  ['oneself', 'org:member:offboard', (i) => ({ id: i.admin }), 'conflict', { reason: 'self' }],
  ["another organization's member", 'org:member:offboard', (i) => ({ id: i.foreignOrgMember }), 'not_found'],
  ['id not a uuid', 'org:member:offboard', () => ({ id: 'emily' }), 'bad_request'],
];

/** A valid payload for each write request: refused for anyone but a super admin. */
const WRITES: [request: string, permission: string, payload: (i: Ids) => unknown][] = [
  ['org:department:create', 'org.department.manage', (i) => ({ parentId: i.root, name: '越权部门' })],
  ['org:department:update', 'org.department.manage', (i) => ({ id: i.fe, name: '越权改名' })],
  ['org:department:move', 'org.department.manage', (i) => ({ id: i.fe, parentId: i.root })],
  ['org:department:reorder', 'org.department.manage', (i) => ({ parentId: i.rd, orderedIds: [] })],
  ['org:department:delete', 'org.department.manage', (i) => ({ id: i.fe, moveMembersTo: i.rd })],
  ['org:member:create', 'org.member.manage', (i) => ({ account: 'sneaky', fields: fields(), departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } })],
  ['org:member:update', 'org.member.manage', (i) => ({ id: i.emily, fields: { title: '越权' } })],
  ['org:member:setDepartments', 'org.member.manage', (i) => ({ id: i.emily, departments: { departmentIds: [i.fe], primaryDepartmentId: i.fe } })],
  ['org:member:setRole', 'org.member.manage', (i) => ({ id: i.emily, role: 'super_admin' })],
  ['org:member:offboard', 'org.member.manage', (i) => ({ id: i.emily })],
];

describe.each(backends)('org chart requests on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let ids: Ids;
  let admin: ClientSocket;
  let emily: ClientSocket;

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 10_000, burst: 10_000 } });
    f = await loadFixture(t.server.db);
    const foreign = await makeForeignOrg(t.server.db);
    const foreignDepartment = (
      await t.server.db.query<{ id: string }>(`insert into departments (org_id, name) values ($1, '别家总部') returning id`, [foreign.orgId])
    )[0]!.id;
    const root = (await t.server.db.query<{ id: string }>('select id from departments where org_id = $1 and parent_id is null', [f.orgId]))[0]!.id;
    const linaEmployeeId = (await t.server.db.query<{ e: string }>('select employee_id as e from members where id = $1', [f.id('lina')]))[0]!.e;
    ids = {
      root,
      rd: f.dept('研发中心'),
      fe: f.dept('前端组'),
      product: f.dept('产品部'),
      foreignOrgMember: foreign.memberId,
      foreignDepartment,
      lina: f.id('lina'),
      emily: f.id('emily.carter'),
      zhangwei: f.id('zhangwei'),
      admin: f.id('admin'),
      guest: f.id('wang.guest'),
      linaEmployeeId,
    };
    admin = await t.connect((await t.signIn('admin')).accessToken);
    emily = await t.connect((await t.signIn('emily.carter')).accessToken);
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  describe('hostile input: a typed error and nothing written', () => {
    it.each(HOSTILE)('%s (%s)', async (_label, name, payload, code, details) => {
      const before = await orgSnapshot(t.server.db);
      expectErr(await rawRequest(admin, name, payload(ids)), code, details);
      expect(await orgSnapshot(t.server.db)).toBe(before);
    });

    it('an employee made a guest while in internal groups: conflict listing those groups', async () => {
      const before = await orgSnapshot(t.server.db);
      const r = await request(admin, 'org:member:update', { id: ids.emily, fields: { kind: 'guest' } });
      expectErr(r, 'conflict', { reason: 'guest_in_internal_groups', field: 'kind' });
      const groups = (r.ok ? [] : (r.error.details?.['groups'] as { name: string }[])).map((g) => g.name);
      expect(groups).toEqual(expect.arrayContaining(['全员群 All hands', 'Muster 2.0 项目组 Project']));
      expect(await orgSnapshot(t.server.db)).toBe(before);
    });
  });

  describe('authorization: only the permission table decides', () => {
    // Every org role (two department heads: one over a subtree, one over a leaf) against every write.
    // Where the table allows, the payload names departments and members that do not exist: the
    // answer must get past authorization (not_found) and still write nothing.
    const people: [OrgRoleName, string][] = [
      ['super_admin', 'admin'],
      ['dept_head', 'zhangwei'],
      ['dept_head', 'lina'],
      ['employee', 'emily.carter'],
    ];
    const absent = (i: Ids): Ids =>
      Object.fromEntries(Object.entries(i).map(([k, v]) => [k, typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v) ? randomUUID() : v])) as Ids;
    it.each(
      people.flatMap(([role, account]) =>
        WRITES.map(([name, permission, payload]) => [`${role} ${account}`, name, role, account, permission, payload] as const),
      ),
    )('%s: %s', async (_who, name, role, account, permission, payload) => {
      const allowed = decide(permission as Permission, { orgRole: role }).allowed;
      const s = account === 'emily.carter' ? emily : account === 'admin' ? admin : await t.connect((await t.signIn(account)).accessToken);
      const before = await orgSnapshot(t.server.db);
      const r = await rawRequest(s, name, payload(allowed ? absent(ids) : ids));
      if (allowed) expectErr(r, 'not_found');
      else expectErr(r, 'forbidden', { permission });
      expect(await orgSnapshot(t.server.db)).toBe(before);
      if (s !== emily && s !== admin) s.disconnect();
    });
  });

  describe('org:chart visibility', () => {
    const chartOf = async (s: ClientSocket) => expectOk(await request(s, 'org:chart', {}));
    const byAccount = (members: DirectoryMember[], account: string) => members.find((m) => m.account === account);

    it('hidden members only for those allowed (org.directory.hidden); contact fields only for admins', async () => {
      const mine = await chartOf(emily);
      expect(byAccount(mine.members, 'liuyang')).toBeUndefined();
      expect(byAccount(mine.members, 'lina')).toMatchObject({ name: '李娜', mobile: null, email: null, employeeId: null });
      expect(mine.departments.find((d) => d.id === ids.fe)).toMatchObject({ name: '前端组', headId: ids.lina });
      const all = await chartOf(admin);
      expect(byAccount(all.members, 'liuyang')).toMatchObject({ hidden: true });
      expect(byAccount(all.members, 'lina')?.mobile).toMatch(/^1[3-9]\d{9}$/);
      expect(byAccount(all.members, 'lina')?.employeeId).toBe(ids.linaEmployeeId);
      expect(all.version).toBe(mine.version);
    });

    it('a hidden member sees themselves', async () => {
      const s = await t.connect((await t.signIn('liuyang')).accessToken);
      const chart = await chartOf(s);
      expect(byAccount(chart.members, 'liuyang')).toMatchObject({ hidden: true });
      expect(byAccount(chart.members, 'qinlang')).toBeUndefined();
      s.disconnect();
    });

    it('a restricted-view member sees only the members of their own departments', async () => {
      const account = (await t.server.db.query<{ account: string; d: string }>(
        `select m.account, md.department_id as d from members m join member_departments md on md.member_id = m.id and md.is_primary
          where m.org_id = $1 and m.restricted_view and m.status = 'active' limit 1`,
        [f.orgId],
      ))[0]!;
      const s = await t.connect((await t.signIn(account.account)).accessToken);
      const chart = await chartOf(s);
      expect(chart.members.length).toBeGreaterThan(1);
      for (const m of chart.members) expect(m.departmentIds, m.account).toContain(account.d);
      expect(chart.departments.length).toBe((await chartOf(admin)).departments.length);
      s.disconnect();
    });
  });

  describe('changes', () => {
    it('a new department reaches another member live as org:changed with the new version', async () => {
      const v0 = expectOk(await request(emily, 'org:chart', {})).version;
      const pushed = nextEvent(emily, 'org:changed');
      const created = expectOk(await request(admin, 'org:department:create', { parentId: ids.rd, name: '平台部', nameEn: 'Platform' }));
      expect(await pushed).toEqual({ version: v0 + 1 });
      expect(created.department).toMatchObject({ parentId: ids.rd, name: '平台部', nameEn: 'Platform', headId: null });
      const chart = expectOk(await request(emily, 'org:chart', {}));
      expect(chart.version).toBe(v0 + 1);
      expect(chart.departments.map((d) => d.id)).toContain(created.department.id);
      const audit = await t.server.db.query<{ action: string; actor_name: string }>(
        `select action, actor_name from audit_log where org_id = $1 and target_id = $2`,
        [f.orgId, created.department.id],
      );
      expect(audit).toEqual([{ action: 'org.department.create', actor_name: '系统管理员' }]);
    });

    it('move, reorder and delete with members moved; department groups follow', async () => {
      const db = t.server.db;
      const a = expectOk(await request(admin, 'org:department:create', { parentId: ids.root, name: '临时项目部' })).department;
      const b = expectOk(await request(admin, 'org:department:create', { parentId: ids.root, name: '临时支持部' })).department;
      // Three people land in a: a department group appears for it.
      const people = ['hexue', 'guopeng', 'luolin'].map((x) => f.id(x));
      for (const p of people) expectOk(await request(admin, 'org:member:setDepartments', { id: p, departments: { departmentIds: [a.id], primaryDepartmentId: a.id } }));
      const group = (await db.query<{ id: string; owner_id: string }>(`select id, owner_id from groups where department_id = $1 and status = 'active'`, [a.id]))[0]!;
      expect(group).toBeDefined();
      expect((await db.query('select 1 from group_members where group_id = $1', [group.id])).length).toBe(3);
      expect(group.owner_id).toBe(people[0]); // no head: the longest-standing member
      // A head is set: they own the group.
      expectOk(await request(admin, 'org:department:update', { id: a.id, headId: people[2] }));
      expect((await db.query<{ owner_id: string }>('select owner_id from groups where id = $1', [group.id]))[0]!.owner_id).toBe(people[2]);

      // b moves under a: a is no longer a leaf, its group is dissolved.
      const moved = expectOk(await request(admin, 'org:department:move', { id: b.id, parentId: a.id })).department;
      expect(moved.parentId).toBe(a.id);
      expect((await db.query<{ status: string }>('select status from groups where id = $1', [group.id]))[0]!.status).toBe('dissolved');

      // Reorder the root's children: exactly them, in the new order.
      const children = expectOk(await request(admin, 'org:chart', {})).departments.filter((d) => d.parentId === ids.root).map((d) => d.id);
      const reversed = [...children].reverse();
      expectOk(await request(admin, 'org:department:reorder', { parentId: ids.root, orderedIds: reversed }));
      const after = expectOk(await request(admin, 'org:chart', {})).departments.filter((d) => d.parentId === ids.root);
      expect([...after].sort((x, y) => x.sort - y.sort).map((d) => d.id)).toEqual(reversed);

      // Delete a (and b under it), its members move to 产品部.
      const r = expectOk(await request(admin, 'org:department:delete', { id: a.id, moveMembersTo: ids.product }));
      expect(r.movedMembers).toBe(3);
      expect(await db.query('select 1 from departments where id = any($1::uuid[])', [[a.id, b.id]])).toEqual([]);
      const primaries = await db.query<{ department_id: string }>('select department_id from member_departments where member_id = any($1::uuid[]) and is_primary', [people]);
      expect(primaries.map((p) => p.department_id)).toEqual([ids.product, ids.product, ids.product]);
      expect(await brokenInvariants(db, f.orgId)).toEqual([]);
    });

    it('create a member: the initial password signs in; the employee id and mobile are kept', async () => {
      const r = expectOk(
        await request(admin, 'org:member:create', {
          account: 'Zhou.Xin',
          role: 'employee',
          fields: { name: '周欣', nameEn: 'Zhou Xin', employeeId: 'SR9001', mobile: '+86 13912345678', email: 'zhou.xin@example.com', title: '前端工程师' },
          departments: { departmentIds: [ids.fe, ids.product], primaryDepartmentId: ids.fe },
        }),
      );
      expect(r.member).toMatchObject({ account: 'zhou.xin', employeeId: 'SR9001', mobile: '+86 13912345678', departmentIds: [ids.fe, ids.product], primaryDepartmentId: ids.fe, status: 'active' });
      const signIn = await t.post(httpRoutes.signIn.path, { org: 'demo', account: 'zhou.xin', password: r.initialPassword });
      expect(signIn.body.ok).toBe(true);
      // 前端组 has a department group: the newcomer is in it.
      const inGroup = await t.server.db.query(
        `select 1 from group_members gm join groups g on g.id = gm.group_id where g.department_id = $1 and g.status = 'active' and gm.member_id = $2`,
        [ids.fe, r.member.id],
      );
      expect(inGroup).toHaveLength(1);
    });

    it('an update changes only the fields given (the others keep their values)', async () => {
      const id = f.id('sunli');
      const before = expectOk(await request(admin, 'org:chart', {})).members.find((m) => m.id === id)!;
      expect(before.mobile).not.toBeNull();
      const r = expectOk(await request(admin, 'org:member:update', { id, fields: { title: '资深数据库工程师' } }));
      expect(r.member).toEqual({ ...before, title: '资深数据库工程师' });
      const audit = await t.server.db.query<{ before: unknown; after: unknown }>(
        `select before, after from audit_log where org_id = $1 and target_id = $2 and action = 'org.member.update'`,
        [f.orgId, id],
      );
      expect(audit).toEqual([{ before: { title: '数据库工程师' }, after: { title: '资深数据库工程师' } }]);
    });

    it('setRole changes what the member may do at once', async () => {
      const luolin = f.id('luolin');
      const s = await t.connect((await t.signIn('luolin')).accessToken);
      expectErr(await request(s, 'org:department:create', { parentId: ids.root, name: '罗琳的部门' }), 'forbidden', { permission: 'org.department.manage' });
      expect(expectOk(await request(admin, 'org:member:setRole', { id: luolin, role: 'super_admin' })).member.role).toBe('super_admin');
      expectOk(await request(s, 'org:department:create', { parentId: ids.root, name: '罗琳的部门' }));
      expectOk(await request(admin, 'org:member:setRole', { id: luolin, role: 'employee' }));
      expectErr(await request(s, 'org:department:create', { parentId: ids.root, name: '罗琳的部门 2' }), 'forbidden');
      s.disconnect();
    });

    it('offboarding: sessions end, sockets close, every group left, messages kept; not twice', async () => {
      const db = t.server.db;
      const id = f.id('pengfei');
      const tokens = await t.signIn('pengfei');
      const s = await t.connect(tokens.accessToken);
      const groupsBefore = await db.query<{ group_id: string }>('select group_id from group_members where member_id = $1', [id]);
      const wrote = (await db.query<{ n: number }>('select count(*)::int as n from messages where sender_id = $1', [id]))[0]!.n;
      expect(groupsBefore.length).toBeGreaterThan(0);
      const closed = new Promise<void>((resolve) => s.once('disconnect', () => resolve()));
      const r = expectOk(await request(admin, 'org:member:offboard', { id }));
      expect(r).toMatchObject({ member: { id, status: 'offboarded' }, groupsLeft: groupsBefore.length });
      await closed;
      expect(await db.query('select 1 from group_members where member_id = $1', [id])).toEqual([]);
      expect((await db.query<{ n: number }>('select count(*)::int as n from messages where sender_id = $1', [id]))[0]!.n).toBe(wrote);
      // The refresh token is dead, sign-in is refused, a reconnect with the old access token too.
      const refresh = await t.post(httpRoutes.refresh.path, { refreshToken: tokens.refreshToken });
      expect(refresh.body).toMatchObject({ ok: false, error: { code: 'session_ended' } });
      const again = await t.post(httpRoutes.signIn.path, { org: 'demo', account: 'pengfei', password: 'muster-demo' });
      expect(again.body.ok).toBe(false);
      await expect(t.connect(tokens.accessToken)).rejects.toThrow();
      // Admins still see them, with their status; others do not.
      expect(expectOk(await request(admin, 'org:chart', {})).members.find((m) => m.id === id)?.status).toBe('offboarded');
      expect(expectOk(await request(emily, 'org:chart', {})).members.find((m) => m.id === id)).toBeUndefined();
      expectErr(await request(admin, 'org:member:offboard', { id }), 'conflict', { reason: 'offboarded' });
      expectErr(await request(admin, 'org:member:update', { id, fields: { title: 'x' } }), 'conflict', { reason: 'offboarded' });
      expect(await brokenInvariants(db, f.orgId)).toEqual([]);
    });

    it('a hidden flag takes the member out of their department group; no push to unrelated sockets beyond org:changed', async () => {
      const db = t.server.db;
      const chenjing = f.id('chenjing');
      const feGroup = (await db.query<{ id: string }>(`select id from groups where department_id = $1 and status = 'active'`, [ids.fe]))[0]!.id;
      const s = await t.connect((await t.signIn('chenjing')).accessToken);
      const removed = nextEvent(s, 'group:removed');
      expectOk(await request(admin, 'org:member:update', { id: chenjing, fields: { hidden: true } }));
      expect(await removed).toEqual({ groupId: feGroup, reason: 'department' });
      expectOk(await request(admin, 'org:member:update', { id: chenjing, fields: { hidden: false } }));
      expect((await db.query('select 1 from group_members where group_id = $1 and member_id = $2', [feGroup, chenjing])).length).toBe(1);
      await noEvent(s, 'group:removed', 100);
      s.disconnect();
    });
  });
});
