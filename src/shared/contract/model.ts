import { z } from 'zod';
import { MESSAGE_MAX_CHARS, PASSWORD_MAX_CHARS, SEQ_MAX } from '../rules/limits';

/** Entities as they travel between server, main and renderer. Timestamps are ISO-8601 strings. */
export const Id = z.uuid();
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

export const OrgRole = z.enum(['super_admin', 'dept_head', 'employee']);
export const GroupType = z.enum(['internal', 'external', 'department', 'training']);
export const GroupRole = z.enum(['owner', 'admin', 'member']);

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
});
export type GroupSummary = z.infer<typeof GroupSummary>;
