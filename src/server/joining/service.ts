import { MusterError, type DirectoryGroup, type JoinRequest } from '@shared/contract';
import { GROUP_MEMBER_CAP } from '@shared/rules/limits';
import { can, type GroupRoleName } from '@shared/rules/permissions';
import { foldForSearch, nameMatches } from '@shared/rules/pinyin';
import { actorRef, authorize, loadActor, type Actor } from '../access';
import { appendAudit } from '../audit';
import { addMemberships, type Effects, inTransactionThenPush, readGroup, type PersonRow } from '../groups/membership';
import type { Logger } from '../logger';
import type { Pushes } from '../realtime';
import type { Db } from '../storage';
import { toInt } from '../storage';
import { queueRequestPush, refusal } from './core';
import { deciderGroupRoles, readJoinRequest, REQUEST_SELECT, toJoinRequest, type JoinRequestRow } from './requests';

/**
 * Join requests (the deciders' inbox, the requester's own list, deciding, cancelling) and the
 * org-wide directory of searchable groups. Filing a request is part of the join decision (core.ts).
 *
 * Every change to a group's requests first locks the group (the same lock joins and membership
 * changes take), then the request row: two admins approving at once make one decision, and an
 * approval sees the group as it is (full, banned, dissolved meanwhile are refused).
 */

const DECIDE = 'group.joinRequest.decide' as const;
const INBOX_LIMIT = 500;
const MINE_LIMIT = 200;

export interface DirectoryPage {
  groups: DirectoryGroup[];
  nextCursor: string | null;
}

/** Directory order: names in Chinese (pinyin) order, then id — a total order the cursor can resume from. */
const collator = new Intl.Collator('zh-CN');
const byNameThenId = (a: { name: string; id: string }, b: { name: string; id: string }): number =>
  collator.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const encodeCursor = (g: { name: string; id: string }): string => Buffer.from(JSON.stringify([g.name, g.id])).toString('base64url');

const decodeCursor = (cursor: string): { name: string; id: string } => {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string') return { name: v[0], id: v[1] };
  } catch {
    // falls through to the refusal
  }
  throw new MusterError('bad_request', 'This directory cursor is not one the server gave out: start again without it', {
    reason: 'invalid_cursor',
  });
};

export class JoiningService {
  constructor(
    private readonly db: Db,
    private readonly pushes: Pushes,
    private readonly logger: Logger,
  ) {}

  /** One transaction; its pushes go out only after the commit. */
  private async atomically<T>(fn: (tx: Db, effects: Effects) => Promise<T>): Promise<T> {
    return inTransactionThenPush({ db: this.db, pushes: this.pushes, logger: this.logger }, fn);
  }

  // ---------------------------------------------------------------- the inbox

  /**
   * Requests of the groups whose requests the caller decides (by the permission table: group owners
   * and admins theirs, super admins every group of the organization), newest first, and how many of
   * them wait. `groupId` narrows to one group the caller decides (else `forbidden`).
   */
  async listRequests(
    memberId: string,
    orgId: string,
    status: 'pending' | 'all',
    groupId?: string,
  ): Promise<{ requests: JoinRequest[]; pendingCount: number }> {
    const actor = await loadActor(this.db, memberId, orgId);
    if (groupId !== undefined) {
      const g = await readGroup(this.db, orgId, groupId);
      authorize(DECIDE, { orgRole: actor.orgRole, groupRole: await roleIn(this.db, g.id, actor.id) });
    }
    const orgWide = can(DECIDE, { orgRole: actor.orgRole, groupRole: null });
    // Scope: $1 org, $2 org-wide, $3 me, $4 my deciding group roles, $5 one group or null.
    // Requests of people offboarded since are left out: they can no longer be let in.
    const scope = `r.org_id = $1 and g.status = 'active' and (r.status <> 'pending' or q.status = 'active')
      and ($2::boolean or exists (select 1 from group_members x where x.group_id = r.group_id and x.member_id = $3 and x.role = any($4::text[])))
      and ($5::uuid is null or r.group_id = $5::uuid)`;
    const params = [orgId, orgWide, actor.id, deciderGroupRoles(actor.orgRole), groupId ?? null];
    const rows = await this.db.query<JoinRequestRow>(
      `${REQUEST_SELECT} where ${scope} and ($6 = 'all' or r.status = 'pending') order by r.created_at desc, r.id desc limit ${INBOX_LIMIT}`,
      [...params, status],
    );
    const count = await this.db.query<{ n: number }>(
      `select count(*)::int as n from join_requests r join groups g on g.id = r.group_id join members q on q.id = r.requester_id
        where ${scope} and r.status = 'pending'`,
      params,
    );
    return { requests: rows.map(toJoinRequest), pendingCount: toInt(count[0]!.n) };
  }

  /** The caller's own requests, newest first ("waiting for approval" survives a restart). */
  async mine(memberId: string, orgId: string): Promise<JoinRequest[]> {
    const actor = await loadActor(this.db, memberId, orgId);
    const rows = await this.db.query<JoinRequestRow>(
      `${REQUEST_SELECT} where r.requester_id = $1 and r.org_id = $2 order by r.created_at desc, r.id desc limit ${MINE_LIMIT}`,
      [actor.id, orgId],
    );
    return rows.map(toJoinRequest);
  }

  // ---------------------------------------------------------------- deciding

  /**
   * Approving puts the requester in through membership.ts (joined_via: the request's via, added_by:
   * the decider) — refused when the group is meanwhile full, dissolved, or they were banned.
   * Rejecting just records it. Either way the requester hears `join:decided`, every decider
   * `join:request`. A request already decided is `conflict` (reason already_decided).
   */
  async decide(memberId: string, orgId: string, requestId: string, approve: boolean): Promise<JoinRequest> {
    const actor = await loadActor(this.db, memberId, orgId);
    return this.atomically(async (tx, effects) => {
      const head = await tx.query<{ group_id: string }>('select group_id from join_requests where id = $1 and org_id = $2', [requestId, orgId]);
      if (!head[0]) throw new MusterError('not_found', 'No such join request');
      const groupId = head[0].group_id;
      const g = (await tx.query<{ status: string }>('select status from groups where id = $1 for update', [groupId]))[0]!;
      const role = await roleIn(tx, groupId, actor.id);
      authorize(DECIDE, { orgRole: actor.orgRole, groupRole: role });
      const r = (await tx.query<JoinRequestRow>(`${REQUEST_SELECT} where r.id = $1 for update of r`, [requestId]))[0]!;
      if (r.status !== 'pending') throw alreadyDecided(r.status);
      if (approve) {
        if (g.status !== 'active') throw refusal('dissolved', 'This group was dissolved');
        await this.admit(tx, effects, actor, r);
      }
      await tx.query(`update join_requests set status = $2, decided_by = $3, decided_at = now() where id = $1`, [
        r.id,
        approve ? 'approved' : 'rejected',
        actor.id,
      ]);
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: approve ? 'group.joinRequest.approve' : 'group.joinRequest.reject',
        targetType: 'request',
        targetId: r.id,
        targetLabel: `${r.requester_name} · ${r.group_name}`,
        before: { status: 'pending' },
        after: { status: approve ? 'approved' : 'rejected', groupId, requesterId: r.requester_id },
      });
      const decided = (await readJoinRequest(tx, r.id))!;
      effects.add(({ pushes }) => pushes.toMember(decided.requester.id, 'join:decided', { request: decided }));
      queueRequestPush(effects, orgId, groupId, r.id);
      return decided;
    });
  }

  /** The approval's join: the checks that still hold against an admin's yes (ban, guests, cap). */
  private async admit(tx: Db, effects: Effects, actor: Actor, r: JoinRequestRow): Promise<void> {
    const group = await readGroup(tx, r.org_id, r.group_id);
    const requester = (
      await tx.query<PersonRow>(`select id, name, name_en, title, kind, status from members where id = $1 and org_id = $2`, [r.requester_id, r.org_id])
    )[0];
    if (!requester || requester.status !== 'active') {
      throw new MusterError('conflict', 'The requester is no longer active: reject the request instead', { reason: 'requester_inactive' });
    }
    if ((await tx.query('select 1 from group_bans where group_id = $1 and member_id = $2', [group.id, requester.id])).length > 0) {
      throw refusal('banned', 'The requester is on the ban list of this group: remove them from it first, or reject the request');
    }
    // In meanwhile (added by someone): the request is approved, nothing else changes.
    if ((await roleIn(tx, group.id, requester.id)) !== null) return;
    if (requester.kind === 'guest' && (group.type === 'internal' || group.type === 'department')) {
      throw refusal('guest_not_allowed', 'Outside contacts can only join external or training groups');
    }
    const count = toInt((await tx.query<{ n: number }>('select count(*)::int as n from group_members where group_id = $1', [group.id]))[0]!.n);
    const cap = toInt(group.member_cap);
    if (count >= cap) {
      const canUpgrade =
        group.type === 'internal' &&
        cap < GROUP_MEMBER_CAP.internal &&
        can('group.cap.upgrade', { orgRole: actor.orgRole, groupRole: await roleIn(tx, group.id, actor.id) });
      throw refusal('full', `The group is full (${count} of ${cap} members)`, { groupId: group.id, memberCap: cap, canUpgrade });
    }
    const sharer = r.shared_by ? { id: r.shared_by, name: r.shared_by_name ?? '', nameEn: r.shared_by_name_en } : null;
    await addMemberships(tx, effects, group, [requester], {
      actor: actorRef(actor),
      addedBy: actor.id,
      source: r.via,
      sharedBy: sharer,
      event: 'member_joined_via',
    });
  }

  /** The requester withdraws their own waiting request. */
  async cancel(memberId: string, orgId: string, requestId: string): Promise<void> {
    const actor = await loadActor(this.db, memberId, orgId);
    await this.atomically(async (tx, effects) => {
      const head = await tx.query<{ group_id: string }>(
        'select group_id from join_requests where id = $1 and org_id = $2 and requester_id = $3',
        [requestId, orgId, actor.id],
      );
      // Someone else's request is as unknown as a missing one.
      if (!head[0]) throw new MusterError('not_found', 'No such join request of yours');
      await tx.query('select 1 from groups where id = $1 for update', [head[0].group_id]);
      const r = (await tx.query<JoinRequestRow>(`${REQUEST_SELECT} where r.id = $1 for update of r`, [requestId]))[0]!;
      if (r.status !== 'pending') throw alreadyDecided(r.status);
      await tx.query(`update join_requests set status = 'cancelled', decided_by = $2, decided_at = now() where id = $1`, [r.id, actor.id]);
      await appendAudit(tx, {
        orgId,
        actor: actorRef(actor),
        action: 'group.joinRequest.cancel',
        targetType: 'request',
        targetId: r.id,
        targetLabel: `${r.requester_name} · ${r.group_name}`,
        before: { status: 'pending' },
        after: { status: 'cancelled', groupId: r.group_id },
      });
      queueRequestPush(effects, orgId, r.group_id, r.id);
    });
  }

  // ---------------------------------------------------------------- the directory

  /**
   * Searchable active groups of the caller's organization whose name matches (part of the name,
   * any case, or pinyin initials), in name order, a page at a time. Outside contacts see only the
   * groups they could be in (external and training).
   */
  async directory(memberId: string, orgId: string, query: string, cursor: string | undefined, limit: number): Promise<DirectoryPage> {
    const actor = await loadActor(this.db, memberId, orgId);
    const after = cursor ? decodeCursor(cursor) : null;
    const candidates = await this.db.query<{ id: string; name: string }>(
      `select id, name from groups
        where org_id = $1 and status = 'active' and searchable and (not $2::boolean or type in ('external', 'training'))`,
      [orgId, actor.kind === 'guest'],
    );
    const q = foldForSearch(query);
    const matching = candidates
      .filter((g) => nameMatches(g.name, q))
      .sort(byNameThenId)
      .filter((g) => !after || byNameThenId(g, after) > 0);
    const page = matching.slice(0, limit);
    if (page.length === 0) return { groups: [], nextCursor: null };
    const rows = await this.db.query<{
      id: string;
      name: string;
      avatar_color: DirectoryGroup['avatarColor'];
      type: DirectoryGroup['type'];
      member_cap: number;
      join_verification: DirectoryGroup['verification'];
      n: number;
      is_member: boolean;
    }>(
      `select g.id, g.name, g.avatar_color, g.type, g.member_cap, g.join_verification,
              (select count(*)::int from group_members c where c.group_id = g.id) as n,
              exists (select 1 from group_members x where x.group_id = g.id and x.member_id = $2) as is_member
         from groups g where g.id = any($1::uuid[])`,
      [page.map((g) => g.id), actor.id],
    );
    const byId = new Map(rows.map((r) => [r.id, r]));
    const groups = page.flatMap((p): DirectoryGroup[] => {
      const r = byId.get(p.id);
      if (!r) return [];
      return [
        {
          id: r.id,
          name: r.name,
          avatarColor: r.avatar_color,
          type: r.type,
          memberCount: toInt(r.n),
          memberCap: toInt(r.member_cap),
          verification: r.join_verification,
          isMember: r.is_member,
        },
      ];
    });
    return { groups, nextCursor: matching.length > limit ? encodeCursor(page[page.length - 1]!) : null };
  }
}

const alreadyDecided = (status: string): MusterError =>
  new MusterError('conflict', `This request was already ${status}`, { reason: 'already_decided', status });

const roleIn = async (db: Db, groupId: string, memberId: string): Promise<GroupRoleName | null> =>
  (await db.query<{ role: GroupRoleName }>('select role from group_members where group_id = $1 and member_id = $2', [groupId, memberId]))[0]
    ?.role ?? null;

