import {
  MusterError,
  type JoinPreview,
  type JoinRefusal,
  type PersonRef,
  type SocketResponse,
} from '@shared/contract';
import type { z } from 'zod';
import type { JoinNext, JoinRequestReason } from '@shared/contract';
import { GROUP_MEMBER_CAP, JOIN_REQUEST_MESSAGE_MAX_CHARS } from '@shared/rules/limits';
import { can, type GroupRoleName, type OrgRoleName } from '@shared/rules/permissions';
import { appendAudit } from '../audit';
import { addMemberships, personRef, readGroup, type Effects, type GroupRow, type PersonRow } from '../groups/membership';
import { listSummaries } from '../groups/repository';
import type { Db } from '../storage';
import { isUniqueViolation, toInt } from '../storage';
import { decidersOf, readJoinRequest } from './requests';

/**
 * The one join decision (issue 6), shared by token joins (src/server/invites: QR codes, links,
 * live codes) and the directory. It runs inside the caller's transaction; accepting locks the
 * group first, so every check below and the insert see the same state (the last seat goes to
 * exactly one of two people racing for it). Memberships are written by groups/membership.ts
 * (caps, bans, guests, system message, pushes after commit) — never here.
 *
 * The order of the checks is the order a person should hear about problems in: a group that does
 * not exist (or is not listed, for the directory), dissolved, banned, already in, an outside
 * contact at an internal group, a request already waiting, removed before (only a request), full,
 * and finally what the group asks for (approval, face, real name).
 */

export type Tx = Db;

export interface JoinContext {
  memberId: string;
  orgId: string;
  groupId: string;
  via: 'qr' | 'link' | 'live' | 'directory';
  /** Who shared the code or link (null for the directory). */
  sharedBy: string | null;
  /** When the code or link expires (null for the directory). */
  expiresAt: Date | null;
}

export type JoinAcceptContext = JoinContext & { request: boolean; message: string; confirmRealName: boolean };

type RequestReason = z.infer<typeof JoinRequestReason>;

/** A join that cannot happen: `conflict` with `details.reason`, as the contract says. */
export const refusal = (reason: JoinRefusal, message: string, details: Record<string, unknown> = {}): MusterError =>
  new MusterError('conflict', message, { reason, ...details });

interface Joiner extends PersonRow {
  role: OrgRoleName;
  real_name_verified: boolean;
}

interface Assessment {
  group: GroupRow;
  joiner: Joiner;
  sharer: PersonRef | null;
  memberCount: number;
  next: z.infer<typeof JoinNext>;
  requestReason: RequestReason | null;
  canUpgrade: boolean;
  /** The pending request of theirs, when next is 'pending'. */
  pendingId: string | null;
}

const loadJoiner = async (tx: Tx, orgId: string, memberId: string): Promise<Joiner> => {
  const rows = await tx.query<Joiner>(
    `select id, name, name_en, title, kind, status, role, real_name_verified from members where id = $1 and org_id = $2`,
    [memberId, orgId],
  );
  const m = rows[0];
  if (!m || m.status !== 'active') throw new MusterError('unauthorized', 'This account is no longer active');
  return m;
};

const loadSharer = async (tx: Tx, orgId: string, id: string | null): Promise<PersonRef | null> => {
  if (!id) return null;
  const rows = await tx.query<{ id: string; name: string; name_en: string | null }>(
    'select id, name, name_en from members where id = $1 and org_id = $2',
    [id, orgId],
  );
  return rows[0] ? personRef(rows[0]) : null;
};

/** Decides what joining would do. `lock`: take the group's row lock first (accepting). Throws the refusals. */
const assess = async (tx: Tx, ctx: JoinContext, lock: boolean): Promise<Assessment> => {
  const joiner = await loadJoiner(tx, ctx.orgId, ctx.memberId);
  const head = await tx.query<{ status: 'active' | 'dissolved'; searchable: boolean; type: GroupRow['type'] }>(
    `select status, searchable, type from groups where id = $1 and org_id = $2${lock ? ' for update' : ''}`,
    [ctx.groupId, ctx.orgId],
  );
  const notFound = (): MusterError => refusal('not_found', 'No such group');
  const h = head[0];
  // Another organization's group is as unknown as a missing one: its existence is not disclosed.
  if (!h) throw notFound();
  const role = (
    await tx.query<{ role: GroupRoleName }>('select role from group_members where group_id = $1 and member_id = $2', [ctx.groupId, joiner.id])
  )[0]?.role ?? null;
  const guestExcluded = joiner.kind === 'guest' && (h.type === 'internal' || h.type === 'department');
  // The directory lists searchable groups only (and to outside contacts only those they could be in);
  // members may always open theirs.
  if (ctx.via === 'directory' && role === null && (!h.searchable || guestExcluded)) throw notFound();
  if (h.status === 'dissolved') throw refusal('dissolved', 'This group was dissolved');
  const group = await readGroup(tx, ctx.orgId, ctx.groupId);
  const count = toInt(
    (await tx.query<{ n: number }>('select count(*)::int as n from group_members where group_id = $1', [group.id]))[0]!.n,
  );
  const sharer = await loadSharer(tx, ctx.orgId, ctx.sharedBy);
  const cap = toInt(group.member_cap);
  // The joiner is not in the group here (a member gets 'open' first), so only an org-level grant counts.
  const canUpgrade =
    group.type === 'internal' && cap < GROUP_MEMBER_CAP.internal && can('group.cap.upgrade', { orgRole: joiner.role, groupRole: role });
  const result = (next: Assessment['next'], requestReason: RequestReason | null = null, pendingId: string | null = null): Assessment => ({
    group,
    joiner,
    sharer,
    memberCount: count,
    next,
    requestReason,
    canUpgrade,
    pendingId,
  });

  const banned = await tx.query('select 1 from group_bans where group_id = $1 and member_id = $2', [group.id, joiner.id]);
  if (banned.length > 0) throw refusal('banned', 'You were banned from this group and cannot join it again');
  if (role !== null) return result('open');
  if (guestExcluded) {
    throw refusal('guest_not_allowed', 'Outside contacts can only join external or training groups');
  }
  const pending = await tx.query<{ id: string }>(
    `select id from join_requests where group_id = $1 and requester_id = $2 and status = 'pending'`,
    [group.id, joiner.id],
  );
  if (pending[0]) return result('pending', null, pending[0].id);
  const last = await tx.query<{ reason: string }>(
    'select reason from group_departures where group_id = $1 and member_id = $2 order by at desc, id desc limit 1',
    [group.id, joiner.id],
  );
  // Removed (or banned and since taken off the ban list): no old link lets them back in by itself.
  if (last[0] && (last[0].reason === 'removed' || last[0].reason === 'banned')) return result('request', 'removed');
  if (count >= cap) return result('full');
  switch (group.join_verification) {
    case 'approval':
      return result('request', 'approval');
    case 'face':
      // Face capture does not exist yet: an admin's approval stands in for it.
      return result('request', 'face_unavailable');
    case 'real_name':
      if (!joiner.real_name_verified) {
        throw refusal('real_name_unverified', 'This group asks for a verified real name; yours is not verified yet');
      }
      return result('confirm_real_name');
    case 'none':
      return result('join');
  }
};

const fullRefusal = (a: Assessment): MusterError =>
  refusal('full', `The group is full (${a.memberCount} of ${toInt(a.group.member_cap)} members)`, {
    groupId: a.group.id,
    memberCap: toInt(a.group.member_cap),
    canUpgrade: a.canUpgrade,
  });

/** What joining would do, for this member and this group. Nothing is written. */
export const previewJoin = async (tx: Tx, ctx: JoinContext): Promise<Omit<JoinPreview, 'overflowFrom'>> => {
  const a = await assess(tx, ctx, false);
  return {
    group: {
      id: a.group.id,
      name: a.group.name,
      avatarColor: a.group.avatar_color,
      type: a.group.type,
      memberCount: a.memberCount,
      memberCap: toInt(a.group.member_cap),
    },
    via: ctx.via,
    sharedBy: a.sharer,
    expiresAt: ctx.expiresAt ? ctx.expiresAt.toISOString() : null,
    verification: a.group.join_verification,
    next: a.next,
    requestReason: a.next === 'request' ? a.requestReason : null,
    canUpgrade: a.next === 'full' && a.canUpgrade,
    realName: a.next === 'confirm_real_name' ? a.joiner.name : null,
  };
};

/**
 * Joins as ctx.memberId (never anyone else), or files a join request when the group asks for one
 * and `request` is set. A request already waiting is answered with that request (asking twice
 * files nothing new). Pushes go out through `effects` after the caller commits.
 */
export const acceptJoin = async (tx: Tx, ctx: JoinAcceptContext, effects: Effects): Promise<SocketResponse<'join:accept'>> => {
  const a = await assess(tx, ctx, true);
  switch (a.next) {
    case 'open':
      return { outcome: 'member', groupId: a.group.id };
    case 'pending': {
      const existing = await readJoinRequest(tx, a.pendingId!);
      return { outcome: 'requested', request: existing! };
    }
    case 'full':
      throw fullRefusal(a);
    case 'request':
      if (!ctx.request) {
        if (a.requestReason === 'removed') {
          throw refusal('removed', 'You were removed from this group: you can ask an admin to let you back in');
        }
        throw new MusterError('bad_request', 'This group lets people in on approval: send a join request (request: true)', {
          reason: 'request_required',
          requestReason: a.requestReason,
        });
      }
      return { outcome: 'requested', request: await fileRequest(tx, ctx, a, effects) };
    case 'confirm_real_name':
      if (!ctx.confirmRealName) {
        throw refusal('real_name_not_confirmed', 'This group asks you to confirm your real name before joining');
      }
      return join(tx, ctx, a, effects);
    case 'join':
      return join(tx, ctx, a, effects);
  }
};

const join = async (tx: Tx, ctx: JoinContext, a: Assessment, effects: Effects): Promise<SocketResponse<'join:accept'>> => {
  const added = await addMemberships(tx, effects, a.group, [a.joiner], {
    actor: null,
    addedBy: null,
    source: ctx.via,
    sharedBy: a.sharer,
    event: 'member_joined_via',
  });
  if (added.length > 0) {
    await appendAudit(tx, {
      orgId: ctx.orgId,
      actor: personRef(a.joiner),
      action: 'group.member.join',
      targetType: 'group_member',
      targetId: a.joiner.id,
      targetLabel: `${a.joiner.name} · ${a.group.name}`,
      after: { groupId: a.group.id, via: ctx.via, sharedBy: a.sharer?.id ?? null },
    });
  }
  const [summary] = await listSummaries(tx, a.joiner.id, a.group.id);
  return { outcome: 'joined', group: summary! };
};

const fileRequest = async (tx: Tx, ctx: JoinAcceptContext, a: Assessment, effects: Effects) => {
  const message = ctx.message.trim().slice(0, JOIN_REQUEST_MESSAGE_MAX_CHARS);
  let id: string;
  try {
    id = (
      await tx.query<{ id: string }>(
        `insert into join_requests (org_id, group_id, requester_id, message, via, shared_by, reason)
         values ($1, $2, $3, $4, $5, $6, $7) returning id`,
        [ctx.orgId, a.group.id, a.joiner.id, message, ctx.via, a.sharer?.id ?? null, a.requestReason],
      )
    )[0]!.id;
  } catch (e) {
    // Cannot happen under the group lock; the index is the last word if it ever did.
    if (isUniqueViolation(e, 'join_requests_one_pending')) throw new MusterError('conflict', 'A request of yours is already waiting', { reason: 'pending' });
    throw e;
  }
  await appendAudit(tx, {
    orgId: ctx.orgId,
    actor: personRef(a.joiner),
    action: 'group.joinRequest.create',
    targetType: 'request',
    targetId: id,
    targetLabel: `${a.joiner.name} · ${a.group.name}`,
    after: { groupId: a.group.id, via: ctx.via, reason: a.requestReason, sharedBy: a.sharer?.id ?? null },
  });
  const request = (await readJoinRequest(tx, id))!;
  queueRequestPush(effects, ctx.orgId, a.group.id, id);
  return request;
};

/** `join:request` (the request as committed) to everyone who decides the group's requests. */
export const queueRequestPush = (effects: Effects, orgId: string, groupId: string, requestId: string): void => {
  effects.add(async ({ db, pushes }) => {
    const request = await readJoinRequest(db, requestId);
    if (request) pushes.toMembers(await decidersOf(db, orgId, groupId), 'join:request', { request });
  });
};

