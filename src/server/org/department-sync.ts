import type { SystemEvent } from '@shared/contract';
import { DEPARTMENT_GROUP_MIN_MEMBERS, GROUP_MEMBER_CAP, GROUP_NAME_MAX_CHARS } from '@shared/rules/limits';
import { systemEventFallback } from '@shared/rules/system-events';
import {
  addMemberships,
  dissolveGroup,
  lockGroup,
  personRef,
  postSystemMessage,
  queueMembersChanged,
  removeMemberships,
  type Effects,
  type GroupRow,
  type PersonRow,
} from '../groups/membership';
import { listSummaries } from '../groups/repository';
import { MESSAGE_SELECT, toMessage, type MessageRow } from '../rows';
import type { Db } from '../storage';
import { toInt } from '../storage';

/**
 * Department groups follow the org chart (domain.md, issue 5 point 5). The rules, as enforced here:
 *
 * - Only **leaf** departments (no sub-departments) have one.
 * - A department's **eligible** members are its members (primary or secondary department) who are
 *   active, employees (never guests), not hidden and not restricted-view.
 * - A group is **created** once a leaf department has DEPARTMENT_GROUP_MIN_MEMBERS (3) eligible members.
 * - Its members are exactly the eligible members (up to the cap, 2000: beyond it the longest-standing
 *   2000 are in and the rest wait for a free seat; the department never fails to change because of it).
 *   Joining the department joins the group, leaving it (moving, offboarding, hidden / restricted-view
 *   / guest flags) leaves it, each with a system message.
 * - The **owner** is the head when the head is an eligible member; otherwise the current owner while
 *   they remain eligible, else the longest-standing member (member_departments.joined_at). A new head
 *   takes ownership at the next sync.
 * - **Dissolved** when the department is deleted, stops being a leaf, or empties (no eligible member
 *   left). Between 1 and 2 eligible members an existing group is KEPT: people who moved out one by one
 *   should not see their colleagues' group vanish and reappear around the threshold (no flapping).
 * - A **closed** group (`groups:closeDepartmentSync`: type no longer 'department', department_id
 *   null) is never touched again: every query below only looks at active groups of type 'department';
 *   and its department (`group_sync_closed`) never gets a new department group.
 *
 * Set-based: a few statements compute what differs (for the whole organization, or only the
 * departments a change touched); only groups that differ are locked and changed, each in one batch
 * through the membership module (so the caps, system messages and pushes are the same as for any
 * other membership change); new groups are created in bulk (createDepartmentGroups). Running it twice
 * changes nothing the second time. It runs inside the caller's transaction, under the per-org
 * org-chart advisory lock (taken again here: re-entrant, and a caller that forgot cannot race).
 */
export interface SyncReport {
  created: number;
  dissolved: number;
  added: number;
  removed: number;
}

/**
 * A department member who belongs in department groups (alias `m` for members). Written inline in
 * each statement, never as a shared CTE: a CTE used twice is materialised, and correlated lookups
 * into it scan all of it — quadratic on a 10,000-member org.
 */
const ELIGIBLE_MEMBER = `m.status = 'active' and m.kind = 'employee' and not m.hidden and not m.restricted_view`;

export const lockOrgChart = async (tx: Db, orgId: string): Promise<void> => {
  await tx.query(`select pg_advisory_xact_lock(hashtext('org-chart:' || $1::text))`, [orgId]);
};

/** `研发中心 R&D Center`, within the group-name limit. */
export const departmentGroupName = (name: string, nameEn: string | null): string =>
  (nameEn && nameEn !== name ? `${name} ${nameEn}` : name).slice(0, GROUP_NAME_MAX_CHARS);

const peopleById = async (tx: Db, ids: readonly string[]): Promise<Map<string, PersonRow>> => {
  if (ids.length === 0) return new Map();
  const rows = await tx.query<PersonRow>('select id, name, name_en, title, kind, status from members where id = any($1::uuid[])', [ids]);
  return new Map(rows.map((r) => [r.id, r]));
};

const pick = (byId: Map<string, PersonRow>, ids: readonly string[]): PersonRow[] =>
  ids.map((id) => byId.get(id)).filter((p): p is PersonRow => p !== undefined);

/**
 * `scope`: the departments a change touched (a member's old and new departments, a department and
 * its old and new parent…). Only their groups are looked at — one member moved in a 10,000-member
 * org costs a few index lookups instead of three passes over everyone. Without it (imports, the
 * benchmark's full resync, anything unsure) the whole organization is synced. Groups whose
 * department was deleted (department_id set null) are always found.
 */
export interface SyncScope {
  departmentIds: readonly string[];
}

/**
 * `via`: recorded on the memberships the sync writes ('import' when a member import ran it: the
 * people it adds are the ones imported).
 */
export const syncDepartmentGroups = async (
  tx: Db,
  effects: Effects,
  orgId: string,
  scope?: SyncScope,
  via: 'department' | 'import' = 'department',
): Promise<SyncReport> => {
  await lockOrgChart(tx, orgId);
  const report: SyncReport = { created: 0, dissolved: 0, added: 0, removed: 0 };
  // The scope is a parameter ($2 or $3), spliced in only as a fixed SQL fragment.
  const inScope = (column: string, n: number): string => (scope ? `and ${column} = any($${n}::uuid[])` : '');
  const scoped = (params: unknown[]): unknown[] => (scope ? [...params, [...new Set(scope.departmentIds)]] : params);

  // 1. Groups whose department is gone, is no longer a leaf, or has nobody eligible left.
  const doomed = await tx.query<{ id: string }>(
    `select g.id from groups g
      where g.org_id = $1 and g.status = 'active' and g.type = 'department' and g.department_id is null
     union
     select g.id from groups g
      where g.org_id = $1 and g.status = 'active' and g.type = 'department' and g.department_id is not null ${inScope('g.department_id', 2)}
        and (exists (select 1 from departments c where c.parent_id = g.department_id)
             or not exists (select 1 from member_departments md join members m on m.id = md.member_id
                             where md.department_id = g.department_id and ${ELIGIBLE_MEMBER}))
     order by 1`,
    scoped([orgId]),
  );
  for (const { id } of doomed) {
    const group = await lockGroup(tx, orgId, id);
    await dissolveGroup(tx, effects, group, null);
    report.dissolved++;
  }

  // 2. Existing groups whose members or owner differ from the department.
  // One hash full join of who should be in (want) and who is in (have), over all department groups.
  const diffs = await tx.query<{ id: string; department_id: string; to_add: string[] | null; to_remove: string[] | null }>(
    `with dg as (
       select id, department_id from groups
        where org_id = $1 and status = 'active' and type = 'department' and department_id is not null ${inScope('department_id', 2)}
     ),
     want as (
       select dg.id as group_id, md.member_id, md.joined_at
         from dg join member_departments md on md.department_id = dg.department_id join members m on m.id = md.member_id
        where ${ELIGIBLE_MEMBER}
     ),
     have as (select gm.group_id, gm.member_id from dg join group_members gm on gm.group_id = dg.id),
     diff as (
       select coalesce(w.group_id, h.group_id) as group_id, coalesce(w.member_id, h.member_id) as member_id, w.joined_at,
              h.member_id is null as joining
         from want w full join have h on h.group_id = w.group_id and h.member_id = w.member_id
        where w.member_id is null or h.member_id is null
     )
     select diff.group_id as id, dg.department_id,
            array_agg(diff.member_id::text order by diff.joined_at, diff.member_id) filter (where diff.joining) as to_add,
            array_agg(diff.member_id::text order by diff.member_id) filter (where not diff.joining) as to_remove
       from diff join dg on dg.id = diff.group_id
      group by diff.group_id, dg.department_id`,
    scoped([orgId]),
  );
  // Groups whose members are right but whose owner is not (a new head, or no owner at all).
  const owners = await tx.query<{ id: string; department_id: string }>(
    `select g.id, g.department_id from groups g join departments d on d.id = g.department_id
      where g.org_id = $1 and g.status = 'active' and g.type = 'department' ${inScope('g.department_id', 2)}
        and (g.owner_id is null
             or (d.head_id is not null and d.head_id <> g.owner_id
                 and exists (select 1 from group_members gm where gm.group_id = g.id and gm.member_id = d.head_id)))`,
    scoped([orgId]),
  );
  const byGroup = new Map(diffs.map((d) => [d.id, { id: d.id, department_id: d.department_id, to_add: d.to_add ?? [], to_remove: d.to_remove ?? [] }]));
  for (const o of owners) if (!byGroup.has(o.id)) byGroup.set(o.id, { ...o, to_add: [], to_remove: [] });
  // Always the same lock order (group id), like every other multi-group transaction.
  const drift = [...byGroup.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (drift.length > 0) {
    const people = await peopleById(tx, [...new Set(drift.flatMap((d) => [...d.to_add, ...d.to_remove]))]);
    for (const d of drift) {
      const group = await lockGroup(tx, orgId, d.id);
      if (d.to_remove.length > 0) {
        const r = await removeMemberships(tx, effects, group, pick(people, d.to_remove), { actor: null, reason: 'department' });
        report.removed += r.removed.length;
      }
      const seats = toInt(group.member_cap) - toInt((await tx.query<{ n: number }>('select count(*)::int as n from group_members where group_id = $1', [group.id]))[0]!.n);
      const joining = pick(people, d.to_add.slice(0, Math.max(0, seats)));
      if (joining.length > 0) {
        const added = await addMemberships(tx, effects, group, joining, { actor: null, source: via, event: 'member_joined' });
        report.added += added.length;
      }
      await settleOwner(tx, effects, group, d.department_id);
    }
  }

  // 3. Leaf departments that reached the threshold and have no group yet.
  const fresh = await tx.query<{ id: string; name: string; name_en: string | null; head_id: string | null; members: string[] }>(
    `select d.id, d.name, d.name_en, d.head_id, array_agg(md.member_id::text order by md.joined_at, md.member_id) as members
       from departments d join member_departments md on md.department_id = d.id join members m on m.id = md.member_id
      where d.org_id = $1 and ${ELIGIBLE_MEMBER} ${inScope('d.id', 3)}
        and not exists (select 1 from departments c where c.parent_id = d.id)
        and not exists (select 1 from groups g where g.department_id = d.id and g.status = 'active')
        and not d.group_sync_closed
      group by d.id
     having count(*) >= $2
      order by d.id`,
    scoped([orgId, DEPARTMENT_GROUP_MIN_MEMBERS]),
  );
  if (fresh.length > 0) {
    const people = await peopleById(tx, fresh.flatMap((d) => d.members.slice(0, GROUP_MEMBER_CAP.department)));
    const plans = fresh.map((d) => {
      const members = pick(people, d.members.slice(0, GROUP_MEMBER_CAP.department));
      return { departmentId: d.id, name: departmentGroupName(d.name, d.name_en), owner: members.find((m) => m.id === d.head_id) ?? members[0]!, members };
    });
    await createDepartmentGroups(tx, effects, orgId, plans, via);
    report.created += plans.length;
    report.added += plans.reduce((n, p) => n + p.members.length, 0);
  }
  return report;
};

/** Applies the owner rule (see above) to a locked department group after its members changed. */
const settleOwner = async (tx: Db, effects: Effects, group: GroupRow, departmentId: string): Promise<void> => {
  const rows = await tx.query<{ head_id: string | null; owner_id: string | null; head_in: boolean; longest: string | null }>(
    `select d.head_id,
            (select gm.member_id from group_members gm where gm.group_id = $1 and gm.role = 'owner') as owner_id,
            exists (select 1 from group_members gm where gm.group_id = $1 and gm.member_id = d.head_id) as head_in,
            (select md.member_id from member_departments md join group_members gm on gm.group_id = $1 and gm.member_id = md.member_id
              where md.department_id = d.id order by md.joined_at, md.member_id limit 1) as longest
       from departments d where d.id = $2`,
    [group.id, departmentId],
  );
  const r = rows[0];
  if (!r) return;
  const wanted = r.head_in ? r.head_id : (r.owner_id ?? r.longest);
  if (!wanted || wanted === r.owner_id) return;
  await tx.query(`update group_members set role = 'member' where group_id = $1 and role = 'owner'`, [group.id]);
  await tx.query(`update group_members set role = 'owner' where group_id = $1 and member_id = $2`, [group.id, wanted]);
  await tx.query('update groups set owner_id = $2 where id = $1', [group.id, wanted]);
  const person = (await peopleById(tx, [wanted])).get(wanted)!;
  await postSystemMessage(tx, effects, group.id, { type: 'owner_transferred', actor: null, targets: [personRef(person)] });
  const changed = await tx.query<{ id: string; role: 'owner' | 'member'; muted: boolean }>(
    'select member_id as id, role, muted from group_members where group_id = $1 and member_id = any($2::uuid[])',
    [group.id, [wanted, ...(r.owner_id ? [r.owner_id] : [])]],
  );
  queueMembersChanged(effects, group.id, changed);
};

interface NewDepartmentGroup {
  departmentId: string;
  name: string;
  owner: PersonRow;
  /** Everyone, the owner included, longest-standing first; at most the cap. */
  members: PersonRow[];
}

/**
 * Creates department groups in bulk: the rows `createGroup` (groups/membership.ts) writes for a
 * department group made by the system — the group with its defaults, the owner and the members
 * (join source 'department', founding members read from the first message), the 'created' and
 * 'member_joined' system messages — in five statements for any number of groups instead of ~16
 * per group, so a whole organization's first sync stays within seconds (bench/org.ts). A new
 * group has no audience yet: its members' sockets join the room, then each member gets
 * `group:added` and the room the 'member_joined' message; there is nobody to send
 * `group:members` / `group:updated` to. Keep in step with createGroup (a test compares both).
 */
export const createDepartmentGroups = async (
  tx: Db,
  effects: Effects,
  orgId: string,
  plans: readonly NewDepartmentGroup[],
  via: 'department' | 'import' = 'department',
): Promise<string[]> => {
  if (plans.length === 0) return [];
  const created = await tx.query<{ id: string; department_id: string }>(
    `insert into groups (org_id, name, type, owner_id, department_id, home_department_id, member_cap)
     select $1, t.name, 'department', t.owner, t.dept, t.dept, $5 from unnest($2::text[], $3::uuid[], $4::uuid[]) as t(name, owner, dept)
     returning id, department_id`,
    [orgId, plans.map((p) => p.name), plans.map((p) => p.owner.id), plans.map((p) => p.departmentId), GROUP_MEMBER_CAP.department],
  );
  const groupOf = new Map(created.map((g) => [g.department_id, g.id]));
  const rows = plans.flatMap((p) => p.members.map((m) => ({ group: groupOf.get(p.departmentId)!, member: m.id, role: m.id === p.owner.id ? 'owner' : 'member' })));
  await tx.query(
    `insert into group_members (group_id, member_id, org_id, role, joined_via)
     select t.g, t.m, $1, t.r, $5 from unnest($2::uuid[], $3::uuid[], $4::text[]) as t(g, m, r)`,
    [orgId, rows.map((r) => r.group), rows.map((r) => r.member), rows.map((r) => r.role), via],
  );
  const messages = plans.flatMap((p) => {
    const group = groupOf.get(p.departmentId)!;
    const others = p.members.filter((m) => m.id !== p.owner.id);
    const events: SystemEvent[] = [{ type: 'created', actor: null, targets: [] }];
    if (others.length > 0) events.push({ type: 'member_joined', actor: null, targets: others.slice(0, 200).map(personRef) });
    return events.map((e, i) => ({ group, seq: i + 1, event: e }));
  });
  const inserted = await tx.query<{ id: string; group_id: string; seq: number }>(
    `insert into messages (group_id, seq, sender_id, kind, body, system, created_at)
     select t.g, t.s, null, 'system', t.b, t.e::jsonb, clock_timestamp() from unnest($1::uuid[], $2::int[], $3::text[], $4::text[]) as t(g, s, b, e)
     returning id, group_id, seq`,
    [messages.map((m) => m.group), messages.map((m) => m.seq), messages.map((m) => systemEventFallback(m.event)), messages.map((m) => JSON.stringify(m.event))],
  );
  const groupIds = created.map((g) => g.id);
  await tx.query(
    `update groups g set last_seq = x.seq, updated_at = x.at
       from (select group_id, max(seq) as seq, max(created_at) as at from messages where group_id = any($1::uuid[]) group by group_id) x
      where g.id = x.group_id`,
    [groupIds],
  );
  const joinedIds = inserted.filter((m) => toInt(m.seq) === 2).map((m) => m.id);
  effects.add(async ({ db, pushes }) => {
    for (const r of rows) pushes.joinGroup(r.member, r.group);
    if (joinedIds.length > 0) {
      const joined = await db.query<MessageRow>(`${MESSAGE_SELECT} where m.id = any($1::uuid[])`, [joinedIds]);
      for (const m of joined) pushes.toGroup(m.group_id, 'message:new', toMessage(m));
    }
    for (const r of rows) {
      const [summary] = await listSummaries(db, r.member, r.group);
      if (summary) pushes.toMember(r.member, 'group:added', summary);
    }
  });
  return groupIds;
};
