import type { Department, DirectoryMember } from '@shared/contract';
import type { Db } from '../storage';

/** Rows of the org chart as the contract shows them. */

interface DepartmentRow {
  id: string;
  parent_id: string | null;
  name: string;
  name_en: string | null;
  sort: number;
  head_id: string | null;
}

export interface MemberRow {
  id: string;
  account: string;
  name: string;
  name_en: string | null;
  title: string | null;
  role: DirectoryMember['role'];
  kind: DirectoryMember['kind'];
  employee_id: string | null;
  mobile: string | null;
  email: string | null;
  hidden: boolean;
  restricted_view: boolean;
  real_name_verified: boolean;
  status: DirectoryMember['status'];
  department_ids: string[];
  primary_department_id: string | null;
}

export const DEPARTMENT_SELECT = 'select id, parent_id, name, name_en, sort, head_id from departments';

export const toDepartment = (r: DepartmentRow): Department => ({
  id: r.id,
  parentId: r.parent_id,
  name: r.name,
  nameEn: r.name_en,
  sort: Number(r.sort),
  headId: r.head_id,
});

export const MEMBER_SELECT = `
  select m.id, m.account, m.name, m.name_en, m.title, m.role, m.kind, m.employee_id, m.mobile, m.email, m.hidden,
         m.restricted_view, m.real_name_verified, m.status,
         array(select md.department_id::text from member_departments md where md.member_id = m.id
                order by md.is_primary desc, md.joined_at, md.department_id) as department_ids,
         (select md.department_id from member_departments md where md.member_id = m.id and md.is_primary) as primary_department_id
    from members m`;

/** What the viewer may see of a member: admins everything; others no contact data or admin flags (their own flags excepted). */
export const toDirectoryMember = (r: MemberRow, view: { admin: boolean; viewerId: string }): DirectoryMember => {
  const full = view.admin;
  const self = r.id === view.viewerId;
  return {
    id: r.id,
    account: r.account,
    name: r.name,
    nameEn: r.name_en,
    title: r.title,
    role: r.role,
    kind: r.kind,
    departmentIds: r.department_ids,
    primaryDepartmentId: r.primary_department_id,
    employeeId: full ? r.employee_id : null,
    mobile: full ? r.mobile : null,
    email: full ? r.email : null,
    // A hidden member is only listed to those allowed to see hidden people (and to themselves).
    hidden: r.hidden,
    restrictedView: full || self ? r.restricted_view : false,
    realNameVerified: r.real_name_verified,
    status: r.status,
  };
};

export const listDepartments = async (db: Db, orgId: string): Promise<Department[]> =>
  (await db.query<DepartmentRow>(`${DEPARTMENT_SELECT} where org_id = $1 order by parent_id nulls first, sort, name, id`, [orgId])).map(
    toDepartment,
  );

export const readDepartment = async (db: Db, orgId: string, id: string): Promise<Department | null> => {
  const rows = await db.query<DepartmentRow>(`${DEPARTMENT_SELECT} where org_id = $1 and id = $2`, [orgId, id]);
  return rows[0] ? toDepartment(rows[0]) : null;
};

export const readMemberRow = async (db: Db, orgId: string, id: string): Promise<MemberRow | null> =>
  (await db.query<MemberRow>(`${MEMBER_SELECT} where m.org_id = $1 and m.id = $2`, [orgId, id]))[0] ?? null;

/**
 * The members a viewer may see in the org chart:
 * - offboarded members only for member admins (`org.member.manage`), who list them with status 'offboarded';
 * - hidden members only for those with `org.directory.hidden` — and a member always sees themselves;
 * - a **restricted-view** member (who is not an admin) sees only the members who share at least one
 *   department with them (primary or secondary, that department itself, not its sub-departments),
 *   plus themselves. The department tree itself stays whole: they see where people would be.
 */
export const listVisibleMembers = async (
  db: Db,
  orgId: string,
  viewer: { id: string; admin: boolean; seesHidden: boolean; restricted: boolean },
): Promise<MemberRow[]> =>
  db.query<MemberRow>(
    `${MEMBER_SELECT}
      where m.org_id = $1
        and (m.status = 'active' or $2::boolean)
        and (not m.hidden or $3::boolean or m.id = $4)
        and (not $5::boolean or m.id = $4
             or exists (select 1 from member_departments mine join member_departments theirs on theirs.department_id = mine.department_id
                         where mine.member_id = $4 and theirs.member_id = m.id))
      order by m.created_at, m.id`,
    [orgId, viewer.admin, viewer.seesHidden, viewer.id, viewer.restricted],
  );
