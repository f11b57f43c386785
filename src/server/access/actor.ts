import { MusterError, type PersonRef } from '@shared/contract';
import type { OrgRoleName } from '@shared/rules/permissions';
import type { Db } from '../storage';

/** The signed-in member behind a request, as authorization needs them. */
export interface Actor {
  id: string;
  orgId: string;
  orgRole: OrgRoleName;
  kind: 'employee' | 'guest';
  name: string;
  nameEn: string | null;
  restrictedView: boolean;
  primaryDepartmentId: string | null;
}

export const actorRef = (a: Actor): PersonRef => ({ id: a.id, name: a.name, nameEn: a.nameEn });

/**
 * Loads the actor fresh for every request: a role change or offboarding takes effect at once,
 * not when the access token expires. An offboarded member is `unauthorized`.
 */
export const loadActor = async (db: Db, memberId: string, orgId: string): Promise<Actor> => {
  const rows = await db.query<{
    id: string;
    org_id: string;
    role: OrgRoleName;
    kind: 'employee' | 'guest';
    name: string;
    name_en: string | null;
    restricted_view: boolean;
    status: string;
    primary_department_id: string | null;
  }>(
    `select m.id, m.org_id, m.role, m.kind, m.name, m.name_en, m.restricted_view, m.status,
            (select md.department_id from member_departments md where md.member_id = m.id and md.is_primary) as primary_department_id
       from members m where m.id = $1 and m.org_id = $2`,
    [memberId, orgId],
  );
  const r = rows[0];
  if (!r || r.status !== 'active') throw new MusterError('unauthorized', 'This account is no longer active');
  return {
    id: r.id,
    orgId: r.org_id,
    orgRole: r.role,
    kind: r.kind,
    name: r.name,
    nameEn: r.name_en,
    restrictedView: r.restricted_view,
    primaryDepartmentId: r.primary_department_id,
  };
};

/** True when `departmentId` is a department the member heads, or lies under one. */
export const headsDepartment = async (db: Db, memberId: string, departmentId: string | null): Promise<boolean> => {
  if (!departmentId) return false;
  const rows = await db.query<{ ok: boolean }>(
    `with recursive up(id, parent_id, head_id, depth) as (
       select id, parent_id, head_id, 0 from departments where id = $1
       union all
       select d.id, d.parent_id, d.head_id, up.depth + 1 from departments d join up on d.id = up.parent_id where up.depth < 64
     )
     select exists(select 1 from up where head_id = $2) as ok`,
    [departmentId, memberId],
  );
  return rows[0]?.ok === true;
};
