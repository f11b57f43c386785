import {
  MusterError,
  type GroupMemberInfo,
  type GroupSettings,
  type GroupSummary,
  type Message,
  type PersonRef,
  type SystemEvent,
} from '@shared/contract';
import type { JoinVia, RemovalReason } from '@shared/contract';
import type { z } from 'zod';
import { GROUP_MEMBER_CAP, INTERNAL_GROUP_INITIAL_CAP } from '@shared/rules/limits';
import { systemEventFallback } from '@shared/rules/system-events';
import type { Logger } from '../logger';
import type { Pushes } from '../realtime';
import { MESSAGE_SELECT, toMessage, type MessageRow } from '../rows';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';
import { listSummaries } from './repository';

/**
 * The one home of membership changes. Every path that puts people into a group or takes them out
 * — creating a group, adding, removing, leaving, banning, dissolving, the department sync,
 * offboarding — goes through these functions, inside the caller's transaction. They write the
 * rows and the system message, and queue what to tell connected clients as `Effects`, which the
 * caller flushes only after the transaction committed (nobody is told about a change that rolled
 * back).
 */

/** How a membership came about (group_members.joined_via). */
export type JoinSource = JoinVia;
type Reason = z.infer<typeof RemovalReason>;

export type Effect = (deps: { db: Db; pushes: Pushes }) => Promise<void> | void;

export class Effects {
  private readonly queue: Effect[] = [];
  add(effect: Effect): void {
    this.queue.push(effect);
  }
  /** Runs the queued pushes in order; one failing never stops the others (it is logged). */
  async flush(deps: { db: Db; pushes: Pushes; logger: Logger }): Promise<void> {
    for (const e of this.queue.splice(0)) {
      try {
        await e(deps);
      } catch (error) {
        deps.logger.error('push after commit failed', { error: error instanceof Error ? error.message : String(error) });
      }
    }
  }
}

/**
 * Runs `fn` in one transaction and flushes its effects only after the commit: the one way a
 * membership-changing service runs a change (nobody is told about a change that rolled back).
 */
export const inTransactionThenPush = async <T>(
  deps: { db: Db; pushes: Pushes; logger: Logger },
  fn: (tx: Db, effects: Effects) => Promise<T>,
): Promise<T> => {
  const effects = new Effects();
  const result = await deps.db.transaction((tx) => fn(tx, effects));
  await effects.flush(deps);
  return result;
};

// ------------------------------------------------------------------ rows

export interface GroupRow {
  id: string;
  org_id: string;
  name: string;
  type: GroupSummary['type'];
  owner_id: string | null;
  department_id: string | null;
  home_department_id: string | null;
  member_cap: number;
  avatar_color: GroupSummary['avatarColor'];
  status: 'active' | 'dissolved';
  join_verification: GroupSettings['joinVerification'];
  searchable: boolean;
  only_admins_invite: boolean;
  mute_all: boolean;
  at_all: GroupSettings['atAll'];
  newcomer_history: GroupSettings['newcomerHistory'];
  announcement: string | null;
  announcement_by: string | null;
  announcement_at: Date | string | null;
  created_at: Date | string;
}

const GROUP_COLUMNS = `id, org_id, name, type, owner_id, department_id, home_department_id, member_cap, avatar_color, status,
  join_verification, searchable, only_admins_invite, mute_all, at_all, newcomer_history,
  announcement, announcement_by, announcement_at, created_at`;

export const settingsOf = (g: GroupRow): GroupSettings => ({
  joinVerification: g.join_verification,
  searchable: g.searchable,
  onlyAdminsInvite: g.only_admins_invite,
  muteAll: g.mute_all,
  atAll: g.at_all,
  newcomerHistory: g.newcomer_history,
});

export const groupNotFound = (): MusterError => new MusterError('not_found', 'No such group');

/**
 * Locks an active group of the organization for the rest of the transaction (membership changes
 * of one group are serialised: caps and the single owner hold under concurrency). A group of
 * another organization, or a dissolved one, is `not_found` — its existence is not disclosed.
 */
export const lockGroup = async (tx: Db, orgId: string, groupId: string): Promise<GroupRow> => {
  const rows = await tx.query<GroupRow>(
    `select ${GROUP_COLUMNS} from groups where id = $1 and org_id = $2 and status = 'active' for update`,
    [groupId, orgId],
  );
  if (!rows[0]) throw groupNotFound();
  return rows[0];
};

export const readGroup = async (db: Db, orgId: string, groupId: string): Promise<GroupRow> => {
  const rows = await db.query<GroupRow>(`select ${GROUP_COLUMNS} from groups where id = $1 and org_id = $2 and status = 'active'`, [
    groupId,
    orgId,
  ]);
  if (!rows[0]) throw groupNotFound();
  return rows[0];
};

export interface PersonRow {
  id: string;
  name: string;
  name_en: string | null;
  title: string | null;
  kind: 'employee' | 'guest';
  status: 'active' | 'offboarded';
}

export const personRef = (p: Pick<PersonRow, 'id' | 'name' | 'name_en'>): PersonRef => ({ id: p.id, name: p.name, nameEn: p.name_en });

/** Active members of the organization, in the order asked; any unknown / foreign / offboarded id is `not_found`. */
export const loadPeople = async (db: Db, orgId: string, ids: readonly string[]): Promise<PersonRow[]> => {
  if (ids.length === 0) return [];
  const rows = await db.query<PersonRow>(
    `select id, name, name_en, title, kind, status from members where org_id = $1 and id = any($2::uuid[]) and status = 'active'`,
    [orgId, ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new MusterError('not_found', 'No such member in this organization', { memberIds: missing });
  return ids.map((id) => byId.get(id)!);
};

export const memberCount = async (tx: Db, groupId: string): Promise<number> =>
  toInt((await tx.query<{ n: number }>('select count(*)::int as n from group_members where group_id = $1', [groupId]))[0]!.n);

/** The cap a new group of this type starts with (internal groups start small and are upgraded). */
export const initialCap = (type: GroupSummary['type']): number => (type === 'internal' ? INTERNAL_GROUP_INITIAL_CAP : GROUP_MEMBER_CAP[type]);

// ------------------------------------------------------------------ system messages

/** Appends a system message (next seq) and queues its push to the group. */
export const postSystemMessage = async (tx: Db, effects: Effects, groupId: string, event: SystemEvent): Promise<Message> => {
  const seqRows = await tx.query<{ last_seq: number }>('update groups set last_seq = last_seq + 1 where id = $1 returning last_seq', [groupId]);
  const seq = toInt(seqRows[0]!.last_seq);
  const inserted = await tx.query<{ id: string; created_at: Date | string }>(
    `insert into messages (group_id, seq, sender_id, kind, body, system, created_at)
     values ($1, $2, null, 'system', $3, $4::jsonb, clock_timestamp()) returning id, created_at`,
    [groupId, seq, systemEventFallback(event), JSON.stringify(event)],
  );
  await tx.query('update groups set updated_at = $2::timestamptz where id = $1', [groupId, toIso(inserted[0]!.created_at)]);
  const rows = await tx.query<MessageRow>(`${MESSAGE_SELECT} where m.id = $1`, [inserted[0]!.id]);
  const message = toMessage(rows[0]!);
  effects.add(({ pushes }) => pushes.toGroup(groupId, 'message:new', message));
  return message;
};

// ------------------------------------------------------------------ pushes after commit

const memberInfos = async (db: Db, groupId: string, memberIds: readonly string[]): Promise<GroupMemberInfo[]> => {
  if (memberIds.length === 0) return [];
  const rows = await db.query<PersonRow & { role: GroupMemberInfo['role']; muted: boolean; joined_at: Date | string }>(
    `select m.id, m.name, m.name_en, m.title, m.kind, m.status, gm.role, gm.muted, gm.joined_at
       from group_members gm join members m on m.id = gm.member_id
      where gm.group_id = $1 and gm.member_id = any($2::uuid[])`,
    [groupId, memberIds],
  );
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    nameEn: r.name_en,
    title: r.title,
    kind: r.kind,
    role: r.role,
    muted: r.muted,
    joinedAt: toIso(r.joined_at),
  }));
};

/** Queues `group:updated` to the group with the state as committed (settings included). */
export const queueGroupUpdated = (effects: Effects, groupId: string): void => {
  effects.add(async ({ db, pushes }) => {
    const rows = await db.query<GroupRow & { n: number }>(
      `select ${GROUP_COLUMNS}, (select count(*)::int from group_members where group_id = g.id) as n from groups g where id = $1`,
      [groupId],
    );
    const g = rows[0];
    if (!g || g.status !== 'active') return;
    pushes.toGroup(groupId, 'group:updated', {
      groupId,
      name: g.name,
      type: g.type,
      avatarColor: g.avatar_color,
      memberCap: toInt(g.member_cap),
      memberCount: toInt(g.n),
      departmentId: g.department_id,
      settings: settingsOf(g),
    });
  });
};

/** Queues `group:members` with role / mute changes (the detail panel patches itself). */
export const queueMembersChanged = (
  effects: Effects,
  groupId: string,
  changed: { id: string; role: GroupMemberInfo['role']; muted: boolean }[],
): void => {
  effects.add(({ pushes }) => pushes.toGroup(groupId, 'group:members', { groupId, added: [], removed: [], changed }));
};

// ------------------------------------------------------------------ adding

export interface AddOptions {
  /** Who did it; null for the system (department sync). */
  actor: PersonRef | null;
  source: JoinSource;
  /**
   * members_added (someone added them), member_joined (they came in by sync), or member_joined_via
   * (they came in through a code, a link or the directory; actor: who approved their request, if anyone).
   */
  event: 'members_added' | 'member_joined' | 'member_joined_via' | 'none';
  /** Who shared the code or link they came in through (recorded, and named in member_joined_via). */
  sharedBy?: PersonRef | null;
  /** Recorded as added_by; defaults to the actor (null when they came in by themselves). */
  addedBy?: string | null;
}

/**
 * Adds people to a locked group. Already-members are skipped; banned people, guests in a group
 * that cannot hold them, and a full group are refused with a specific error and nothing written.
 * Returns the ids actually added.
 */
export const addMemberships = async (
  tx: Db,
  effects: Effects,
  group: GroupRow,
  people: readonly PersonRow[],
  opts: AddOptions,
): Promise<string[]> => {
  const ids = people.map((p) => p.id);
  const existing = new Set(
    (await tx.query<{ member_id: string }>('select member_id from group_members where group_id = $1 and member_id = any($2::uuid[])', [
      group.id,
      ids,
    ])).map((r) => r.member_id),
  );
  const fresh = people.filter((p) => !existing.has(p.id));
  if (fresh.length === 0) return [];

  const banned = await tx.query<{ member_id: string }>('select member_id from group_bans where group_id = $1 and member_id = any($2::uuid[])', [
    group.id,
    fresh.map((p) => p.id),
  ]);
  if (banned.length > 0) {
    throw new MusterError('conflict', 'Banned from this group: remove them from the ban list first', {
      reason: 'banned',
      memberIds: banned.map((b) => b.member_id),
    });
  }
  if (group.type === 'internal' || group.type === 'department') {
    const guests = fresh.filter((p) => p.kind === 'guest');
    if (guests.length > 0) {
      throw new MusterError('forbidden', 'Outside contacts can only be in external or training groups', {
        reason: 'guest_not_allowed',
        memberIds: guests.map((g) => g.id),
      });
    }
  }
  const count = await memberCount(tx, group.id);
  const cap = toInt(group.member_cap);
  if (count + fresh.length > cap) {
    throw new MusterError('conflict', `The group is full (${count} of ${cap} members)`, {
      reason: 'group_full',
      memberCap: cap,
      memberCount: count,
      requested: fresh.length,
    });
  }

  await tx.query(
    // joined_seq: what a newcomer may read of the history before them (the group's newcomer-history setting).
    `insert into group_members (group_id, member_id, org_id, role, joined_via, added_by, shared_by, joined_seq)
     select $1, unnest($2::uuid[]), $3, 'member', $4, $5, $6, (select last_seq from groups where id = $1)`,
    [group.id, fresh.map((p) => p.id), group.org_id, opts.source, opts.addedBy !== undefined ? opts.addedBy : (opts.actor?.id ?? null), opts.sharedBy?.id ?? null],
  );
  const added = fresh.map((p) => p.id);

  // The new members' sockets join the room before the system message goes out, so they get it.
  effects.add(({ pushes }) => {
    for (const id of added) pushes.joinGroup(id, group.id);
  });
  if (opts.event === 'member_joined_via') {
    // One message per person: each says how they came in and who shared the code.
    for (const p of fresh.slice(0, 200)) {
      await postSystemMessage(tx, effects, group.id, {
        type: 'member_joined_via',
        actor: opts.actor,
        targets: opts.sharedBy ? [personRef(p), opts.sharedBy] : [personRef(p)],
        data: { via: opts.source },
      });
    }
  } else if (opts.event !== 'none') {
    await postSystemMessage(tx, effects, group.id, {
      type: opts.event,
      actor: opts.event === 'members_added' ? opts.actor : null,
      targets: fresh.slice(0, 200).map(personRef),
    });
  }
  effects.add(async ({ db, pushes }) => {
    // Every newcomer sees the same summary (role member, nothing read yet): one query, one push to all.
    for (const id of added) {
      const [summary] = await listSummaries(db, id, group.id);
      if (!summary) continue; // already gone again (a later change tells them)
      pushes.toMembers(added, 'group:added', summary);
      break;
    }
    const infos = await memberInfos(db, group.id, added);
    pushes.toGroup(group.id, 'group:members', { groupId: group.id, added: infos, removed: [], changed: [] });
  });
  queueGroupUpdated(effects, group.id);
  return added;
};

// ------------------------------------------------------------------ removing

export interface RemoveOptions {
  actor: PersonRef | null;
  reason: Exclude<Reason, 'dissolved'>;
  /** Add them to the ban list too (reason 'banned'). */
  ban?: boolean;
  /** Post a system message (default true). */
  announce?: boolean;
}

/**
 * Takes people out of a locked group. If the owner goes (offboarding, department sync), the
 * longest-standing admin — else member — becomes the owner; the caller dissolves an emptied group.
 * Returns who was removed and the new owner, if any.
 */
export const removeMemberships = async (
  tx: Db,
  effects: Effects,
  group: GroupRow,
  people: readonly PersonRow[],
  opts: RemoveOptions,
): Promise<{ removed: string[]; newOwnerId: string | null }> => {
  const ids = people.map((p) => p.id);
  const gone = await tx.query<{ member_id: string; role: string }>(
    'delete from group_members where group_id = $1 and member_id = any($2::uuid[]) returning member_id, role',
    [group.id, ids],
  );
  if (opts.ban) {
    await tx.query(
      `insert into group_bans (group_id, member_id, org_id, banned_by) select $1, unnest($2::uuid[]), $3, $4
       on conflict (group_id, member_id) do nothing`,
      [group.id, ids, group.org_id, opts.actor?.id ?? null],
    );
  }
  const removed = gone.map((g) => g.member_id);
  if (removed.length === 0) return { removed, newOwnerId: null };
  // The record of how they went: someone removed may later only ask to come back (joining/).
  await recordDepartures(tx, group, removed, opts.ban ? 'banned' : opts.reason, opts.actor);

  let newOwnerId: string | null = null;
  if (gone.some((g) => g.role === 'owner')) {
    const next = await tx.query<{ member_id: string }>(
      `select member_id from group_members where group_id = $1
        order by case role when 'admin' then 0 else 1 end, joined_at, member_id limit 1`,
      [group.id],
    );
    newOwnerId = next[0]?.member_id ?? null;
    if (newOwnerId) await tx.query(`update group_members set role = 'owner' where group_id = $1 and member_id = $2`, [group.id, newOwnerId]);
    await tx.query('update groups set owner_id = $2 where id = $1', [group.id, newOwnerId]);
  }

  const removedPeople = people.filter((p) => removed.includes(p.id));
  if (opts.announce !== false) {
    for (const p of removedPeople.slice(0, 200)) {
      const type = opts.ban ? 'member_banned' : opts.reason === 'removed' ? 'member_removed' : 'member_left';
      await postSystemMessage(tx, effects, group.id, { type, actor: type === 'member_left' ? null : opts.actor, targets: [personRef(p)] });
    }
  }
  const reason: Reason = opts.ban ? 'banned' : opts.reason;
  effects.add(({ pushes }) => {
    for (const id of removed) {
      pushes.leaveGroup(id, group.id);
      pushes.toMember(id, 'group:removed', { groupId: group.id, reason });
    }
    pushes.toGroup(group.id, 'group:members', {
      groupId: group.id,
      added: [],
      removed,
      changed: newOwnerId ? [{ id: newOwnerId, role: 'owner', muted: false }] : [],
    });
  });
  queueGroupUpdated(effects, group.id);
  return { removed, newOwnerId };
};

/** Appends to group_departures (history: the latest row of a pair says how the person last went). */
const recordDepartures = async (tx: Db, group: GroupRow, memberIds: readonly string[], reason: Reason, actor: PersonRef | null): Promise<void> => {
  if (memberIds.length === 0) return;
  await tx.query(
    `insert into group_departures (org_id, group_id, member_id, reason, by_id) select $1, $2, unnest($3::uuid[]), $4, $5`,
    [group.org_id, group.id, memberIds, reason, actor?.id ?? null],
  );
};

// ------------------------------------------------------------------ creating and dissolving

export interface CreateGroupInput {
  orgId: string;
  name: string;
  type: GroupSummary['type'];
  owner: PersonRow;
  members: readonly PersonRow[];
  avatarColor?: GroupSummary['avatarColor'];
  settings?: Partial<GroupSettings>;
  /** Department groups: the leaf department they mirror. */
  departmentId?: string | null;
  /** The department the group was created in (department heads manage groups under them). */
  homeDepartmentId?: string | null;
  /** Who created it (null: the department sync). */
  actor: PersonRef | null;
  source: JoinSource;
}

export const createGroup = async (tx: Db, effects: Effects, input: CreateGroupInput): Promise<GroupRow> => {
  const s = input.settings ?? {};
  const rows = await tx.query<{ id: string }>(
    `insert into groups (org_id, name, type, owner_id, department_id, home_department_id, member_cap, avatar_color, created_by,
                         join_verification, searchable, only_admins_invite, mute_all, at_all, newcomer_history)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9,
             coalesce($10, 'none'), coalesce($11, false), coalesce($12, false), coalesce($13, false), coalesce($14, 'admins'), coalesce($15, 'last100'))
     returning id`,
    [
      input.orgId, input.name, input.type, input.owner.id, input.departmentId ?? null, input.homeDepartmentId ?? null, initialCap(input.type),
      input.avatarColor ?? 'blue', input.actor?.id ?? null,
      s.joinVerification ?? null, s.searchable ?? null, s.onlyAdminsInvite ?? null, s.muteAll ?? null, s.atAll ?? null, s.newcomerHistory ?? null,
    ],
  );
  const groupId = rows[0]!.id;
  // The owner first (the cap counts them), then everyone else through the common path.
  await tx.query(
    `insert into group_members (group_id, member_id, org_id, role, joined_via, added_by) values ($1, $2, $3, 'owner', $4, $5)`,
    [groupId, input.owner.id, input.orgId, input.source === 'department' ? 'department' : 'created', input.actor?.id ?? null],
  );
  const group = await lockGroup(tx, input.orgId, groupId);
  if (group.type === 'internal' || group.type === 'department') {
    if (input.owner.kind === 'guest') throw new MusterError('forbidden', 'Outside contacts can only be in external or training groups', { reason: 'guest_not_allowed' });
  }
  await postSystemMessage(tx, effects, groupId, { type: 'created', actor: input.actor, targets: [] });
  effects.add(({ pushes }) => pushes.joinGroup(input.owner.id, groupId));
  effects.add(async ({ db, pushes }) => {
    const [summary] = await listSummaries(db, input.owner.id, groupId);
    if (summary) pushes.toMember(input.owner.id, 'group:added', summary);
  });
  const others = input.members.filter((m) => m.id !== input.owner.id);
  await addMemberships(tx, effects, group, others, {
    actor: input.actor,
    source: input.source === 'department' ? 'department' : 'added',
    event: others.length > 0 ? (input.actor ? 'members_added' : 'member_joined') : 'none',
  });
  // The founding members are no newcomers: they read the group from its first message.
  await tx.query('update group_members set joined_seq = 0 where group_id = $1', [groupId]);
  return group;
};

/**
 * Dissolves a locked group: everyone leaves it, the messages stay (a super admin's forced
 * dissolve keeps the history; external groups keep their archive).
 */
export const dissolveGroup = async (tx: Db, effects: Effects, group: GroupRow, actor: PersonRef | null): Promise<string[]> => {
  await postSystemMessage(tx, effects, group.id, { type: 'dissolved', actor, targets: [] });
  const gone = await tx.query<{ member_id: string }>('delete from group_members where group_id = $1 returning member_id', [group.id]);
  await recordDepartures(tx, group, gone.map((g) => g.member_id), 'dissolved', actor);
  await tx.query(`update groups set status = 'dissolved', dissolved_at = now(), dissolved_by = $2 where id = $1`, [group.id, actor?.id ?? null]);
  // Requests to join a group that is gone wait for nothing any more.
  await tx.query(`update join_requests set status = 'cancelled', decided_by = $2, decided_at = now() where group_id = $1 and status = 'pending'`, [
    group.id,
    actor?.id ?? null,
  ]);
  const ids = gone.map((g) => g.member_id);
  effects.add(({ pushes }) => {
    for (const id of ids) pushes.toMember(id, 'group:removed', { groupId: group.id, reason: 'dissolved' });
    pushes.closeGroup(group.id);
  });
  return ids;
};
