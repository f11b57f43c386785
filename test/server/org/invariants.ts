import { DEPARTMENT_GROUP_MIN_MEMBERS } from '@shared/rules/limits';
import type { Db } from '../../../src/server/storage';

/**
 * The department-group invariants (issue 5 point 5, department-sync.ts), checked directly in SQL.
 * Each query returns the rows that break one rule; all must be empty. Caps are not reached in tests,
 * so "members = eligible" is exact.
 */
const ELIGIBLE = `
  select md.department_id, md.member_id from member_departments md join members m on m.id = md.member_id
   where md.org_id = $1 and m.status = 'active' and m.kind = 'employee' and not m.hidden and not m.restricted_view`;

const CHECKS: Record<string, string> = {
  'a department group belongs to an existing leaf department of the org': `
    select g.id from groups g
     where g.org_id = $1 and g.status = 'active' and g.type = 'department'
       and (g.department_id is null
            or not exists (select 1 from departments d where d.id = g.department_id and d.org_id = $1)
            or exists (select 1 from departments c where c.parent_id = g.department_id))`,
  'every eligible member of the department is in its group': `
    with eligible as (${ELIGIBLE})
    select g.id, e.member_id from groups g join eligible e on e.department_id = g.department_id
     where g.org_id = $1 and g.status = 'active' and g.type = 'department'
       and not exists (select 1 from group_members gm where gm.group_id = g.id and gm.member_id = e.member_id)`,
  'nobody else is in a department group': `
    with eligible as (${ELIGIBLE})
    select g.id, gm.member_id from groups g join group_members gm on gm.group_id = g.id
     where g.org_id = $1 and g.status = 'active' and g.type = 'department'
       and not exists (select 1 from eligible e where e.department_id = g.department_id and e.member_id = gm.member_id)`,
  'a department group is not empty': `
    select g.id from groups g where g.org_id = $1 and g.status = 'active' and g.type = 'department'
       and not exists (select 1 from group_members gm where gm.group_id = g.id)`,
  'exactly one owner, and groups.owner_id names them': `
    select g.id from groups g where g.org_id = $1 and g.status = 'active'
       and ((select count(*) from group_members gm where gm.group_id = g.id and gm.role = 'owner') <> 1
            or g.owner_id is distinct from (select gm.member_id from group_members gm where gm.group_id = g.id and gm.role = 'owner'))`,
  'the head owns the group when the head is an eligible member': `
    with eligible as (${ELIGIBLE})
    select g.id from groups g join departments d on d.id = g.department_id
     where g.org_id = $1 and g.status = 'active' and g.type = 'department'
       and exists (select 1 from eligible e where e.department_id = d.id and e.member_id = d.head_id)
       and g.owner_id is distinct from d.head_id`,
  'a leaf department with enough eligible members has its group': `
    with eligible as (${ELIGIBLE})
    select d.id from departments d
     where d.org_id = $1 and not exists (select 1 from departments c where c.parent_id = d.id) and not d.group_sync_closed
       and (select count(*) from eligible e where e.department_id = d.id) >= ${DEPARTMENT_GROUP_MIN_MEMBERS}
       and not exists (select 1 from groups g where g.department_id = d.id and g.status = 'active' and g.type = 'department')`,
  'a dissolved group has no members': `
    select g.id from groups g where g.org_id = $1 and g.status = 'dissolved'
       and exists (select 1 from group_members gm where gm.group_id = g.id)`,
  'every active member has exactly one primary department': `
    select m.id from members m where m.org_id = $1 and m.status = 'active'
       and (select count(*) from member_departments md where md.member_id = m.id and md.is_primary) <> 1`,
  'the department tree is one tree under the root': `
    with recursive tree(id) as (
      select id from departments where org_id = $1 and parent_id is null
      union all select d.id from departments d join tree t on d.parent_id = t.id)
    select 1 where (select count(*) from tree) <> (select count(*) from departments where org_id = $1)`,
  'a group message sequence has no holes': `
    select g.id from groups g where g.org_id = $1 and g.last_seq <> (select count(*) from messages m where m.group_id = g.id)`,
};

/** Names of broken rules with a sample of the offending rows; empty when all hold. */
export const brokenInvariants = async (db: Db, orgId: string): Promise<string[]> => {
  const broken: string[] = [];
  for (const [rule, sql] of Object.entries(CHECKS)) {
    const rows = await db.query(sql, [orgId]);
    if (rows.length > 0) broken.push(`${rule}: ${JSON.stringify(rows.slice(0, 3))}`);
  }
  return broken;
};
