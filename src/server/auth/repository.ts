import type { Db } from '../storage';
import { toInt } from '../storage';

/** Timestamps travel as ISO strings with an explicit cast: identical behaviour on both drivers. */
const iso = (ms: number): string => new Date(ms).toISOString();

// ------------------------------------------------------------------ refresh tokens

/** `superseded`: an unused replacement revoked because its predecessor was presented again in the grace period. */
export type RevokeReason = 'rotated' | 'superseded' | 'signed_out' | 'reuse_detected' | 'expired' | 'offboarded';

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

const REFRESH_COLUMNS = 'id, member_id, family_id, expires_at, revoked_at, revoke_reason, replaced_by, device_name, device_platform';

/** Locks the row (inside a transaction) so two refreshes of one token cannot both rotate it. */
export const findRefreshTokenForUpdate = async (db: Db, tokenHash: string): Promise<RefreshTokenRow | null> => {
  const rows = await db.query<RawRefreshRow>(`select ${REFRESH_COLUMNS} from refresh_tokens where token_hash = $1 for update`, [tokenHash]);
  return rows[0] ? toRefreshRow(rows[0]) : null;
};

export const findRefreshTokenByIdForUpdate = async (db: Db, id: string): Promise<RefreshTokenRow | null> => {
  const rows = await db.query<RawRefreshRow>(`select ${REFRESH_COLUMNS} from refresh_tokens where id = $1 for update`, [id]);
  return rows[0] ? toRefreshRow(rows[0]) : null;
};

/** Points an already-rotated token at a new replacement; its revocation time (the grace clock) is kept. */
export const setReplacedBy = async (db: Db, id: string, replacedBy: string): Promise<void> => {
  await db.query('update refresh_tokens set replaced_by = $2 where id = $1', [id, replacedBy]);
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

/** Offboarding: ends every live sign-in of the member; returns the families (sessions) that were live. */
export const revokeAllOfMember = async (db: Db, memberId: string, reason: RevokeReason, nowMs: number): Promise<string[]> => {
  const rows = await db.query<{ family_id: string }>(
    `update refresh_tokens set revoked_at = $3::timestamptz, revoke_reason = $2
      where member_id = $1 and revoked_at is null returning family_id`,
    [memberId, reason, iso(nowMs)],
  );
  return [...new Set(rows.map((r) => r.family_id))];
};

/** A session is live while one of its tokens is neither revoked nor expired. */
export const isFamilyActive = async (db: Db, familyId: string, nowMs: number): Promise<boolean> => {
  const rows = await db.query(
    `select 1 from refresh_tokens where family_id = $1 and revoked_at is null and expires_at > $2::timestamptz limit 1`,
    [familyId, iso(nowMs)],
  );
  return rows.length > 0;
};

// ------------------------------------------------------------------ password hashes

/** Compare-and-set: only replaces the hash that was verified, so a concurrent password change wins. */
export const replacePasswordHash = async (db: Db, memberId: string, expected: string, next: string): Promise<boolean> => {
  const rows = await db.query('update members set password_hash = $3 where id = $1 and password_hash = $2 returning id', [memberId, expected, next]);
  return rows.length > 0;
};

// ------------------------------------------------------------------ sign-in attempts

/** One throttled key (`account:<org>:<account>` or `ip:<address>`) and how many failures it may have. */
export interface ThrottleKey {
  key: string;
  maxFailures: number;
}

export type AttemptClaim = { claimed: true; ids: string[] } | { claimed: false; retryAfterSeconds: number };

/**
 * Claims one sign-in attempt for every key, atomically, BEFORE the password is checked: each key's
 * transaction-level advisory lock serialises claimers, then the key's recent rows (failures and
 * attempts still being verified) are counted, and a row is added for each key only when none of
 * them is over its limit. So N parallel guesses get at most `maxFailures` verifications, not N.
 * A claim stays as a failure unless `releaseClaim` removes it after a success.
 */
export const claimAttempt = async (
  db: Db,
  keys: readonly ThrottleKey[],
  nowMs: number,
  windowSeconds: number,
): Promise<AttemptClaim> =>
  db.transaction(async (tx) => {
    // Always the same lock order, so two claimers of overlapping keys cannot deadlock.
    const ordered = [...keys].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const { key } of ordered) await tx.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
    const waits = await Promise.all(ordered.map((k) => secondsUntilAllowed(tx, k.key, nowMs, k.maxFailures, windowSeconds)));
    const retryAfterSeconds = Math.max(0, ...waits);
    if (retryAfterSeconds > 0) return { claimed: false, retryAfterSeconds };
    const ids: string[] = [];
    for (const { key } of ordered) {
      const rows = await tx.query<{ id: string }>(
        `insert into sign_in_failures (key, failed_at) values ($1, $2::timestamptz) returning id::text as id`,
        [key, iso(nowMs)],
      );
      ids.push(rows[0]!.id);
    }
    return { claimed: true, ids };
  });

/** After a successful sign-in: the attempt's own claims go, and the account's failures are forgiven. */
export const releaseClaim = async (db: Db, claimIds: readonly string[], accountKey: string): Promise<void> => {
  await db.transaction(async (tx) => {
    // The account's lock first: two successes of one account each delete their own claim and then
    // the account's rows — unserialised, they lock each other's rows in opposite orders (deadlock).
    await tx.query('select pg_advisory_xact_lock(hashtext($1))', [accountKey]);
    await tx.query('delete from sign_in_failures where id = any($1::bigint[]) or key = $2', [claimIds, accountKey]);
  });
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

// ------------------------------------------------------------------ housekeeping

export interface PurgeReport {
  refreshTokens: number;
  signInFailures: number;
}

/**
 * Deletes what can no longer matter: refresh tokens (revoked or not) `refreshRetentionSeconds`
 * past their expiry — until then a rotated one is kept so that its reuse is still recognised as
 * theft — and sign-in failures that have left the throttling window.
 */
export const purgeStale = async (
  db: Db,
  nowMs: number,
  opts: { refreshRetentionSeconds: number; windowSeconds: number },
): Promise<PurgeReport> => {
  const deleted = async (sql: string, cutoffMs: number): Promise<number> =>
    toInt((await db.query<{ n: number }>(`with d as (${sql} returning 1) select count(*)::int as n from d`, [iso(cutoffMs)]))[0]?.n ?? 0);
  const refreshTokens = await deleted('delete from refresh_tokens where expires_at < $1::timestamptz', nowMs - opts.refreshRetentionSeconds * 1000);
  const signInFailures = await deleted('delete from sign_in_failures where failed_at <= $1::timestamptz', nowMs - opts.windowSeconds * 1000);
  return { refreshTokens, signInFailures };
};
