import type { GroupDetail, GroupMemberInfo, GroupSettings, GroupSummary } from '@shared/contract';
import type { GroupRoleName } from '@shared/rules/permissions';
import type { LocalGroup, MusterDb } from './schema';

/** Unread is derived, never stored: what the server has minus what this member has read. */
export const unreadCount = (g: Pick<GroupSummary, 'lastSeq' | 'lastReadSeq'>): number => Math.max(0, g.lastSeq - g.lastReadSeq);

/** Badge text: the count, capped at 99+. */
export const unreadBadgeText = (n: number): string => (n > 99 ? '99+' : String(n));

/** Most recent activity first; ties by name then id, so the order is the same on every render. */
export const byActivity = (a: LocalGroup, b: LocalGroup): number =>
  activityOf(b).localeCompare(activityOf(a)) || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
const activityOf = (g: LocalGroup) => g.lastMessage?.createdAt ?? g.updatedAt;

export const matchesFilter = (g: Pick<GroupSummary, 'name'>, filter: string): boolean => {
  const q = filter.trim().toLocaleLowerCase();
  return q === '' || g.name.toLocaleLowerCase().includes(q);
};

export interface GroupListOutcome {
  removed: string[];
  /** Groups read here further than the server knows (read while offline): tell the server. */
  readAhead: { groupId: string; seq: number }[];
}

/**
 * Replaces the cached group list with the server's, keeping local sync state. Groups no longer
 * listed (left, removed, dissolved) are dropped with their messages and unsent outbox entries.
 * Counters only move forward, so a push that raced the list is not undone.
 */
export async function upsertGroupList(db: MusterDb, groups: readonly GroupSummary[]): Promise<GroupListOutcome> {
  return db.transaction('rw', [db.groups, db.messages, db.outbox, db.groupDetails], async () => {
    const existing = new Map((await db.groups.toArray()).map((g) => [g.id, g]));
    const listed = new Set(groups.map((g) => g.id));
    const readAhead: GroupListOutcome['readAhead'] = [];
    const merged = groups.map((s): LocalGroup => {
      const old = existing.get(s.id);
      if (!old) return { ...s, syncedSeq: 0, historyComplete: false };
      const lastReadSeq = Math.max(old.lastReadSeq, s.lastReadSeq);
      if (old.lastReadSeq > s.lastReadSeq) readAhead.push({ groupId: s.id, seq: old.lastReadSeq });
      const newerLocal = old.lastMessage && (!s.lastMessage || old.lastMessage.seq > s.lastMessage.seq);
      return {
        ...s,
        lastSeq: Math.max(old.lastSeq, s.lastSeq),
        lastReadSeq,
        lastMessage: newerLocal ? old.lastMessage : s.lastMessage,
        syncedSeq: old.syncedSeq,
        historyComplete: old.historyComplete,
      };
    });
    const removed = [...existing.keys()].filter((id) => !listed.has(id));
    if (removed.length) await dropGroups(db, removed);
    await db.groups.bulkPut(merged);
    return { removed, readAhead };
  });
}

/** Another device (or the server's answer) says this much is read; reads only move forward. */
export async function applyGroupRead(db: MusterDb, groupId: string, lastReadSeq: number): Promise<void> {
  await db.transaction('rw', db.groups, async () => {
    const g = await db.groups.get(groupId);
    if (g && lastReadSeq > g.lastReadSeq) await db.groups.update(groupId, { lastReadSeq });
  });
}

/** Marks everything in the group read locally; returns the seq to report, or null if nothing changed. */
export async function markReadLocally(db: MusterDb, groupId: string): Promise<number | null> {
  return db.transaction('rw', db.groups, async () => {
    const g = await db.groups.get(groupId);
    if (!g || g.lastReadSeq >= g.lastSeq) return null;
    await db.groups.update(groupId, { lastReadSeq: g.lastSeq });
    return g.lastSeq;
  });
}

/** Forgets groups this member is no longer in: the group, its messages, unsent messages, its detail. */
async function dropGroups(db: MusterDb, ids: string[]): Promise<void> {
  await db.groups.bulkDelete(ids);
  await db.messages.where('groupId').anyOf(ids).delete();
  await db.outbox.where('groupId').anyOf(ids).delete();
  await db.groupDetails.bulkDelete(ids);
}

/**
 * A group appeared in this member's list (`group:added`, or the answer to creating one). An already
 * cached group keeps its local sync state and counters that are ahead (as in upsertGroupList).
 */
export async function addGroupSummary(db: MusterDb, s: GroupSummary): Promise<void> {
  await db.transaction('rw', db.groups, async () => {
    const old = await db.groups.get(s.id);
    if (!old) {
      await db.groups.put({ ...s, syncedSeq: 0, historyComplete: false });
      return;
    }
    const newerLocal = old.lastMessage && (!s.lastMessage || old.lastMessage.seq > s.lastMessage.seq);
    await db.groups.put({
      ...s,
      lastSeq: Math.max(old.lastSeq, s.lastSeq),
      lastReadSeq: Math.max(old.lastReadSeq, s.lastReadSeq),
      lastMessage: newerLocal ? old.lastMessage : s.lastMessage,
      syncedSeq: old.syncedSeq,
      historyComplete: old.historyComplete,
    });
  });
}

/** This member left the group (removed, banned, dissolved, ...): nothing of it stays in the cache. */
export async function removeGroupLocally(db: MusterDb, groupId: string): Promise<LocalGroup | null> {
  return db.transaction('rw', [db.groups, db.messages, db.outbox, db.groupDetails], async () => {
    const old = (await db.groups.get(groupId)) ?? null;
    await dropGroups(db, [groupId]);
    return old;
  });
}

export interface GroupUpdate {
  groupId: string;
  name: string;
  type: GroupSummary['type'];
  avatarColor: GroupSummary['avatarColor'];
  memberCap: number;
  memberCount: number;
  departmentId: string | null;
  /** Sent by servers that include the committed settings. */
  settings?: GroupSettings;
}

/** `group:updated`: the list entry and a cached detail take the new name, colour, type, cap and count. */
export async function applyGroupUpdated(db: MusterDb, u: GroupUpdate): Promise<void> {
  const patch = { name: u.name, type: u.type, avatarColor: u.avatarColor, memberCap: u.memberCap, memberCount: u.memberCount, departmentId: u.departmentId };
  await db.transaction('rw', db.groups, db.groupDetails, async () => {
    if (await db.groups.get(u.groupId)) await db.groups.update(u.groupId, patch);
    if (await db.groupDetails.get(u.groupId)) await db.groupDetails.update(u.groupId, u.settings ? { ...patch, settings: u.settings } : patch);
  });
}

export interface MembersChange {
  groupId: string;
  added: readonly GroupMemberInfo[];
  removed: readonly string[];
  changed: readonly { id: string; role: GroupRoleName; muted: boolean }[];
}

/**
 * `group:members`: patches a cached detail (added, removed, roles and mutes) and this member's own
 * role in the list. Roles come only from the push (a transfer lists both people), never guessed here.
 */
export async function applyMembersChange(db: MusterDb, change: MembersChange, myId: string): Promise<void> {
  await db.transaction('rw', db.groups, db.groupDetails, async () => {
    const mine = change.changed.find((c) => c.id === myId);
    if (mine && (await db.groups.get(change.groupId))) await db.groups.update(change.groupId, { myRole: mine.role });
    const detail = await db.groupDetails.get(change.groupId);
    if (!detail) return;
    const gone = new Set(change.removed);
    const changed = new Map(change.changed.map((c) => [c.id, c]));
    const addedIds = new Set(change.added.map((m) => m.id));
    const members = detail.members
      .filter((m) => !gone.has(m.id) && !addedIds.has(m.id))
      .map((m) => {
        const c = changed.get(m.id);
        return c ? { ...m, role: c.role, muted: c.muted } : m;
      })
      .concat(change.added.filter((m) => !gone.has(m.id)));
    await db.groupDetails.put({ ...detail, members, memberCount: members.length });
  });
}

/** Stores a fetched detail; the list entry takes its name, colour, cap, count and this member's role. */
export async function storeGroupDetail(db: MusterDb, detail: GroupDetail, myId: string): Promise<void> {
  await db.transaction('rw', db.groups, db.groupDetails, async () => {
    await db.groupDetails.put(detail);
    const listed = await db.groups.get(detail.id);
    if (!listed) return;
    const me = detail.members.find((m) => m.id === myId);
    await db.groups.update(detail.id, {
      name: detail.name,
      type: detail.type,
      avatarColor: detail.avatarColor,
      memberCap: detail.memberCap,
      memberCount: detail.memberCount,
      departmentId: detail.departmentId,
      ...(me ? { myRole: me.role } : {}),
    });
  });
}
