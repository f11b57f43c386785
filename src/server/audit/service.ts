import type { AuditEntry, AuditFilter } from '@shared/contract';
import { toCsv, type CsvCell } from '@shared/rules/member-csv';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';
import { entryHash, GENESIS_HASH } from './chain';

/**
 * Reading the audit log: list (newest first, paged by seq), CSV export, and verifying the hash
 * chain. Writing is `appendAudit` (writer.ts), inside the transaction of the change it records.
 */

/** An export is one socket answer: beyond this many rows the newest are exported and `truncated` is set. */
export const AUDIT_EXPORT_MAX_ROWS = 20_000;

interface AuditRow {
  seq: number | string;
  at: Date | string;
  actor_id: string | null;
  actor_name: string | null;
  actor_name_en: string | null;
  action: string;
  target_type: AuditEntry['targetType'];
  target_id: string;
  target_label: string;
  before: unknown;
  after: unknown;
  prev_hash: string;
  hash: string;
}

const COLUMNS =
  'seq, at, actor_id, actor_name, actor_name_en, action, target_type, target_id, target_label, before, after, prev_hash, hash';

const toEntry = (r: AuditRow): AuditEntry => ({
  seq: toInt(r.seq),
  at: toIso(r.at),
  actor: r.actor_id ? { id: r.actor_id, name: r.actor_name ?? '', nameEn: r.actor_name_en } : null,
  action: r.action,
  targetType: r.target_type,
  targetId: r.target_id,
  targetLabel: r.target_label,
  before: r.before ?? null,
  after: r.after ?? null,
  hash: r.hash,
});

/** `where` clause over the filter; `from` is inclusive, `to` exclusive; `action` is a prefix (`group.member` finds `group.member.add`). */
const filterSql = (orgId: string, f: AuditFilter, beforeSeq?: number): { where: string; params: unknown[] } => {
  const params: unknown[] = [orgId];
  const clauses = ['org_id = $1'];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    clauses.push(sql(`$${params.length}`));
  };
  if (f.actorId) add((p) => `actor_id = ${p}::uuid`, f.actorId);
  // A prefix compare, not LIKE: action names contain `_`, a LIKE wildcard.
  if (f.action) add((p) => `left(action, length(${p}::text)) = ${p}::text`, f.action);
  if (f.targetType) add((p) => `target_type = ${p}`, f.targetType);
  if (f.targetId) add((p) => `target_id = ${p}`, f.targetId);
  if (f.from) add((p) => `at >= ${p}::timestamptz`, f.from);
  if (f.to) add((p) => `at < ${p}::timestamptz`, f.to);
  if (beforeSeq !== undefined) add((p) => `seq < ${p}`, beforeSeq);
  return { where: clauses.join(' and '), params };
};

const limitParam = (params: unknown[], n: number): string => {
  params.push(n);
  return `$${params.length}`;
};

export const listAudit = async (
  db: Db,
  orgId: string,
  req: { filter: AuditFilter; beforeSeq?: number | undefined; limit: number },
): Promise<{ entries: AuditEntry[]; hasMore: boolean }> => {
  const { where, params } = filterSql(orgId, req.filter, req.beforeSeq);
  const limit = limitParam(params, req.limit + 1);
  const rows = await db.query<AuditRow>(`select ${COLUMNS} from audit_log where ${where} order by seq desc limit ${limit}`, params);
  return { entries: rows.slice(0, req.limit).map(toEntry), hasMore: rows.length > req.limit };
};

const json = (v: unknown): string => (v === null || v === undefined ? '' : JSON.stringify(v));

export const AUDIT_CSV_HEADER = [
  '序号 Seq',
  '时间 Time (UTC)',
  '操作人 Actor',
  '操作人英文名 Actor (English)',
  '操作人 ID Actor ID',
  '操作 Action',
  '对象类型 Target type',
  '对象 ID Target ID',
  '对象 Target',
  '变更前 Before',
  '变更后 After',
  '哈希 Hash',
];

/** The filtered log as CSV (newest first, like the list), every cell through the shared writer (formulas neutralized). */
export const exportAudit = async (
  db: Db,
  orgId: string,
  filter: AuditFilter,
  maxRows: number = AUDIT_EXPORT_MAX_ROWS,
): Promise<{ csv: string; rows: number; truncated: boolean }> => {
  const { where, params } = filterSql(orgId, filter);
  const limit = limitParam(params, maxRows + 1);
  const rows = await db.query<AuditRow>(`select ${COLUMNS} from audit_log where ${where} order by seq desc limit ${limit}`, params);
  const kept = rows.slice(0, maxRows);
  const lines: CsvCell[][] = [AUDIT_CSV_HEADER];
  for (const r of kept) {
    const e = toEntry(r);
    const actor = [e.actor?.name ?? '', e.actor?.nameEn ?? '', e.actor?.id ?? ''];
    lines.push([e.seq, e.at, ...actor, e.action, e.targetType, e.targetId, e.targetLabel, json(e.before), json(e.after), e.hash]);
  }
  return { csv: toCsv(lines), rows: kept.length, truncated: rows.length > maxRows };
};

export interface ChainReport {
  /** Entries checked (up to and including the first bad one). */
  entries: number;
  /** The first seq that does not verify (for a deleted entry: the missing seq), or null. */
  firstBad: number | null;
  reason: string | null;
}

const VERIFY_PAGE = 1000;

/**
 * Walks one organization's chain in seq order from the genesis hash: every seq present (1, 2, 3…),
 * every entry's `prev_hash` equal to the previous entry's hash, every hash recomputed from the
 * entry's fields. Stops at the first bad entry and says why. Reads in pages (an org's log grows
 * without bound). A truncated tail (the newest entries deleted) leaves a valid shorter chain: the
 * chain cannot see it by itself.
 */
export const verifyChain = async (db: Db, orgId: string): Promise<ChainReport> => {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  for (;;) {
    const rows = await db.query<AuditRow>(
      `select ${COLUMNS} from audit_log where org_id = $1 and seq >= $2 order by seq limit ${VERIFY_PAGE}`,
      [orgId, expectedSeq],
    );
    for (const r of rows) {
      const seq = toInt(r.seq);
      checked++;
      if (seq !== expectedSeq) {
        const missing = seq - expectedSeq === 1 ? `entry ${expectedSeq} is missing` : `entries ${expectedSeq}–${seq - 1} are missing`;
        const reason = `gap in seq: ${missing} (the chain goes from ${expectedSeq - 1} to ${seq})`;
        return { entries: checked, firstBad: expectedSeq, reason };
      }
      if (r.prev_hash !== prevHash) {
        return {
          entries: checked,
          firstBad: seq,
          reason:
            `prev-hash mismatch: entry ${seq} does not point at entry ${seq - 1}'s hash ` +
            '(an entry before it was replaced, or rows were reordered)',
        };
      }
      const recomputed = entryHash({
        orgId,
        seq,
        at: toIso(r.at),
        actorId: r.actor_id,
        actorName: r.actor_name,
        actorNameEn: r.actor_name_en,
        action: r.action,
        targetType: r.target_type,
        targetId: r.target_id,
        targetLabel: r.target_label,
        before: r.before ?? null,
        after: r.after ?? null,
        prevHash: r.prev_hash,
      });
      if (recomputed !== r.hash) {
        return { entries: checked, firstBad: seq, reason: `hash mismatch: entry ${seq} was changed after it was written` };
      }
      prevHash = r.hash;
      expectedSeq++;
    }
    if (rows.length < VERIFY_PAGE) return { entries: checked, firstBad: null, reason: null };
  }
};
