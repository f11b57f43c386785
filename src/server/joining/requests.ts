import type { JoinRequest } from '@shared/contract';
import { can, GROUP_ROLES, ORG_ROLES, type GroupRoleName, type OrgRoleName } from '@shared/rules/permissions';
import type { Db } from '../storage';
import { toIso } from '../storage';

/** Rows of join_requests as the contract shows them, and who decides them. */

export interface JoinRequestRow {
  id: string;
  org_id: string;
  group_id: string;
  group_name: string;
  avatar_color: JoinRequest['group']['avatarColor'];
  requester_id: string;
  requester_name: string;
  requester_name_en: string | null;
  message: string;
  via: JoinRequest['via'];
  shared_by: string | null;
  shared_by_name: string | null;
  shared_by_name_en: string | null;
  reason: JoinRequest['reason'];
  status: JoinRequest['status'];
  created_at: Date | string;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_by_name_en: string | null;
  decided_at: Date | string | null;
}

export const REQUEST_SELECT = `select r.id, r.org_id, r.group_id, g.name as group_name, g.avatar_color,
    r.requester_id, q.name as requester_name, q.name_en as requester_name_en, r.message, r.via,
    r.shared_by, s.name as shared_by_name, s.name_en as shared_by_name_en, r.reason, r.status, r.created_at,
    r.decided_by, d.name as decided_by_name, d.name_en as decided_by_name_en, r.decided_at
  from join_requests r
  join groups g on g.id = r.group_id
  join members q on q.id = r.requester_id
  left join members s on s.id = r.shared_by
  left join members d on d.id = r.decided_by`;

export const toJoinRequest = (r: JoinRequestRow): JoinRequest => ({
  id: r.id,
  group: { id: r.group_id, name: r.group_name, avatarColor: r.avatar_color },
  requester: { id: r.requester_id, name: r.requester_name, nameEn: r.requester_name_en },
  message: r.message,
  via: r.via,
  sharedBy: r.shared_by ? { id: r.shared_by, name: r.shared_by_name ?? '', nameEn: r.shared_by_name_en } : null,
  reason: r.reason,
  status: r.status,
  createdAt: toIso(r.created_at),
  decidedBy: r.decided_by ? { id: r.decided_by, name: r.decided_by_name ?? '', nameEn: r.decided_by_name_en } : null,
  decidedAt: r.decided_at === null ? null : toIso(r.decided_at),
});

export const readJoinRequest = async (db: Db, id: string): Promise<JoinRequest | null> => {
  const rows = await db.query<JoinRequestRow>(`${REQUEST_SELECT} where r.id = $1`, [id]);
  return rows[0] ? toJoinRequest(rows[0]) : null;
};

const DECIDE = 'group.joinRequest.decide' as const;

/** Org roles that decide every group's requests, read from the permission table. */
export const orgWideDeciderRoles = (): OrgRoleName[] => ORG_ROLES.filter((r) => can(DECIDE, { orgRole: r, groupRole: null }));

/** Group roles that decide a group's requests for someone of this org role, read from the permission table. */
export const deciderGroupRoles = (orgRole: OrgRoleName): GroupRoleName[] =>
  GROUP_ROLES.filter((g) => can(DECIDE, { orgRole, groupRole: g }));

/**
 * Everyone who may decide the group's requests (they get `join:request`): candidates by org role or
 * group role, each confirmed against the permission table with their own facts.
 */
export const decidersOf = async (db: Db, orgId: string, groupId: string): Promise<string[]> => {
  const groupRoles = [...new Set(ORG_ROLES.flatMap((r) => deciderGroupRoles(r)))];
  const rows = await db.query<{ id: string; role: OrgRoleName; group_role: GroupRoleName | null }>(
    `select m.id, m.role, gm.role as group_role
       from members m left join group_members gm on gm.member_id = m.id and gm.group_id = $2
      where m.org_id = $1 and m.status = 'active' and (m.role = any($3::text[]) or gm.role = any($4::text[]))`,
    [orgId, groupId, orgWideDeciderRoles(), groupRoles],
  );
  return rows.filter((r) => can(DECIDE, { orgRole: r.role, groupRole: r.group_role })).map((r) => r.id);
};
