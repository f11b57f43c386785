import type { Invite, InviteKind } from '@shared/contract';
import { randomBytes } from 'node:crypto';
import { decodeInviteToken, inviteTagHex, signInviteToken, verifyInviteToken } from '@shared/rules/invite-token';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';
import { toVerifyKey, type InviteKeys } from './keys';

const DAY_MS = 86_400_000;

/** Rows and reads of the invites feature. */

export interface InviteRow {
  id: string;
  org_id: string;
  group_id: string;
  kind: InviteKind;
  tag: string;
  key_id: number | string;
  token: string;
  created_by: string;
  created_at: Date | string;
  expires_at: Date | string;
  max_uses: number | null;
  uses: number;
  revoked_at: Date | string | null;
  revoked_by: string | null;
}

export const INVITE_COLUMNS = `i.id, i.org_id, i.group_id, i.kind, i.tag, i.key_id, i.token, i.created_by, i.created_at, i.expires_at,
  i.max_uses, i.uses, i.revoked_at, i.revoked_by`;

type InviteWithCreator = InviteRow & { creator_name: string; creator_name_en: string | null };

const SELECT_WITH_CREATOR = `select ${INVITE_COLUMNS}, m.name as creator_name, m.name_en as creator_name_en
  from invites i join members m on m.id = i.created_by`;

export const toInvite = (r: InviteWithCreator): Invite => ({
  id: r.id,
  groupId: r.group_id,
  kind: r.kind,
  token: r.token,
  createdBy: { id: r.created_by, name: r.creator_name, nameEn: r.creator_name_en },
  createdAt: toIso(r.created_at),
  expiresAt: toIso(r.expires_at),
  maxUses: r.max_uses === null ? null : toInt(r.max_uses),
  uses: toInt(r.uses),
  revokedAt: r.revoked_at === null ? null : toIso(r.revoked_at),
});

export const readInvite = async (db: Db, id: string): Promise<Invite | null> => {
  const rows = await db.query<InviteWithCreator>(`${SELECT_WITH_CREATOR} where i.id = $1`, [id]);
  return rows[0] ? toInvite(rows[0]) : null;
};

/** Unexpired, unrevoked invites of a group, newest first; `createdBy`: only theirs. */
export const listActiveInvites = async (db: Db, groupId: string, now: Date, createdBy: string | null): Promise<Invite[]> => {
  const rows = await db.query<InviteWithCreator>(
    `${SELECT_WITH_CREATOR}
      where i.group_id = $1 and i.revoked_at is null and i.expires_at > $2 and ($3::uuid is null or i.created_by = $3::uuid)
      order by i.created_at desc, i.id`,
    [groupId, now.toISOString(), createdBy],
  );
  return rows.map(toInvite);
};

/** Why a token does not lead anywhere, before the group and the person are looked at. */
export type TokenRefusal = 'invalid' | 'expired' | 'revoked' | 'wrong_org';

export type TokenCheck = { ok: true; invite: InviteRow; keyOrgId: string } | { ok: false; reason: TokenRefusal };

/**
 * Checks a token against the instance's keys and its invite row, in the order a person should
 * hear about it: not ours or forged (invalid), another organization's (wrong_org — only once its
 * signature holds, so nobody can fake that answer), expired, revoked. `orgId` null: any
 * organization (the public invite page). `lock`: lock the invite row for the transaction (uses
 * are counted under it).
 */
export const checkToken = async (
  tx: Db,
  keys: InviteKeys,
  text: string,
  now: Date,
  opts: { orgId: string | null; lock: boolean },
): Promise<TokenCheck> => {
  const decoded = decodeInviteToken(text);
  if (!decoded) return { ok: false, reason: 'invalid' };
  const key = await keys.byId(tx, decoded.keyId);
  if (!key) return { ok: false, reason: 'invalid' };
  const verified = verifyInviteToken(text, [toVerifyKey(key)], now);
  if (!verified.ok && verified.reason !== 'expired') return { ok: false, reason: 'invalid' };
  if (opts.orgId !== null && key.org_id !== opts.orgId) return { ok: false, reason: 'wrong_org' };
  if (!verified.ok) return { ok: false, reason: 'expired' };

  const rows = await tx.query<InviteRow>(`select ${INVITE_COLUMNS} from invites i where i.tag = $1${opts.lock ? ' for update' : ''}`, [
    inviteTagHex(decoded.tag),
  ]);
  const invite = rows[0];
  // A signed token whose row says something else was not made by this server: not ours.
  if (
    !invite ||
    invite.org_id !== key.org_id ||
    toInt(invite.key_id) !== decoded.keyId ||
    invite.kind !== decoded.kind ||
    new Date(invite.expires_at).getTime() !== decoded.expiresAt.getTime()
  ) {
    return { ok: false, reason: 'invalid' };
  }
  if (new Date(invite.expires_at).getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  if (invite.revoked_at !== null) return { ok: false, reason: 'revoked' };
  return { ok: true, invite, keyOrgId: key.org_id };
};

/** Whether this person already counts for the invite (joined through it before). */
export const hasUsed = async (tx: Db, inviteId: string, memberId: string): Promise<boolean> =>
  (await tx.query('select 1 from invite_uses where invite_id = $1 and member_id = $2', [inviteId, memberId])).length > 0;

/** Counts a use once per person: true when this one was new. */
export const countUse = async (tx: Db, inviteId: string, memberId: string, now: Date): Promise<boolean> => {
  const inserted = await tx.query(
    'insert into invite_uses (invite_id, member_id, at) values ($1, $2, $3) on conflict (invite_id, member_id) do nothing returning invite_id',
    [inviteId, memberId, now.toISOString()],
  );
  if (inserted.length === 0) return false;
  await tx.query('update invites set uses = uses + 1 where id = $1', [inviteId]);
  return true;
};

export interface NewInvite {
  orgId: string;
  groupId: string;
  kind: InviteKind;
  createdBy: string;
  /** Whole seconds: the expiry (now + days) is what the token carries. */
  now: Date;
  /**
   * When it was made, to the millisecond (defaults to `now`): invites list newest first, and two
   * made within one second must still keep their order.
   */
  createdAt?: Date;
  days: number;
  maxUses: number | null;
}

/**
 * Writes an invite and its signed token (with the organization's active key, created on first
 * use); a live code starts its chain with its own group. Authorization is the caller's. Returns the id.
 */
export const insertInvite = async (tx: Db, keys: InviteKeys, n: NewInvite): Promise<{ id: string; expiresAt: Date }> => {
  const key = await keys.active(tx, n.orgId, n.now, n.createdBy);
  const expiresAt = new Date(n.now.getTime() + n.days * DAY_MS);
  const tag = randomBytes(8);
  const keyId = toInt(key.key_id);
  const token = signInviteToken({ kind: n.kind, keyId, tag, expiresAt }, await keys.secretKeyOf(tx, key));
  const id = (
    await tx.query<{ id: string }>(
      `insert into invites (org_id, group_id, kind, tag, key_id, token, created_by, created_at, expires_at, max_uses)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id`,
      [n.orgId, n.groupId, n.kind, inviteTagHex(tag), keyId, token, n.createdBy, (n.createdAt ?? n.now).toISOString(), expiresAt.toISOString(), n.maxUses],
    )
  )[0]!.id;
  if (n.kind === 'live') {
    await tx.query('insert into live_code_groups (invite_id, group_id, position) values ($1, $2, 0)', [id, n.groupId]);
  }
  return { id, expiresAt };
};
