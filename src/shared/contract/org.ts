import { z } from 'zod';
import {
  DEPARTMENT_NAME_MAX_CHARS,
  EMPLOYEE_ID_MAX_CHARS,
  IMPORT_BATCH_MAX_ROWS,
  MEMBER_NAME_MAX_CHARS,
  TITLE_MAX_CHARS,
} from '../rules/limits';
import { AccountName, Department, DirectoryMember, Id, IsoTime, MemberKind, OrgRole, PersonRef } from './model';

/**
 * Organization requests (socket.io, answered with a Result) and pushes. Merged into the wire's
 * `socketRequests` / `socketPushes` (wire.ts). Authorization: src/shared/rules/permissions.ts.
 */

const Name = (max: number) => z.string().trim().min(1).max(max);
const OptionalText = (max: number) => z.string().trim().max(max).nullable();

/** Mainland China mobile numbers (11 digits, 1[3-9]…), optionally +86; or any E.164 number with +. */
export const Mobile = z
  .string()
  .trim()
  .regex(/^(?:(?:\+?86[- ]?)?1[3-9]\d{9}|\+[1-9]\d{6,14})$/, 'mobile: 11 digits starting 13–19 (China), or +country code and number');

export const Email = z.email().max(254);

export const MemberFields = z.object({
  name: Name(MEMBER_NAME_MAX_CHARS),
  nameEn: OptionalText(MEMBER_NAME_MAX_CHARS).default(null),
  employeeId: z.string().trim().min(1).max(EMPLOYEE_ID_MAX_CHARS).regex(/^[A-Za-z0-9._-]+$/, 'employee id: letters, digits, . _ -').nullable().default(null),
  mobile: Mobile.nullable().default(null),
  email: Email.nullable().default(null),
  title: OptionalText(TITLE_MAX_CHARS).default(null),
  kind: MemberKind.default('employee'),
  hidden: z.boolean().default(false),
  restrictedView: z.boolean().default(false),
  realNameVerified: z.boolean().default(false),
});

/**
 * An update: only the fields given change. Not `MemberFields.partial()`: zod fills a defaulted
 * field in even when it is optional, so `{ title }` would also reset nameEn, mobile, flags… to
 * their defaults and wipe them.
 */
export const MemberFieldsPatch = z
  .object({
    name: MemberFields.shape.name,
    nameEn: MemberFields.shape.nameEn.unwrap(),
    employeeId: MemberFields.shape.employeeId.unwrap(),
    mobile: MemberFields.shape.mobile.unwrap(),
    email: MemberFields.shape.email.unwrap(),
    title: MemberFields.shape.title.unwrap(),
    kind: MemberFields.shape.kind.unwrap(),
    hidden: MemberFields.shape.hidden.unwrap(),
    restrictedView: MemberFields.shape.restrictedView.unwrap(),
    realNameVerified: MemberFields.shape.realNameVerified.unwrap(),
  })
  .partial();

/** Department memberships of one member: one primary, the others secondary (WeCom allows several). */
export const MemberDepartments = z
  .object({ departmentIds: z.array(Id).min(1).max(20), primaryDepartmentId: Id })
  .refine((d) => d.departmentIds.includes(d.primaryDepartmentId), 'the primary department must be one of departmentIds')
  .refine((d) => new Set(d.departmentIds).size === d.departmentIds.length, 'departmentIds must not repeat');

/**
 * One CSV row after parsing (src/shared/rules/member-csv.ts); the server validates it again.
 * Strict: an unknown key in a row is refused, not dropped (the socket boundary is strict only at the top level).
 */
export const ImportRow = z.strictObject({
  /** 1-based line in the file (for error messages). */
  line: z.number().int().positive(),
  employeeId: z.string().max(200),
  name: z.string().max(200),
  nameEn: z.string().max(200),
  mobile: z.string().max(200),
  departmentPath: z.string().max(1000),
  title: z.string().max(200),
  email: z.string().max(400),
});
export type ImportRow = z.infer<typeof ImportRow>;

export const ImportRowError = z.object({
  line: z.number().int().positive(),
  field: z.enum(['employeeId', 'name', 'nameEn', 'mobile', 'departmentPath', 'title', 'email', 'row']),
  code: z.enum(['missing', 'malformed', 'duplicate_in_file', 'duplicate_in_org', 'unknown_department', 'too_long']),
  message: z.string(),
});
export type ImportRowError = z.infer<typeof ImportRowError>;

export const ExternalGroupRequest = z.object({
  id: Id,
  requester: PersonRef,
  name: z.string(),
  memberIds: z.array(Id),
  status: z.enum(['pending', 'approved', 'rejected']),
  createdAt: IsoTime,
  decidedAt: IsoTime.nullable(),
  /** Set once approved. */
  groupId: Id.nullable(),
});
export type ExternalGroupRequest = z.infer<typeof ExternalGroupRequest>;

export const orgRequests = {
  /** The org chart as the caller may see it (hidden members only for those allowed; restricted-view members see their own departments). */
  'org:chart': {
    request: z.object({}),
    response: z.object({ departments: z.array(Department), members: z.array(DirectoryMember), version: z.number().int().nonnegative() }),
  },
  'org:department:create': {
    request: z.object({ parentId: Id, name: Name(DEPARTMENT_NAME_MAX_CHARS), nameEn: OptionalText(DEPARTMENT_NAME_MAX_CHARS).default(null) }),
    response: z.object({ department: Department }),
  },
  'org:department:update': {
    request: z.object({
      id: Id,
      name: Name(DEPARTMENT_NAME_MAX_CHARS).optional(),
      nameEn: OptionalText(DEPARTMENT_NAME_MAX_CHARS).optional(),
      headId: Id.nullable().optional(),
    }),
    response: z.object({ department: Department }),
  },
  /** Moves a department under another (never into its own subtree), at `index` among its new siblings. */
  'org:department:move': {
    request: z.object({ id: Id, parentId: Id, index: z.number().int().nonnegative().max(10_000).optional() }),
    response: z.object({ department: Department }),
  },
  /** Sets the order of a department's children: `orderedIds` must be exactly its children. */
  'org:department:reorder': {
    request: z.object({ parentId: Id, orderedIds: z.array(Id).max(10_000) }),
    response: z.object({}),
  },
  /** Deletes an empty department; with `moveMembersTo`, its members (and sub-departments' members) move there first. */
  'org:department:delete': {
    request: z.object({ id: Id, moveMembersTo: Id.optional() }),
    response: z.object({ movedMembers: z.number().int().nonnegative() }),
  },
  'org:member:create': {
    request: z.object({ account: AccountName, role: OrgRole.default('employee'), fields: MemberFields, departments: MemberDepartments }),
    // The initial password is shown once to the admin who created the account.
    response: z.object({ member: DirectoryMember, initialPassword: z.string() }),
  },
  'org:member:update': {
    request: z.object({ id: Id, fields: MemberFieldsPatch }),
    response: z.object({ member: DirectoryMember }),
  },
  'org:member:setDepartments': {
    request: z.object({ id: Id, departments: MemberDepartments }),
    response: z.object({ member: DirectoryMember }),
  },
  'org:member:setRole': {
    request: z.object({ id: Id, role: OrgRole }),
    response: z.object({ member: DirectoryMember }),
  },
  /** Revokes every session, removes them from every group, keeps what they wrote. */
  'org:member:offboard': {
    request: z.object({ id: Id }),
    response: z.object({ member: DirectoryMember, groupsLeft: z.number().int().nonnegative() }),
  },
  /** One all-or-nothing batch of at most IMPORT_BATCH_MAX_ROWS rows. */
  'org:import:batch': {
    request: z.object({ rows: z.array(ImportRow).min(1).max(IMPORT_BATCH_MAX_ROWS, `at most ${IMPORT_BATCH_MAX_ROWS} rows a batch`) }),
    response: z.discriminatedUnion('imported', [
      z.object({ imported: z.literal(true), created: z.number().int(), members: z.array(z.object({ line: z.number().int(), id: Id, account: z.string(), initialPassword: z.string() })) }),
      z.object({ imported: z.literal(false), errors: z.array(ImportRowError) }),
    ]),
  },
  'org:requests:list': {
    request: z.object({ status: z.enum(['pending', 'all']).default('pending') }),
    response: z.object({ requests: z.array(ExternalGroupRequest) }),
  },
  'org:requests:decide': {
    request: z.object({ id: Id, approve: z.boolean() }),
    response: z.object({ request: ExternalGroupRequest }),
  },
} as const;

export const orgPushes = {
  /** The org chart changed (to every member of the org): refetch `org:chart` when `version` is newer. */
  'org:changed': z.object({ version: z.number().int().nonnegative() }),
  /** A pending request for super admins, or its decision for the requester. */
  'org:request': ExternalGroupRequest,
} as const;
