import type { AuditEntry } from '@shared/contract';
import type { Db } from '../storage';
import { toInt } from '../storage';
import { entryHash, GENESIS_HASH } from './chain';

/** The org-chart, membership, role, setting and permission changes the log records. */
export interface AuditRecord {
  orgId: string;
  /** null: the system (department sync, scheduled jobs). */
  actor: { id: string; name: string; nameEn: string | null } | null;
  /** Dotted verb, e.g. `group.member.add`, `org.department.move`. */
  action: string;
  targetType: AuditEntry['targetType'];
  targetId: string;
  /** What a person reading the log recognises (a name), copied: the target may be gone later. */
  targetLabel: string;
  before?: unknown;
  after?: unknown;
}

/**
 * Appends one entry inside the caller's transaction, so the log and the change commit together.
 * Entries of one organization are serialised by a transaction-level advisory lock on the org: the
 * chain never forks, on PGlite or across several PostgreSQL-backed nodes.
 */
export const appendAudit = (tx: Db, r: AuditRecord): Promise<void> => appendAuditMany(tx, [r]);

const COLUMNS_PER_ENTRY = 14;

/**
 * Appends several entries of one organization, in order, with one lock, one read of the chain's
 * head and one insert (a CSV import writes hundreds at once). Same chain as one `appendAudit` each.
 */
export const appendAuditMany = async (tx: Db, records: readonly AuditRecord[]): Promise<void> => {
  const orgId = records[0]?.orgId;
  if (orgId === undefined) return;
  if (records.some((r) => r.orgId !== orgId)) throw new Error('appendAuditMany: entries of one organization at a time');
  await tx.query(`select pg_advisory_xact_lock(hashtext('audit:' || $1::text))`, [orgId]);
  const last = await tx.query<{ seq: number | string; hash: string }>(
    'select seq, hash from audit_log where org_id = $1 order by seq desc limit 1',
    [orgId],
  );
  let seq = last[0] ? toInt(last[0].seq) : 0;
  let prevHash = last[0]?.hash ?? GENESIS_HASH;
  // Millisecond precision: what timestamptz stores (µs) and toISOString reads back agree on it.
  const at = new Date(Math.floor(Date.now())).toISOString();
  const params: unknown[] = [];
  const tuples: string[] = [];
  for (const r of records) {
    seq++;
    // The stored JSON must hash the same when read back: round-trip it through JSON now.
    const before = r.before === undefined ? null : (JSON.parse(JSON.stringify(r.before)) as unknown);
    const after = r.after === undefined ? null : (JSON.parse(JSON.stringify(r.after)) as unknown);
    const fields = {
      orgId,
      seq,
      at,
      actorId: r.actor?.id ?? null,
      actorName: r.actor?.name ?? null,
      actorNameEn: r.actor?.nameEn ?? null,
      action: r.action,
      targetType: r.targetType,
      targetId: r.targetId,
      targetLabel: r.targetLabel,
      before,
      after,
      prevHash,
    };
    const hash = entryHash(fields);
    const base = params.length;
    params.push(
      orgId, seq, at, fields.actorId, fields.actorName, fields.actorNameEn, r.action, r.targetType, r.targetId, r.targetLabel,
      before === null ? null : JSON.stringify(before), after === null ? null : JSON.stringify(after), prevHash, hash,
    );
    const p = Array.from({ length: COLUMNS_PER_ENTRY }, (_, i) => `$${base + i + 1}${i === 10 || i === 11 ? '::jsonb' : ''}`);
    tuples.push(`(${p.join(', ')})`);
    prevHash = hash;
  }
  await tx.query(
    `insert into audit_log (org_id, seq, at, actor_id, actor_name, actor_name_en, action, target_type, target_id, target_label, before, after, prev_hash, hash)
     values ${tuples.join(', ')}`,
    params,
  );
};
