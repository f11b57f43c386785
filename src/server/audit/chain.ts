import { createHash } from 'node:crypto';

/**
 * The audit log's hash chain. Each entry's hash covers its own fields and the previous entry's
 * hash, in a canonical JSON form (keys sorted, no whitespace) so the database's own JSON
 * normalisation (jsonb reorders keys) cannot change it.
 */
export const GENESIS_HASH = '0'.repeat(64);

export interface ChainFields {
  orgId: string;
  seq: number;
  at: string; // ISO-8601, milliseconds, UTC
  actorId: string | null;
  actorName: string | null;
  actorNameEn: string | null;
  action: string;
  targetType: string;
  targetId: string;
  targetLabel: string;
  before: unknown;
  after: unknown;
  prevHash: string;
}

/** JSON with object keys sorted at every depth; `undefined` members dropped as JSON.stringify does. */
export const canonicalJson = (value: unknown): string => {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v === undefined ? null : v)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
};

export const entryHash = (f: ChainFields): string =>
  createHash('sha256')
    .update(
      canonicalJson([
        f.orgId, f.seq, f.at, f.actorId, f.actorName, f.actorNameEn, f.action, f.targetType, f.targetId, f.targetLabel,
        f.before ?? null, f.after ?? null, f.prevHash,
      ]),
    )
    .digest('hex');
