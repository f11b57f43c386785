import type { Db } from '../storage';
import { toInt } from '../storage';

/** Timestamps travel as ISO strings with an explicit cast: identical behaviour on both drivers. */
const iso = (ms: number): string => new Date(ms).toISOString();

// ------------------------------------------------------------------ refresh tokens

export type RevokeReason = 'rotated' | 'signed_out' | 'reuse_detected' | 'expired';

export interface RefreshTokenRow {
  id: string;
  memberId: string;
  familyId: string;
  expiresAt: Date;
  revokedAt: Date | null;
  revokeReason: RevokeReason | null;
  replacedBy: string | null;
  deviceName: string | null;
  devicePlatform: string | null;
}

interface RawRefreshRow {
  id: string;
  member_id: string;
  family_id: string;
  expires_at: Date | string;
  revoked_at: Date | string | null;
  revoke_reason: RevokeReason | null;
  replaced_by: string | null;
  device_name: string | null;
  device_platform: string | null;
}

const toRefreshRow = (r: RawRefreshRow): RefreshTokenRow => ({
  id: r.id,
  memberId: r.member_id,
  familyId: r.family_id,
  expiresAt: new Date(r.expires_at),
  revokedAt: r.revoked_at === null ? null : new Date(r.revoked_at),
  revokeReason: r.revoke_reason,
  replacedBy: r.replaced_by,
  deviceName: r.device_name,
  devicePlatform: r.device_platform,
});

export const insertRefreshToken = async (
  db: Db,
  t: { memberId: string; familyId: string; tokenHash: string; expiresAtMs: number; nowMs: number; deviceName: string | null; devicePlatform: string | null },
): Promise<string> => {
  const rows = await db.query<{ id: string }>(
    `insert into refresh_tokens (member_id, family_id, token_hash, expires_at, created_at, device_name, device_platform)
     values ($1, $2, $3, $4::timestamptz, $5::timestamptz, $6, $7) returning id`,
    [t.memberId, t.familyId, t.tokenHash, iso(t.expiresAtMs), iso(t.nowMs), t.deviceName, t.devicePlatform],
  );
  return rows[0]!.id;
};

/** Locks the row (inside a transaction) so two refreshes of one token cannot both rotate it. */
export const findRefreshTokenForUpdate = async (db: Db, tokenHash: string): Promise<RefreshTokenRow | null> => {
  const rows = await db.query<RawRefreshRow>(
    `select id, member_id, family_id, expires_at, revoked_at, revoke_reason, replaced_by, device_name, device_platform
       from refresh_tokens where token_hash = $1 for update`,
    [tokenHash],
  );
  return rows[0] ? toRefreshRow(rows[0]) : null;
};

export const markRotated = async (db: Db, id: string, replacedBy: string, nowMs: number): Promise<void> => {
  await db.query(
    `update refresh_tokens set revoked_at = $3::timestamptz, revoke_reason = 'rotated', replaced_by = $2 where id = $1`,
    [id, replacedBy, iso(nowMs)],
  );
};

export const revokeToken = async (db: Db, id: string, reason: RevokeReason, nowMs: number): Promise<void> => {
  await db.query(
    `update refresh_tokens set revoked_at = $3::timestamptz, revoke_reason = $2 where id = $1 and revoked_at is null`,
    [id, reason, iso(nowMs)],
  );
};

/** Ends a whole sign-in: every token of the family that is still live. */
export const revokeFamily = async (db: Db, familyId: string, reason: RevokeReason, nowMs: number): Promise<void> => {
  await db.query(
    `update refresh_tokens set revoked_at = $3::timestamptz, revoke_reason = $2 where family_id = $1 and revoked_at is null`,
    [familyId, reason, iso(nowMs)],
  );
};

/** A session is live while one of its tokens is neither revoked nor expired. */
export const isFamilyActive = async (db: Db, familyId: string, nowMs: number): Promise<boolean> => {
  const rows = await db.query(
    `select 1 from refresh_tokens where family_id = $1 and revoked_at is null and expires_at > $2::timestamptz limit 1`,
    [familyId, iso(nowMs)],
  );
  return rows.length > 0;
};

// ------------------------------------------------------------------ sign-in failures

export const recordFailure = async (db: Db, keys: readonly string[], nowMs: number, windowSeconds: number): Promise<void> => {
  await db.transaction(async (tx) => {
    for (const key of keys) {
      // Keep the table small: what fell out of the window is useless.
      await tx.query(`delete from sign_in_failures where key = $1 and failed_at <= $2::timestamptz`, [
        key,
        iso(nowMs - windowSeconds * 1000),
      ]);
      await tx.query(`insert into sign_in_failures (key, failed_at) values ($1, $2::timestamptz)`, [key, iso(nowMs)]);
    }
  });
};

export const clearFailures = async (db: Db, key: string): Promise<void> => {
  await db.query('delete from sign_in_failures where key = $1', [key]);
};

/**
 * Seconds until `key` may try again, 0 when it may now. Locked while `maxFailures` failures lie in
 * the window; the lock lifts when the maxFailures-th most recent one leaves the window.
 */
export const secondsUntilAllowed = async (
  db: Db,
  key: string,
  nowMs: number,
  maxFailures: number,
  windowSeconds: number,
): Promise<number> => {
  const rows = await db.query<{ failed_at: Date | string }>(
    `select failed_at from sign_in_failures
      where key = $1 and failed_at > $2::timestamptz
      order by failed_at desc offset $3 limit 1`,
    [key, iso(nowMs - windowSeconds * 1000), maxFailures - 1],
  );
  const row = rows[0];
  if (!row) return 0;
  const liftsAt = new Date(row.failed_at).getTime() + windowSeconds * 1000;
  return Math.max(1, Math.ceil((liftsAt - nowMs) / 1000));
};

export const countFailures = async (db: Db, key: string): Promise<number> => {
  const rows = await db.query<{ n: number }>('select count(*)::int as n from sign_in_failures where key = $1', [key]);
  return toInt(rows[0]?.n ?? 0);
};
