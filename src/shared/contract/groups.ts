import { z } from 'zod';
import { ANNOUNCEMENT_MAX_CHARS, GROUP_ADD_MAX, GROUP_NAME_MAX_CHARS } from '../rules/limits';
import { AvatarColor, GroupDetail, GroupMemberInfo, GroupRole, GroupSettings, GroupSummary, Id } from './model';

/**
 * Group management requests and pushes, merged into the wire (wire.ts). Every request is
 * authorized on the server from src/shared/rules/permissions.ts; a refusal is `forbidden` with
 * `details.permission` naming the permission that was missing.
 */

export const GroupName = z.string().trim().min(1).max(GROUP_NAME_MAX_CHARS);
const MemberIds = z
  .array(Id)
  .max(GROUP_ADD_MAX, `at most ${GROUP_ADD_MAX} members at once`)
  .refine((ids) => new Set(ids).size === ids.length, 'member ids must not repeat');

export const CreatableGroupType = z.enum(['internal', 'external', 'training']);

export const groupRequests = {
  /**
   * Creates a group owned by the caller (department groups come only from the org-chart sync).
   * A department head's external group waits for a super admin: `pendingRequestId` is set instead.
   */
  'groups:create': {
    request: z.object({
      name: GroupName,
      type: CreatableGroupType,
      memberIds: MemberIds,
      avatarColor: AvatarColor.optional(),
      settings: GroupSettings.partial().optional(),
    }),
    response: z.object({ group: GroupSummary.nullable(), pendingRequestId: Id.nullable() }),
  },
  'groups:detail': {
    request: z.object({ groupId: Id }),
    response: z.object({ group: GroupDetail }),
  },
  /**
   * Adds members. Adding an outside contact (guest) to an internal group never changes that group:
   * a new external group is created with its members plus the guests (`externalGroup`).
   */
  'groups:addMembers': {
    request: z.object({ groupId: Id, memberIds: MemberIds.min(1) }),
    // A department head adding a guest to an internal group files an external-group request instead
    // (group.create.external needs a super admin's approval): `pendingRequestId` is set.
    response: z.object({ added: z.array(Id), externalGroup: GroupSummary.nullable(), pendingRequestId: Id.nullable().default(null) }),
  },
  'groups:removeMember': {
    request: z.object({ groupId: Id, memberId: Id, ban: z.boolean().default(false) }),
    response: z.object({}),
  },
  'groups:unban': {
    request: z.object({ groupId: Id, memberId: Id }),
    response: z.object({}),
  },
  'groups:setRole': {
    request: z.object({ groupId: Id, memberId: Id, role: z.enum(['admin', 'member']) }),
    response: z.object({}),
  },
  'groups:transferOwnership': {
    request: z.object({ groupId: Id, memberId: Id }),
    response: z.object({}),
  },
  'groups:update': {
    request: z
      .object({ groupId: Id, name: GroupName.optional(), avatarColor: AvatarColor.optional() })
      .refine((r) => r.name !== undefined || r.avatarColor !== undefined, 'nothing to change'),
    response: z.object({}),
  },
  'groups:setAnnouncement': {
    request: z.object({ groupId: Id, text: z.string().max(ANNOUNCEMENT_MAX_CHARS) }),
    response: z.object({}),
  },
  'groups:updateSettings': {
    request: z
      .object({ groupId: Id, settings: GroupSettings.partial() })
      .refine((r) => Object.keys(r.settings).length > 0, 'nothing to change'),
    response: z.object({ settings: GroupSettings }),
  },
  'groups:muteMember': {
    request: z.object({ groupId: Id, memberId: Id, muted: z.boolean() }),
    response: z.object({}),
  },
  /** Internal groups only: 500 -> 2000. */
  'groups:upgradeCap': {
    request: z.object({ groupId: Id }),
    response: z.object({ memberCap: z.number().int().positive() }),
  },
  'groups:leave': {
    request: z.object({ groupId: Id }),
    response: z.object({}),
  },
  /** The owner dissolves; a super admin may force-dissolve any group (history is kept). */
  'groups:dissolve': {
    request: z.object({ groupId: Id }),
    response: z.object({}),
  },
  /** A department group becomes an ordinary internal group that no longer follows the org chart. */
  'groups:closeDepartmentSync': {
    request: z.object({ groupId: Id }),
    response: z.object({}),
  },
} as const;

export const RemovalReason = z.enum(['removed', 'banned', 'left', 'dissolved', 'offboarded', 'department']);

export const groupPushes = {
  /** To the member: a group appeared in their list (created, added, department sync). */
  'group:added': GroupSummary,
  /** To the member: they are no longer in the group; its messages stop. */
  'group:removed': z.object({ groupId: Id, reason: RemovalReason }),
  /** To the group: name, colour, cap, settings, announcement or member count changed. */
  'group:updated': z.object({
    groupId: Id,
    name: z.string(),
    type: GroupSummary.shape.type,
    avatarColor: AvatarColor,
    memberCap: z.number().int().positive(),
    memberCount: z.number().int().nonnegative(),
    departmentId: Id.nullable(),
    /** The settings as committed (clients with the info panel open update it without a refetch). */
    settings: GroupSettings.optional(),
  }),
  /** To the group: membership or roles changed (clients with the detail open refetch or patch it). */
  'group:members': z.object({
    groupId: Id,
    added: z.array(GroupMemberInfo),
    removed: z.array(Id),
    changed: z.array(z.object({ id: Id, role: GroupRole, muted: z.boolean() })),
  }),
} as const;

