import type { AuditEntry, AuditFilter } from '@shared/contract';

/** Pure helpers of the audit log page: filters to the request's shape, and before → after as lines. */

export interface AuditFilterForm {
  actorId: string;
  action: string;
  targetType: string;
  /** `YYYY-MM-DD` from a date input (local days), or ''. */
  from: string;
  to: string;
}

export const EMPTY_AUDIT_FILTER: AuditFilterForm = { actorId: '', action: '', targetType: '', from: '', to: '' };

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A local calendar day's start (or the next day's start, for an inclusive "to") as an ISO instant. */
export function dayBoundary(day: string, end: boolean): string | null {
  const m = DAY.exec(day);
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0));
  if (Number.isNaN(d.getTime())) return null;
  if (end) d.setMilliseconds(-1);
  return d.toISOString();
}

export type AuditFilterCheck = { ok: true; filter: AuditFilter } | { ok: false; problem: 'range' };

export function toAuditFilter(form: AuditFilterForm): AuditFilterCheck {
  const filter: AuditFilter = {};
  if (form.actorId) filter.actorId = form.actorId;
  const action = form.action.trim();
  if (action) filter.action = action;
  if (form.targetType) filter.targetType = form.targetType as AuditFilter['targetType'];
  const from = form.from ? dayBoundary(form.from, false) : null;
  const to = form.to ? dayBoundary(form.to, true) : null;
  if (from) filter.from = from;
  if (to) filter.to = to;
  if (from && to && from > to) return { ok: false, problem: 'range' };
  return { ok: true, filter };
}

export interface ChangeLine {
  key: string;
  before: string | null;
  after: string | null;
}

const show = (v: unknown): string | null => {
  if (v === undefined) return null;
  if (v === null) return '—';
  if (typeof v === 'string') return v === '' ? '""' : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? JSON.stringify(x) : String(x))).join(', ');
  return JSON.stringify(v);
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What changed, one line per key: for two objects only the keys whose values differ; for a creation
 * (no before) or a removal (no after) every key of the side there is; plain values as one line.
 */
export function changeLines(entry: Pick<AuditEntry, 'before' | 'after'>): ChangeLine[] {
  const { before, after } = entry;
  if (before == null && after == null) return [];
  if (isRecord(before) || isRecord(after)) {
    const b = isRecord(before) ? before : {};
    const a = isRecord(after) ? after : {};
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return keys
      .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
      .map((k) => ({ key: k, before: isRecord(before) ? show(b[k]) : null, after: isRecord(after) ? show(a[k]) : null }));
  }
  return [{ key: '', before: show(before ?? undefined), after: show(after ?? undefined) }];
}

/** Verify's English reason reduced to a kind the UI can say in any language. */
export function verifyProblem(reason: string | null): 'gap' | 'link' | 'hash' | 'other' {
  if (!reason) return 'other';
  if (/^gap/i.test(reason)) return 'gap';
  if (/prev-hash/i.test(reason)) return 'link';
  if (/hash/i.test(reason)) return 'hash';
  return 'other';
}

export const auditFileName = (now: Date): string => {
  const p = (n: number) => String(n).padStart(2, '0');
  return `muster-audit-${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}.csv`;
};
