import { z } from 'zod';
import {
  GROUP_DIRECTORY_PAGE_MAX,
  INVITE_MAX_USES_CHOICES,
  INVITE_TOKEN_MAX_CHARS,
  JOIN_REQUEST_MESSAGE_MAX_CHARS,
  LINK_INVITE_MAX_DAYS,
  LINK_INVITE_MIN_DAYS,
} from '../rules/limits';
import { AvatarColor, GroupSummary, GroupType, Id, IsoTime, JoinVerification, PersonRef } from './model';

/**
 * Joining groups (issue 6): invites (QR codes, links, live codes), the join preview and accept,
 * join requests for approval groups, and the org-wide directory of searchable groups. Merged into
 * the wire (wire.ts). Servers: src/server/invites (tokens, invites, live codes, join:*) and
 * src/server/joining (the join decision, requests, directory, membership provenance).
 *
 * A join that cannot happen is answered `conflict` with `details.reason` one of JoinRefusal, so the
 * client can say what happened and what to do; a permission refusal stays `forbidden`.
 */

export const InviteKind = z.enum(['qr', 'link', 'live']);
export type InviteKind = z.infer<typeof InviteKind>;

/** How a membership came about (recorded on the membership; shown in the member list). */
export const JoinVia = z.enum(['created', 'added', 'qr', 'link', 'live', 'directory', 'department', 'import', 'request']);
export type JoinVia = z.infer<typeof JoinVia>;

export const InviteToken = z.string().min(1).max(INVITE_TOKEN_MAX_CHARS);

export const InviteMaxUses = z
  .number()
  .int()
  .refine((n) => (INVITE_MAX_USES_CHOICES as readonly number[]).includes(n), `max uses is one of ${INVITE_MAX_USES_CHOICES.join(', ')}`)
  .nullable();

export const Invite = z.object({
  id: Id,
  groupId: Id,
  kind: InviteKind,
  /** The signed token; links are `muster://join/<token>` and `<server>/join/<token>` (see rules/join-link.ts). */
  token: z.string(),
  createdBy: PersonRef,
  createdAt: IsoTime,
  expiresAt: IsoTime,
  maxUses: z.number().int().positive().nullable(),
  /** People who actually joined through it. */
  uses: z.number().int().nonnegative(),
  revokedAt: IsoTime.nullable(),
});
export type Invite = z.infer<typeof Invite>;

/** A public key of the organization, for checking tokens offline (kiosks, scanners). */
export const InviteKey = z.object({
  keyId: z.number().int().nonnegative(),
  /** Ed25519 public key, 32 bytes, base64url. */
  publicKey: z.string(),
  createdAt: IsoTime,
  /**
   * When the key was retired (null: the active key). A retired key still verifies for
   * INVITE_KEY_GRACE_DAYS after this (tokens it signed expire by then): see inviteVerifyKeys in
   * rules/invite-token.ts.
   */
  retiredAt: IsoTime.nullable(),
});
export type InviteKey = z.infer<typeof InviteKey>;

export const JoinRefusal = z.enum([
  'invalid', // not a Muster invite, or its signature does not hold
  'expired',
  'revoked',
  'used_up',
  'wrong_org', // a valid code of another organization
  'banned', // on the group's ban list: never gets back in
  'removed', // was removed: may only ask for approval (accept with request: true)
  'dissolved',
  'full', // details: { groupId, memberCap, canUpgrade }
  'not_found', // the group does not exist, or is not listed in the directory
  'guest_not_allowed', // an outside contact and an internal or department group
  'real_name_unverified', // the group asks for a real name and the member's is not verified
  'real_name_not_confirmed', // accept without confirmRealName on a real-name group
]);
export type JoinRefusal = z.infer<typeof JoinRefusal>;

/** Where a join starts: a scanned / pasted / deep-linked token, or the directory. */
export const JoinTarget = z.discriminatedUnion('source', [
  z.object({ source: z.literal('token'), token: InviteToken }),
  z.object({ source: z.literal('directory'), groupId: Id }),
]);
export type JoinTarget = z.infer<typeof JoinTarget>;

/** What the person may do next, decided by the server for this member and this group. */
export const JoinNext = z.enum([
  'join', // join at once
  'confirm_real_name', // confirm the real name shown, then join
  'request', // send a request (see requestReason)
  'open', // already a member: open the group
  'pending', // a request of theirs is already waiting
  'full', // see canUpgrade
]);
export type JoinNext = z.infer<typeof JoinNext>;

export const JoinRequestReason = z.enum(['approval', 'face_unavailable', 'removed']);

export const JoinPreview = z.object({
  group: z.object({
    id: Id,
    name: z.string(),
    avatarColor: AvatarColor,
    type: GroupType,
    memberCount: z.number().int().nonnegative(),
    memberCap: z.number().int().positive(),
  }),
  via: z.enum(['qr', 'link', 'live', 'directory']),
  sharedBy: PersonRef.nullable(),
  expiresAt: IsoTime.nullable(),
  verification: JoinVerification,
  next: JoinNext,
  /** Set when next is 'request'. */
  requestReason: JoinRequestReason.nullable(),
  /** Set when next is 'full': the caller may upgrade the group to 2000 right here. */
  canUpgrade: z.boolean(),
  /** The member's own real name, shown on the confirm step. */
  realName: z.string().nullable(),
  /** A live code moved this person to an overflow group (the preview shows that group). */
  overflowFrom: z.object({ id: Id, name: z.string() }).nullable(),
});
export type JoinPreview = z.infer<typeof JoinPreview>;

export const JoinRequestStatus = z.enum(['pending', 'approved', 'rejected', 'cancelled']);

export const JoinRequest = z.object({
  id: Id,
  group: z.object({ id: Id, name: z.string(), avatarColor: AvatarColor }),
  requester: PersonRef,
  message: z.string(),
  via: JoinVia,
  sharedBy: PersonRef.nullable(),
  reason: JoinRequestReason,
  status: JoinRequestStatus,
  createdAt: IsoTime,
  decidedBy: PersonRef.nullable(),
  decidedAt: IsoTime.nullable(),
});
export type JoinRequest = z.infer<typeof JoinRequest>;

export const DirectoryGroup = z.object({
  id: Id,
  name: z.string(),
  avatarColor: AvatarColor,
  type: GroupType,
  memberCount: z.number().int().nonnegative(),
  memberCap: z.number().int().positive(),
  verification: JoinVerification,
  isMember: z.boolean(),
});
export type DirectoryGroup = z.infer<typeof DirectoryGroup>;

export const joiningRequests = {
  /** The organization's invite public keys, for checking tokens offline. Any member. */
  'invites:keys': {
    request: z.object({}),
    response: z.object({ orgId: Id, keys: z.array(InviteKey) }),
  },
  /**
   * A QR code (7 days), a link (1–30 days, optional max uses) or a live code (a QR that moves
   * joiners into an overflow group when full). Permission: group.invite.create.
   */
  'invites:create': {
    // Strict objects: the server refuses unknown keys at the top level, and a union is not an object it can make strict.
    request: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('qr'), groupId: Id }),
      z.strictObject({ kind: z.literal('live'), groupId: Id }),
      z.strictObject({
        kind: z.literal('link'),
        groupId: Id,
        expiresInDays: z.number().int().min(LINK_INVITE_MIN_DAYS).max(LINK_INVITE_MAX_DAYS),
        maxUses: InviteMaxUses,
      }),
    ]),
    response: z.object({ invite: Invite }),
  },
  /** Unexpired, unrevoked invites of a group: all of them for managers, one's own for others. */
  'invites:list': {
    request: z.object({ groupId: Id }),
    response: z.object({ invites: z.array(Invite) }),
  },
  'invites:revoke': {
    request: z.object({ inviteId: Id }),
    response: z.object({}),
  },
  /** Super admin: a new signing key; older keys keep verifying the tokens they signed. */
  'invites:rotateKey': {
    request: z.object({}),
    response: z.object({ keyId: z.number().int().nonnegative() }),
  },
  /**
   * What joining would do, for the signed-in member. Nothing is written — except that a live code
   * whose groups are all full opens its overflow group here (once, however many scan at the same
   * moment), so the preview can show the group the person will actually join (`overflowFrom`).
   */
  'join:preview': {
    request: z.object({ target: JoinTarget }),
    response: z.object({ preview: JoinPreview }),
  },
  /**
   * Joins (or files a request) as the signed-in member — never anyone else. `request: true` sends
   * a join request where the preview said 'request'; `confirmRealName` answers 'confirm_real_name'.
   */
  'join:accept': {
    request: z.object({
      target: JoinTarget,
      request: z.boolean().default(false),
      message: z.string().trim().max(JOIN_REQUEST_MESSAGE_MAX_CHARS).default(''),
      confirmRealName: z.boolean().default(false),
    }),
    response: z.discriminatedUnion('outcome', [
      z.object({ outcome: z.literal('joined'), group: GroupSummary }),
      z.object({ outcome: z.literal('requested'), request: JoinRequest }),
      z.object({ outcome: z.literal('member'), groupId: Id }),
    ]),
  },
  /** The inbox of those who decide (group owner and admins; super admins see every group's). */
  'join:requests:list': {
    request: z.object({ status: z.enum(['pending', 'all']).default('pending'), groupId: Id.optional() }),
    response: z.object({ requests: z.array(JoinRequest), pendingCount: z.number().int().nonnegative() }),
  },
  /** The requester's own requests (so "waiting for approval" survives a restart). */
  'join:requests:mine': {
    request: z.object({}),
    response: z.object({ requests: z.array(JoinRequest) }),
  },
  'join:requests:decide': {
    request: z.object({ id: Id, approve: z.boolean() }),
    response: z.object({ request: JoinRequest }),
  },
  'join:requests:cancel': {
    request: z.object({ id: Id }),
    response: z.object({}),
  },
  /** Searchable groups of the organization, by name (pinyin initials too). */
  'groups:directory': {
    request: z.object({
      query: z.string().trim().max(100).default(''),
      cursor: z.string().max(200).optional(),
      limit: z.number().int().min(1).max(GROUP_DIRECTORY_PAGE_MAX).default(20),
    }),
    response: z.object({ groups: z.array(DirectoryGroup), nextCursor: z.string().nullable() }),
  },
} as const;

export const joiningPushes = {
  /** To the group's owner and admins (and super admins): a request arrived or changed. */
  'join:request': z.object({ request: JoinRequest }),
  /** To the requester: approved (a `group:added` follows) or rejected. */
  'join:decided': z.object({ request: JoinRequest }),
} as const;
