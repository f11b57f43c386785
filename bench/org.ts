/**
 * Organization figures for `npm run bench` (issue 5 point 10), on the storage backend given:
 *   resync      department sync of an org of 10,000 members in 1,000 departments (950 leaves), from
 *               nothing: every department group created with its members and system messages —
 *               the sync transaction; the pushes queued for after commit are timed apart (flush)
 *   move        one member moved to another department through OrgService.setDepartments: the whole
 *               org-chart change (lock, rows, department sync, audit entry, version, flush)
 *   list        groups:list (GroupService.list, what the socket handler calls) for a member of 500 groups
 * Medians of several runs. Members and departments are written in bulk SQL and ANALYZEd (setup, not
 * timed). `MUSTER_BENCH_RUNS` sets the number of full resyncs (default 3).
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { TEST_ONLY_WEAK_KDF } from '../src/server/auth';
import { GroupService } from '../src/server/groups';
import { Effects } from '../src/server/groups/membership';
import { syncDepartmentGroups } from '../src/server/org/department-sync';
import { OrgService } from '../src/server/org/service';
import { noPushes } from '../src/server/realtime';
import { migrate, openDatabase, type Db } from '../src/server/storage';
import type { Backend } from '../test/server/support/databases';

export const ORG_MEMBERS = 10_000;
export const ORG_DEPARTMENTS = 1_000;
const MID = 50; // root + 49 divisions + 950 leaves = 1,000 departments
const LIST_GROUPS = 500;

const silent = { info() {}, warn() {}, error() {} };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface BigOrg {
  orgId: string;
  adminId: string;
  leaves: string[];
  members: string[];
}

/** 1 root, 49 divisions, 950 leaf departments; 10,000 employees spread over the leaves. */
const makeBigOrg = async (db: Db): Promise<BigOrg> => {
  const orgId = (await db.query<{ id: string }>(`insert into orgs (slug, name) values ($1, '基准公司') returning id`, [`bench-${randomUUID().slice(0, 8)}`]))[0]!.id;
  const root = (await db.query<{ id: string }>(`insert into departments (org_id, name) values ($1, '总部') returning id`, [orgId]))[0]!.id;
  const mids = (
    await db.query<{ id: string }>(
      `insert into departments (org_id, parent_id, name, sort) select $1, $2, '事业部' || i, i from generate_series(1, $3::int) i returning id`,
      [orgId, root, MID - 1],
    )
  ).map((r) => r.id);
  const leafCount = ORG_DEPARTMENTS - MID;
  const leaves = (
    await db.query<{ id: string }>(
      `insert into departments (org_id, parent_id, name, sort)
       select $1, ($2::uuid[])[1 + (i % cardinality($2::uuid[]))], '小组' || i, i from generate_series(1, $3::int) i returning id`,
      [orgId, mids, leafCount],
    )
  ).map((r) => r.id);
  const adminId = (
    await db.query<{ id: string }>(`insert into members (org_id, account, name, role, password_hash) values ($1, 'admin', '管理员', 'super_admin', 'x') returning id`, [orgId])
  )[0]!.id;
  await db.query('insert into member_departments (member_id, department_id, org_id, is_primary) values ($1, $2, $3, true)', [adminId, root, orgId]);
  const members = (
    await db.query<{ id: string }>(
      `insert into members (org_id, account, name, role, password_hash, employee_id)
       select $1, 'm' || i, '成员' || i, 'employee', 'x', 'B' || i from generate_series(1, $2::int) i returning id`,
      [orgId, ORG_MEMBERS],
    )
  ).map((r) => r.id);
  await db.query(
    `insert into member_departments (member_id, department_id, org_id, is_primary)
     select m, ($2::uuid[])[1 + ((n - 1) % cardinality($2::uuid[]))], $3, true from unnest($1::uuid[]) with ordinality as t(m, n)`,
    [members, leaves, orgId],
  );
  // Heads for every leaf: the first member placed there.
  await db.query(
    `update departments d set head_id = (select md.member_id from member_departments md where md.department_id = d.id order by md.member_id limit 1)
      where d.id = any($1::uuid[])`,
    [leaves],
  );
  return { orgId, adminId, leaves, members };
};

export type OrgFigures = Record<string, number>;

export async function benchOrg(backend: Backend): Promise<OrgFigures> {
  const database = await backend.create();
  const db = await openDatabase(database.storage);
  try {
    await migrate(db);
    const org = new OrgService({
      db,
      pushes: noPushes,
      logger: silent,
      kdf: TEST_ONLY_WEAK_KDF,
      sessions: { revokeAllSessions: async () => ({ sessionIds: [], notify: () => {} }) },
    });

    const resync: number[] = [];
    const flush: number[] = [];
    const move: number[] = [];
    let groupsCreated = 0;
    let big: BigOrg | undefined;
    for (let run = 0; run < Number(process.env['MUSTER_BENCH_RUNS'] ?? 3); run++) {
      big = await makeBigOrg(db);
      // What autovacuum does after a bulk load anyway; without statistics the planner takes the
      // freshly filled tables for empty ones and the figure says nothing about a running server.
      await db.query('analyze');
      const effects = new Effects();
      const t0 = performance.now();
      const report = await db.transaction((tx) => syncDepartmentGroups(tx, effects, big!.orgId));
      resync.push(performance.now() - t0);
      groupsCreated = report.created;
      const t1 = performance.now();
      await effects.flush({ db, pushes: noPushes, logger: silent });
      flush.push(performance.now() - t1);
    }
    // One member moved between two leaves: their old group loses them, the new one gains them.
    const b = big!;
    await db.query('analyze');
    for (let i = 0; i < 21; i++) {
      const who = b.members[(i * 37) % b.members.length]!;
      const to = b.leaves[(i * 101 + 7) % b.leaves.length]!;
      const t0 = performance.now();
      await org.setDepartments(b.adminId, b.orgId, { id: who, departments: { departmentIds: [to], primaryDepartmentId: to } });
      move.push(performance.now() - t0);
    }

    // groups:list for one member of 500 groups (each with a last message).
    const listMember = b.members[0]!;
    const groupIds = (
      await db.query<{ id: string }>(
        `insert into groups (org_id, name, type, owner_id, last_seq) select $1, '群' || i, 'internal', $2, 1 from generate_series(1, $3::int) i returning id`,
        [b.orgId, b.adminId, LIST_GROUPS],
      )
    ).map((r) => r.id);
    await db.query(
      `insert into group_members (group_id, member_id, org_id, role) select g, $2, $3, 'owner' from unnest($1::uuid[]) g`,
      [groupIds, b.adminId, b.orgId],
    );
    await db.query(
      `insert into group_members (group_id, member_id, org_id, role) select g, $2, $3, 'member' from unnest($1::uuid[]) g`,
      [groupIds, listMember, b.orgId],
    );
    await db.query(
      `insert into messages (group_id, seq, sender_id, kind, body) select g, 1, $2, 'text', '你好 hello' from unnest($1::uuid[]) g`,
      [groupIds, b.adminId],
    );
    await db.query('analyze');
    const groups = new GroupService(db);
    const inGroups = (await groups.list(listMember)).length;
    const list: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t0 = performance.now();
      await groups.list(listMember);
      list.push(performance.now() - t0);
    }
    return {
      orgResyncMedian: median(resync),
      orgResyncFlushMedian: median(flush),
      orgGroupsCreated: groupsCreated,
      orgMoveMedian: median(move),
      orgMoveMax: Math.max(...move),
      orgListMedian: median(list),
      orgListGroups: inGroups,
    };
  } finally {
    await db.close();
    await database.dispose();
  }
}
