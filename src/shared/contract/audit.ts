import { z } from 'zod';
import { AUDIT_PAGE_MAX } from '../rules/limits';
import { Id, IsoTime, PersonRef } from './model';

/** The hash-chained audit log (server: src/server/audit). */
export const AuditTargetType = z.enum(['org', 'department', 'member', 'group', 'group_member', 'request']);

export const AuditEntry = z.object({
  seq: z.number().int().positive(),
  at: IsoTime,
  actor: PersonRef.nullable(), // null: the system (department sync)
  action: z.string(),
  targetType: AuditTargetType,
  targetId: z.string(),
  targetLabel: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  hash: z.string(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

// Strict: an unknown filter key is refused, not silently dropped (the socket boundary is strict only at the top level).
export const AuditFilter = z.strictObject({
  actorId: Id.optional(),
  /** A prefix: `group.member` finds `group.member.add` and `group.member.remove`. */
  action: z.string().max(64).optional(),
  targetType: AuditTargetType.optional(),
  targetId: z.string().max(64).optional(),
  /** Inclusive. */
  from: IsoTime.optional(),
  /** Exclusive. */
  to: IsoTime.optional(),
});
export type AuditFilter = z.infer<typeof AuditFilter>;

export const auditRequests = {
  /** Newest first; `beforeSeq` pages back. */
  'audit:list': {
    request: z.object({
      filter: AuditFilter.default({}),
      beforeSeq: z.number().int().positive().optional(),
      limit: z.number().int().min(1).max(AUDIT_PAGE_MAX).default(50),
    }),
    response: z.object({ entries: z.array(AuditEntry), hasMore: z.boolean() }),
  },
  /** The filtered log as CSV text (formula-looking cells neutralized), newest first; `truncated`: only the newest rows fit one answer. */
  'audit:export': {
    request: z.object({ filter: AuditFilter.default({}) }),
    response: z.object({ csv: z.string(), rows: z.number().int().nonnegative(), truncated: z.boolean().optional() }),
  },
  /** Checks the chain; `firstBad` names the first entry that does not verify. */
  'audit:verify': {
    request: z.object({}),
    response: z.object({ entries: z.number().int().nonnegative(), firstBad: z.number().int().positive().nullable(), reason: z.string().nullable() }),
  },
} as const;
