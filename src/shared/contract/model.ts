import { z } from 'zod';
import { AVATAR_COLORS, MESSAGE_MAX_CHARS, PASSWORD_MAX_CHARS, SEQ_MAX } from '../rules/limits';
import { GROUP_ROLES, ORG_ROLES } from '../rules/permissions';

/** Entities as they travel between server, main and renderer. Timestamps are ISO-8601 strings. */
export const Id = z.uuid();
/** The palette a group avatar may take (limits.ts); never free-form CSS. */
export const AvatarColor = z.enum(AVATAR_COLORS);
export const IsoTime = z.iso.datetime({ offset: true });
/** A per-group message sequence number (0 = before the first message). */
export const Seq = z.number().int().nonnegative().max(SEQ_MAX);

export const OrgSlug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'organization code: 2–63 letters, digits or dashes');
export const AccountName = z.string().trim().min(1).max(64);
export const Password = z.string().min(1).max(PASSWORD_MAX_CHARS);

export const OrgRole = z.enum(ORG_ROLES);
export const GroupType = z.enum(['internal', 'external', 'department', 'training']);
export const GroupRole = z.enum(GROUP_ROLES);
/** A guest is an outside contact: only ever in external or training groups (enforced by the database). */
export const MemberKind = z.enum(['employee', 'guest']);
export type MemberKind = z.infer<typeof MemberKind>;

export const OrgInfo = z.object({ id: Id, slug: z.string(), name: z.string(), nameEn: z.string().nullable() });
export type OrgInfo = z.infer<typeof OrgInfo>;

export const MemberProfile = z.object({
  id: Id,
  orgId: Id,
  account: z.string(),
  name: z.string(), // real name as shown in the org chart (often Chinese)
  nameEn: z.string().nullable(),
  role: OrgRole,
  departmentId: Id.nullable(),
  title: z.string().nullable(),
});
export type MemberProfile = z.infer<typeof MemberProfile>;

/** A message body: non-blank, bounded. Kept verbatim (no trimming: whitespace can be meaningful). */
export const MessageBody = z
  .string()
  .max(MESSAGE_MAX_CHARS)
  .refine((s) => s.trim().length > 0, 'message is empty');

export const MessageKind = z.enum(['text', 'system']);

/** Who a system message is about, with both names so every reader sees their own language. */
export const PersonRef = z.object({ id: Id, name: z.string(), nameEn: z.string().nullable() });
export type PersonRef = z.infer<typeof PersonRef>;

/**
 * What a system message says, as data: the client renders it in the reader's language
 * (张伟 邀请 李娜 加入群聊 / Zhang Wei added Li Na). `body` carries a bilingual fallback for old clients.
 */
export const SystemEventType = z.enum([
  'created', // actor created the group
  'members_added', // actor added targets
  'member_joined', // targets[0] joined by themselves (department sync, later: QR / link)
  'member_joined_via', // targets[0] joined through `data.via` (qr, link, live, directory); targets[1] shared the code; actor approved their request (null: joined at once)
  'member_removed', // actor removed targets[0]
  'member_banned', // actor removed and banned targets[0]
  'member_left', // targets[0] left
  'role_changed', // actor made targets[0] `data.role`
  'owner_transferred', // actor handed ownership to targets[0]
  'renamed', // actor renamed the group to `data.name`
  'avatar_changed',
  'announcement', // actor posted the announcement `data.text`
  'settings_changed', // actor changed `data.settings` (the keys that changed)
  'member_muted', // actor muted (data.muted true) or unmuted targets[0]
  'cap_upgraded', // actor raised the cap to `data.cap`
  'department_sync_closed', // actor turned a department group into an ordinary group
  'dissolved', // actor dissolved the group
]);
export type SystemEventType = z.infer<typeof SystemEventType>;

export const SystemEvent = z.object({
  type: SystemEventType,
  actor: PersonRef.nullable(), // null when the system did it (department sync)
  targets: z.array(PersonRef).max(200),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.array(z.string())])).optional(),
});
export type SystemEvent = z.infer<typeof SystemEvent>;

export const Message = z.object({
  id: Id,
  groupId: Id,
  seq: Seq.min(1), // dense, per group, assigned by the server
  senderId: Id.nullable(), // null for system messages
  senderName: z.string(),
  kind: MessageKind,
  body: z.string(),
  clientId: Id.nullable(), // the sender's idempotency key
  createdAt: IsoTime,
  /** Set on system messages written since structured events exist; older ones have only `body`. */
  system: SystemEvent.nullable().default(null),
});
export type Message = z.infer<typeof Message>;

export const GroupSummary = z.object({
  id: Id,
  orgId: Id,
  name: z.string(),
  type: GroupType,
  memberCount: z.number().int().nonnegative(),
  myRole: GroupRole,
  lastSeq: Seq,
  lastReadSeq: Seq,
  lastMessage: Message.nullable(),
  updatedAt: IsoTime,
  avatarColor: AvatarColor.default('blue'),
  memberCap: z.number().int().positive().default(500),
  /** Set for department groups that follow the org chart. */
  departmentId: Id.nullable().default(null),
});
export type GroupSummary = z.infer<typeof GroupSummary>;

// ------------------------------------------------------------------ groups: settings and detail

export const JoinVerification = z.enum(['none', 'approval', 'real_name', 'face']);
export const AtAllPolicy = z.enum(['everyone', 'admins', 'owner']);
export const NewcomerHistory = z.enum(['last100', 'none']);

export const GroupSettings = z.object({
  joinVerification: JoinVerification,
  /** Listed in the org-wide group directory. */
  searchable: z.boolean(),
  onlyAdminsInvite: z.boolean(),
  muteAll: z.boolean(),
  atAll: AtAllPolicy,
  newcomerHistory: NewcomerHistory,
});
export type GroupSettings = z.infer<typeof GroupSettings>;

export const GroupMemberInfo = z.object({
  id: Id,
  name: z.string(),
  nameEn: z.string().nullable(),
  title: z.string().nullable(),
  kind: MemberKind,
  role: GroupRole,
  muted: z.boolean(),
  joinedAt: IsoTime,
});
export type GroupMemberInfo = z.infer<typeof GroupMemberInfo>;

export const GroupBan = z.object({ member: PersonRef, bannedBy: PersonRef.nullable(), at: IsoTime });
export type GroupBan = z.infer<typeof GroupBan>;

export const GroupDetail = z.object({
  id: Id,
  orgId: Id,
  name: z.string(),
  type: GroupType,
  avatarColor: AvatarColor,
  memberCap: z.number().int().positive(),
  memberCount: z.number().int().nonnegative(),
  departmentId: Id.nullable(),
  announcement: z
    .object({ text: z.string(), by: PersonRef.nullable(), at: IsoTime })
    .nullable(),
  settings: GroupSettings,
  members: z.array(GroupMemberInfo),
  /** Only for those who may manage the ban list; empty otherwise. */
  bans: z.array(GroupBan),
  createdAt: IsoTime,
});
export type GroupDetail = z.infer<typeof GroupDetail>;

// ------------------------------------------------------------------ organization

export const Department = z.object({
  id: Id,
  parentId: Id.nullable(),
  name: z.string(),
  nameEn: z.string().nullable(),
  sort: z.number().int(),
  headId: Id.nullable(),
});
export type Department = z.infer<typeof Department>;

/** A member as the org chart shows them. Admin-only fields are null for everyone else. */
export const DirectoryMember = z.object({
  id: Id,
  account: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  title: z.string().nullable(),
  role: OrgRole,
  kind: MemberKind,
  /** The primary department first. */
  departmentIds: z.array(Id),
  primaryDepartmentId: Id.nullable(),
  employeeId: z.string().nullable(),
  mobile: z.string().nullable(),
  email: z.string().nullable(),
  hidden: z.boolean(),
  restrictedView: z.boolean(),
  realNameVerified: z.boolean(),
  status: z.enum(['active', 'offboarded']),
});
export type DirectoryMember = z.infer<typeof DirectoryMember>;
