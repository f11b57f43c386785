import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MusterError } from '@shared/contract';
import { GroupManager } from '../../../src/server/groups';
import { createGroup, Effects, type PersonRow } from '../../../src/server/groups/membership';
import { noPushes } from '../../../src/server/realtime';
import { createDepartmentGroups, syncDepartmentGroups } from '../../../src/server/org/department-sync';
import type { OrgService } from '../../../src/server/org/service';
import { migrate, openDatabase, toInt, type Db } from '../../../src/server/storage';
import { backends, type TestDatabase } from '../support/databases';
import { brokenInvariants } from './invariants';
import { makeSmallOrg, orgService, prng, silentLogger, type SmallOrg } from './support';

/**
 * Department groups follow the org chart: random sequences of org-chart edits through the service
 * (create / move / delete departments, create / move / hide / restrict / offboard members, guests,
 * heads), and after EVERY step the invariants of issue 5 point 5 hold (checked in SQL), a second
 * sync changes nothing, and the chart version moved by exactly one (or not at all when refused).
 * Then two connections editing at once.
 */
const SEQUENCES = Number(process.env['MUSTER_PROPERTY_SEQUENCES'] ?? 30);
const STEPS = 40;

interface State {
  departments: { id: string; parent_id: string | null }[];
  members: { id: string; hidden: boolean; restricted_view: boolean; kind: 'employee' | 'guest' }[];
}

const state = async (db: Db, org: SmallOrg): Promise<State> => ({
  departments: await db.query('select id, parent_id from departments where org_id = $1 order by id', [org.orgId]),
  members: await db.query(
    `select id, hidden, restricted_view, kind from members where org_id = $1 and status = 'active' and id <> $2 order by id`,
    [org.orgId, org.adminId],
  ),
});

const subtreeOf = (s: State, id: string): Set<string> => {
  const out = new Set([id]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const d of s.departments) {
      if (d.parent_id && out.has(d.parent_id) && !out.has(d.id)) {
        out.add(d.id);
        grew = true;
      }
    }
  }
  return out;
};

const version = async (db: Db, orgId: string): Promise<number> =>
  toInt((await db.query<{ v: number }>('select chart_version as v from orgs where id = $1', [orgId]))[0]!.v);

type Rand = ReturnType<typeof prng>;

interface Note {
  label: string;
  refusal?: string;
}

/** One random edit; `note` says what it is (and whether it must be refused) BEFORE it runs. */
const randomStep = async (svc: OrgService, org: SmallOrg, s: State, r: Rand, n: number, note: Note): Promise<void> => {
  const nonRoot = s.departments.filter((d) => d.parent_id !== null);
  // Mostly leaves, so that departments reach the threshold and groups come and go.
  const parents = new Set(s.departments.map((d) => d.parent_id));
  const leaves = s.departments.filter((d) => !parents.has(d.id));
  const someDepartment = (): string => (r.chance(0.75) && leaves.length > 0 ? r.pick(leaves) : r.pick(s.departments)).id;
  const someDepartments = (): { departmentIds: string[]; primaryDepartmentId: string } => {
    const ids = [...new Set([someDepartment(), ...(r.chance(0.3) ? [someDepartment()] : [])])];
    return { departmentIds: ids, primaryDepartmentId: r.pick(ids) };
  };
  const u = org.adminId;
  const roll = r.int(100);
  if ((roll < 12 && s.departments.length < 7) || s.departments.length < 3) {
    const parent = r.pick(s.departments);
    note.label = `create department under ${parent.id}`;
    await svc.createDepartment(u, org.orgId, { parentId: parent.id, name: `部门${n}`, nameEn: null });
    return;
  }
  if (roll < 22 && nonRoot.length > 0) {
    const d = r.pick(nonRoot);
    const inside = subtreeOf(s, d.id);
    if (r.chance(0.15)) {
      const target = r.pick([...inside]);
      note.label = `move ${d.id} into its own subtree`;
      note.refusal = 'into_own_subtree';
      await svc.moveDepartment(u, org.orgId, { id: d.id, parentId: target });
      return;
    }
    const targets = s.departments.filter((x) => !inside.has(x.id));
    const target = r.pick(targets);
    note.label = `move ${d.id} under ${target.id}`;
    await svc.moveDepartment(u, org.orgId, { id: d.id, parentId: target.id, index: r.int(3) });
    return;
  }
  if (roll < 28 && nonRoot.length > 0) {
    const d = r.pick(nonRoot);
    const inside = subtreeOf(s, d.id);
    const target = r.pick(s.departments.filter((x) => !inside.has(x.id)));
    note.label = `delete ${d.id}, members to ${target.id}`;
    await svc.deleteDepartment(u, org.orgId, { id: d.id, moveMembersTo: target.id });
    return;
  }
  if (roll < 50 || s.members.length < 4) {
    const guest = r.chance(0.08);
    note.label = `create member m${n}`;
    await svc.createMember(u, org.orgId, {
      account: `m${n}`,
      role: 'employee',
      fields: {
        name: `成员${n}`,
        nameEn: null,
        employeeId: `E${n}`,
        mobile: null,
        email: null,
        title: null,
        kind: guest ? 'guest' : 'employee',
        hidden: r.chance(0.08),
        restrictedView: r.chance(0.08),
        realNameVerified: false,
      },
      departments: someDepartments(),
    });
    return;
  }
  const m = r.pick(s.members);
  if (roll < 66) {
    const departments = someDepartments();
    note.label = `move member ${m.id} to ${departments.departmentIds.join(',')}`;
    await svc.setDepartments(u, org.orgId, { id: m.id, departments });
    return;
  }
  if (roll < 72) {
    note.label = `member ${m.id} hidden=${!m.hidden}`;
    await svc.updateMember(u, org.orgId, { id: m.id, fields: { hidden: !m.hidden } });
    return;
  }
  if (roll < 77) {
    note.label = `member ${m.id} restrictedView=${!m.restricted_view}`;
    await svc.updateMember(u, org.orgId, { id: m.id, fields: { restrictedView: !m.restricted_view } });
    return;
  }
  if (roll < 80) {
    const kind = m.kind === 'guest' ? 'employee' : 'guest';
    note.label = `member ${m.id} kind=${kind}`;
    await svc.updateMember(u, org.orgId, { id: m.id, fields: { kind } });
    return;
  }
  if (roll < 86) {
    note.label = `offboard ${m.id}`;
    await svc.offboard(u, org.orgId, { id: m.id });
    return;
  }
  const d = r.pick(s.departments);
  const head = r.chance(0.2) ? null : m.kind === 'guest' ? null : m.id;
  note.label = `head of ${d.id} = ${head}`;
  await svc.updateDepartment(u, org.orgId, { id: d.id, headId: head });
  return;
};

const resyncChangesNothing = async (db: Db, orgId: string): Promise<void> => {
  const before = await db.query('select (select count(*)::int from messages) as messages, (select count(*)::int from group_members) as memberships');
  const report = await db.transaction((tx) => syncDepartmentGroups(tx, new Effects(), orgId));
  expect(report).toEqual({ created: 0, dissolved: 0, added: 0, removed: 0 });
  expect(await db.query('select (select count(*)::int from messages) as messages, (select count(*)::int from group_members) as memberships')).toEqual(before);
};

describe.each(backends)('department sync on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;

  beforeAll(async () => {
    database = await backend.create();
    db = await openDatabase(database.storage);
    await migrate(db);
  });
  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });

  it(`${SEQUENCES} random sequences of ${STEPS} org-chart edits keep every invariant after every step`, async () => {
    const svc = orgService(db);
    let groupsSeen = 0;
    let dissolvedSeen = 0;
    for (let seq = 0; seq < SEQUENCES; seq++) {
      const org = await makeSmallOrg(db);
      const r = prng(1000 + seq);
      for (let step = 0; step < STEPS; step++) {
        const s = await state(db, org);
        const v0 = await version(db, org.orgId);
        const note: Note = { label: '' };
        let refusedWith: string | null = null;
        try {
          await randomStep(svc, org, s, r, step, note);
        } catch (e) {
          if (!(e instanceof MusterError)) throw e;
          refusedWith = String(e.details?.['reason'] ?? e.code);
          note.label += ` — refused: ${e.message}`;
        }
        const where = `sequence ${seq} (seed ${1000 + seq}), step ${step}: ${note.label}`;
        if (note.refusal) expect(refusedWith, where).toBe(note.refusal);
        else expect(refusedWith, where).toBeNull();
        expect(await brokenInvariants(db, org.orgId), where).toEqual([]);
        expect(await version(db, org.orgId), where).toBe(refusedWith ? v0 : v0 + 1);
        await resyncChangesNothing(db, org.orgId);
      }
      const g = (await db.query<{ made: number; dissolved: number }>(
        `select count(*)::int as made, count(*) filter (where status = 'dissolved')::int as dissolved from groups where org_id = $1`,
        [org.orgId],
      ))[0]!;
      groupsSeen += g.made;
      dissolvedSeen += g.dissolved;
    }
    // The sequences must actually exercise the sync: groups created and dissolved, not an empty org kept empty.
    expect(groupsSeen).toBeGreaterThanOrEqual(SEQUENCES);
    expect(dissolvedSeen).toBeGreaterThan(SEQUENCES / 2);
  }, 240_000);

  it('a closed department group (an ordinary group now) is never touched by the sync again', async () => {
    const org = await makeSmallOrg(db);
    const svc = orgService(db);
    const dept = (await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: '关闭测试', nameEn: null })).id;
    const other = (await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: '别处', nameEn: null })).id;
    const people: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await svc.createMember(org.adminId, org.orgId, {
        account: `close${i}`,
        role: 'employee',
        fields: { name: `关闭${i}`, nameEn: null, employeeId: null, mobile: null, email: null, title: null, kind: 'employee', hidden: false, restrictedView: false, realNameVerified: false },
        departments: { departmentIds: [dept], primaryDepartmentId: dept },
      });
      people.push(m.member.id);
    }
    const groupId = (await db.query<{ id: string }>(`select id from groups where department_id = $1 and status = 'active'`, [dept]))[0]!.id;
    // What groups:closeDepartmentSync writes (GroupManager.closeDepartmentSync): an internal group without a department.
    await db.query(`update groups set type = 'internal', department_id = null, member_cap = 2000 where id = $1`, [groupId]);
    await db.query('update departments set group_sync_closed = true where id = $1', [dept]);
    // The department still has three eligible members: an edit there must not create a second group.
    await svc.updateDepartment(org.adminId, org.orgId, { id: dept, name: '关闭测试2' });
    expect(await db.query(`select id from groups where department_id = $1 and status = 'active'`, [dept])).toEqual([]);
    const before = await db.query('select member_id, role from group_members where group_id = $1 order by member_id', [groupId]);
    const messages = await db.query('select count(*)::int as n from messages where group_id = $1', [groupId]);
    // Everyone leaves the department; the department is then deleted: the closed group stays as it is.
    for (const p of people) await svc.setDepartments(org.adminId, org.orgId, { id: p, departments: { departmentIds: [other], primaryDepartmentId: other } });
    await svc.deleteDepartment(org.adminId, org.orgId, { id: dept });
    expect(await db.query('select member_id, role from group_members where group_id = $1 order by member_id', [groupId])).toEqual(before);
    expect(await db.query('select count(*)::int as n from messages where group_id = $1', [groupId])).toEqual(messages);
    expect((await db.query<{ status: string; type: string }>('select status, type from groups where id = $1', [groupId]))[0]).toEqual({ status: 'active', type: 'internal' });
    // The three now form 别处's department group, next to the closed one.
    expect(await db.query(`select 1 from groups where department_id = $1 and status = 'active' and type = 'department'`, [other])).toHaveLength(1);
    expect(await brokenInvariants(db, org.orgId)).toEqual([]);
  });

  it('an emptied department dissolves its group; one or two members left keep it (no flapping at the threshold)', async () => {
    const org = await makeSmallOrg(db);
    const svc = orgService(db);
    const dept = (await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: '阈值', nameEn: null })).id;
    const people: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await svc.createMember(org.adminId, org.orgId, {
        account: `th${i}`,
        role: 'employee',
        fields: { name: `阈值${i}`, nameEn: null, employeeId: null, mobile: null, email: null, title: null, kind: 'employee', hidden: false, restrictedView: false, realNameVerified: false },
        departments: { departmentIds: [dept], primaryDepartmentId: dept },
      });
      people.push(m.member.id);
    }
    const group = async () => (await db.query<{ id: string; status: string; n: number }>(
      `select g.id, g.status, (select count(*)::int from group_members gm where gm.group_id = g.id) as n from groups g where g.home_department_id = $1 or g.department_id = $1 order by g.created_at`,
      [dept],
    ));
    expect((await group()).map((g) => [g.status, g.n])).toEqual([['active', 3]]);
    await svc.offboard(org.adminId, org.orgId, { id: people[0]! });
    await svc.updateMember(org.adminId, org.orgId, { id: people[1]!, fields: { hidden: true } });
    expect((await group()).map((g) => [g.status, g.n])).toEqual([['active', 1]]);
    await svc.updateMember(org.adminId, org.orgId, { id: people[2]!, fields: { restrictedView: true } });
    expect((await group()).map((g) => [g.status, g.n])).toEqual([['dissolved', 0]]);
    expect(await brokenInvariants(db, org.orgId)).toEqual([]);
  });

  it('bulk creation writes what createGroup writes for a department group', async () => {
    const org = await makeSmallOrg(db);
    const svc = orgService(db);
    const a = (await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: '批量', nameEn: 'Bulk' })).id;
    const b = (await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: '逐个', nameEn: 'One by one' })).id;
    const people: PersonRow[] = [];
    for (let i = 0; i < 4; i++) {
      const m = await svc.createMember(org.adminId, org.orgId, {
        account: `bulk${i}`,
        role: 'employee',
        fields: { name: `批量${i}`, nameEn: `Bulk ${i}`, employeeId: null, mobile: null, email: null, title: null, kind: 'employee', hidden: false, restrictedView: false, realNameVerified: false },
        departments: { departmentIds: [org.rootId], primaryDepartmentId: org.rootId },
      });
      people.push({ id: m.member.id, name: m.member.name, name_en: m.member.nameEn, title: null, kind: 'employee', status: 'active' });
    }
    const [bulk, single] = await db.transaction(async (tx) => {
      const effects = new Effects();
      const [g1] = await createDepartmentGroups(tx, effects, org.orgId, [{ departmentId: a, name: '批量 Bulk', owner: people[1]!, members: people }]);
      const g2 = await createGroup(tx, effects, {
        orgId: org.orgId, name: '逐个 One by one', type: 'department', owner: people[1]!, members: people, departmentId: b, homeDepartmentId: b, actor: null, source: 'department',
      });
      return [g1!, g2.id];
    });
    const shape = async (groupId: string) => ({
      group: await db.query(
        `select type, owner_id, member_cap, avatar_color, status, join_verification, searchable, only_admins_invite, mute_all, at_all, newcomer_history,
                announcement, created_by, last_seq, department_id is not null as has_department, home_department_id = department_id as home
           from groups where id = $1`,
        [groupId],
      ),
      members: await db.query('select member_id, role, joined_via, added_by, joined_seq, muted, member_kind, group_type from group_members where group_id = $1 order by member_id', [groupId]),
      messages: await db.query('select seq, sender_id, kind, body, system from messages where group_id = $1 order by seq', [groupId]),
      updatedIsLastMessage: await db.query(// Milliseconds: postSystemMessage copies the time through a JS Date.
        `select date_trunc('milliseconds', g.updated_at) = (select date_trunc('milliseconds', max(created_at)) from messages m where m.group_id = g.id) as ok
           from groups g where g.id = $1`, [groupId]),
    });
    expect(await shape(bulk)).toEqual(await shape(single));
  });

  it('two connections editing the chart at the same time leave it consistent', async () => {
    const org = await makeSmallOrg(db);
    const svc = orgService(db);
    const depts: string[] = [];
    for (let i = 0; i < 4; i++) depts.push((await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: `并发${i}`, nameEn: null })).id);
    const people: string[] = [];
    for (let i = 0; i < 12; i++) {
      const created = await svc.createMember(org.adminId, org.orgId, {
        account: `c${i}`,
        role: 'employee',
        fields: { name: `并发成员${i}`, nameEn: null, employeeId: null, mobile: null, email: null, title: null, kind: 'employee', hidden: false, restrictedView: false, realNameVerified: false },
        departments: { departmentIds: [depts[i % 4]!], primaryDepartmentId: depts[i % 4]! },
      });
      people.push(created.member.id);
    }
    // A second connection (its own pool on PostgreSQL; PGlite has one connection, which serialises).
    const other = backend.name === 'postgres' ? await openDatabase(database.storage) : db;
    try {
      const svc2 = orgService(other);
      const v0 = await version(db, org.orgId);
      const r = prng(77);
      const edits = Array.from({ length: 24 }, (_, i) => {
        const s = i % 2 === 0 ? svc : svc2;
        const who = people[r.int(people.length)]!;
        const to = depts[r.int(depts.length)]!;
        return i % 6 === 5
          ? s.updateDepartment(org.adminId, org.orgId, { id: to, headId: who })
          : s.setDepartments(org.adminId, org.orgId, { id: who, departments: { departmentIds: [to], primaryDepartmentId: to } });
      });
      const results = await Promise.allSettled(edits);
      expect(results.filter((x) => x.status === 'rejected')).toEqual([]);
      expect(await version(db, org.orgId)).toBe(v0 + edits.length);
      expect(await brokenInvariants(db, org.orgId)).toEqual([]);
      await resyncChangesNothing(db, org.orgId);
    } finally {
      if (other !== db) await other.close();
    }
  }, 60_000);

  it('org-chart changes and group changes on the same department group at the same time never deadlock', async () => {
    const org = await makeSmallOrg(db);
    const svc = orgService(db);
    const dept = (await svc.createDepartment(org.adminId, org.orgId, { parentId: org.rootId, name: '锁序', nameEn: null })).id;
    const people: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await svc.createMember(org.adminId, org.orgId, {
        account: `lock${i}`,
        role: 'employee',
        fields: { name: `锁序${i}`, nameEn: null, employeeId: null, mobile: null, email: null, title: null, kind: 'employee', hidden: false, restrictedView: false, realNameVerified: false },
        departments: { departmentIds: [dept], primaryDepartmentId: dept },
      });
      people.push(m.member.id);
    }
    const groupId = (await db.query<{ id: string }>(`select id from groups where department_id = $1 and status = 'active'`, [dept]))[0]!.id;
    const other = backend.name === 'postgres' ? await openDatabase(database.storage) : db;
    try {
      // The head flips (the sync locks the group, moves ownership, then appends audit entries) while
      // a super admin edits the announcement (the group service locks the group, then appends audit).
      const groups = new GroupManager(other, noPushes, silentLogger);
      const work = Array.from({ length: 12 }, (_, i) =>
        i % 2 === 0
          ? svc.updateDepartment(org.adminId, org.orgId, { id: dept, headId: people[(i / 2) % 3]! })
          : groups.setAnnouncement(org.adminId, org.orgId, groupId, `公告 ${i}`),
      );
      const results = await Promise.allSettled(work);
      expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
      expect(await brokenInvariants(db, org.orgId)).toEqual([]);
    } finally {
      if (other !== db) await other.close();
    }
  }, 60_000);
});
