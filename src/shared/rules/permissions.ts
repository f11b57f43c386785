/**
 * The permission matrix (domain.md), as data. The server reads it for every decision; the client
 * reads it only to decide what to show. One home for each rule: nothing else in the code base says
 * who may do what.
 *
 * A rule grants an action by **org role** (super admin / department head / employee) or by
 * **group role** (owner / admin / member) — whichever grants more wins. Some grants carry a
 * condition the server checks against facts it has (the group's settings, the target's role):
 *
 * - `'allow'`       — granted.
 * - `'approval'`    — the request is accepted but waits for a super admin's approval.
 * - `'ownDepartments'` — granted when the group was created in a department the actor heads
 *                        (or any department under it).
 * - `'unlessOnlyAdminsInvite'` — granted unless the group restricts invitations to admins.
 * - `'ifAtAllEveryone'` / `'ifAtAllAdmins'` — granted by the group's "who may @all" setting.
 * - `'outranksTarget'` — granted when the target's group role is below the actor's
 *                         (an admin may act on members, the owner on admins and members).
 */
export const ORG_ROLES = ['super_admin', 'dept_head', 'employee'] as const;
export const GROUP_ROLES = ['owner', 'admin', 'member'] as const;
export type OrgRoleName = (typeof ORG_ROLES)[number];
export type GroupRoleName = (typeof GROUP_ROLES)[number];

export type Grant =
  | 'allow'
  | 'approval'
  | 'ownDepartments'
  | 'unlessOnlyAdminsInvite'
  | 'ifAtAllEveryone'
  | 'ifAtAllAdmins'
  | 'outranksTarget';

export interface PermissionRule {
  /** Granted by org role, whether or not the actor is in the group. */
  org?: Partial<Record<OrgRoleName, Grant>>;
  /** Granted by the actor's role in the group (only for group actions). */
  group?: Partial<Record<GroupRoleName, Grant>>;
  /** English, for the `forbidden` error and the admin docs. */
  description: string;
}

export const PERMISSIONS = {
  // ------------------------------------------------------------ organization
  'org.department.manage': { org: { super_admin: 'allow' }, description: 'create, rename, move, reorder or delete departments' },
  'org.member.manage': { org: { super_admin: 'allow' }, description: 'create, edit or offboard members and set their org role' },
  'org.member.import': { org: { super_admin: 'allow' }, description: 'import members from a CSV file' },
  'org.directory.hidden': { org: { super_admin: 'allow' }, description: 'see hidden members in the org chart' },
  'org.audit.read': { org: { super_admin: 'allow' }, description: 'read and export the audit log' },
  'org.request.decide': { org: { super_admin: 'allow' }, description: 'approve or reject requests that need approval' },
  'org.inviteKey.rotate': { org: { super_admin: 'allow' }, description: 'rotate the key that signs invite codes' },

  // ------------------------------------------------------------ creating groups
  'group.create.internal': {
    org: { super_admin: 'allow', dept_head: 'allow', employee: 'allow' },
    description: 'create an internal group',
  },
  'group.create.training': { org: { super_admin: 'allow', dept_head: 'allow' }, description: 'create a training group' },
  'group.create.external': {
    org: { super_admin: 'allow', dept_head: 'approval' },
    description: 'create an external group (with outside contacts)',
  },

  // ------------------------------------------------------------ in a group
  // Super admins may read any group of their organization (they may also force-dissolve it, and the admin pages list groups).
  'group.read': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow', member: 'allow' },
    description: 'read the group and its members',
  },
  'group.message.send': { group: { owner: 'allow', admin: 'allow', member: 'allow' }, description: 'send messages' },
  'group.message.atAll': {
    group: { owner: 'allow', admin: 'ifAtAllAdmins', member: 'ifAtAllEveryone' },
    description: 'mention everyone (@all)',
  },
  'group.rename': {
    org: { super_admin: 'allow', dept_head: 'ownDepartments' },
    group: { owner: 'allow', admin: 'allow' },
    description: 'rename the group or change its avatar colour',
  },
  'group.announcement': { org: { super_admin: 'allow' }, group: { owner: 'allow', admin: 'allow' }, description: 'edit the announcement' },
  'group.settings': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow' },
    description: 'change the group settings',
  },
  'group.member.add': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow', member: 'unlessOnlyAdminsInvite' },
    description: 'add members',
  },
  // Who may invite follows the group's "only admins may invite" setting, like adding members does.
  'group.invite.create': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow', member: 'unlessOnlyAdminsInvite' },
    description: 'create a QR code, invite link or live code for the group',
  },
  // Everyone sees and revokes their own invites; this grants all of the group's.
  'group.invite.manage': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow' },
    description: "see and revoke all of the group's invites",
  },
  'group.joinRequest.decide': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow' },
    description: 'approve or reject requests to join the group',
  },
  'group.member.remove': {
    org: { super_admin: 'allow' },
    group: { owner: 'outranksTarget', admin: 'outranksTarget' },
    description: 'remove a member (optionally banning them)',
  },
  'group.ban.manage': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow', admin: 'allow' },
    description: 'see and edit the ban list',
  },
  'group.member.mute': {
    org: { super_admin: 'allow' },
    group: { owner: 'outranksTarget', admin: 'outranksTarget' },
    description: 'mute or unmute one member',
  },
  'group.role.set': { org: { super_admin: 'allow' }, group: { owner: 'allow' }, description: 'make a member an admin or take it back' },
  'group.ownership.transfer': { org: { super_admin: 'allow' }, group: { owner: 'allow' }, description: 'transfer ownership' },
  'group.cap.upgrade': { org: { super_admin: 'allow' }, group: { owner: 'allow' }, description: 'upgrade the member cap to 2000' },
  'group.leave': { group: { admin: 'allow', member: 'allow' }, description: 'leave the group (an owner transfers ownership first)' },
  'group.dissolve': { group: { owner: 'allow' }, description: 'dissolve the group' },
  'group.dissolve.force': { org: { super_admin: 'allow' }, description: 'force-dissolve any group, keeping its history' },
  'group.departmentSync.close': {
    org: { super_admin: 'allow' },
    group: { owner: 'allow' },
    description: 'turn a department group into an ordinary group that no longer syncs',
  },
} as const satisfies Record<string, PermissionRule>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** What the server knows when it decides. Only the facts a rule's condition needs must be set. */
export interface PermissionFacts {
  orgRole: OrgRoleName;
  /** The actor's role in the group, or null when not a member (or not a group action). */
  groupRole?: GroupRoleName | null;
  /** The group was created in a department the actor heads (or a department under it). */
  headsGroupDepartment?: boolean;
  onlyAdminsInvite?: boolean;
  atAll?: 'everyone' | 'admins' | 'owner';
  /** The target member's role in the group (remove, mute). */
  targetRole?: GroupRoleName | null;
}

export type Decision = { allowed: true; approval: boolean } | { allowed: false };

const RANK: Record<GroupRoleName, number> = { owner: 3, admin: 2, member: 1 };

const grantHolds = (grant: Grant | undefined, facts: PermissionFacts, actorRole: GroupRoleName | null): boolean | 'approval' => {
  switch (grant) {
    case undefined:
      return false;
    case 'allow':
      return true;
    case 'approval':
      return 'approval';
    case 'ownDepartments':
      return facts.headsGroupDepartment === true;
    case 'unlessOnlyAdminsInvite':
      return facts.onlyAdminsInvite !== true;
    case 'ifAtAllEveryone':
      return facts.atAll === 'everyone';
    case 'ifAtAllAdmins':
      return facts.atAll === 'everyone' || facts.atAll === 'admins';
    case 'outranksTarget':
      // The org-level grant (super admin) has no group role: it outranks every group role but the owner's.
      if (actorRole === null) return facts.targetRole !== 'owner';
      return facts.targetRole != null && RANK[actorRole] > RANK[facts.targetRole];
  }
};

/**
 * Decides one action. A plain grant beats an approval: a super admin who is also a department head
 * creates an external group at once.
 */
export const decide = (permission: Permission, facts: PermissionFacts): Decision => {
  const rule: PermissionRule = PERMISSIONS[permission];
  const byOrg = grantHolds(rule.org?.[facts.orgRole], facts, null);
  const groupRole = facts.groupRole ?? null;
  const byGroup = groupRole ? grantHolds(rule.group?.[groupRole], facts, groupRole) : false;
  if (byOrg === true || byGroup === true) return { allowed: true, approval: false };
  if (byOrg === 'approval' || byGroup === 'approval') return { allowed: true, approval: true };
  return { allowed: false };
};

export const can = (permission: Permission, facts: PermissionFacts): boolean => decide(permission, facts).allowed;
