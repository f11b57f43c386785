import type { GroupSummary } from '@shared/contract';
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
  return db.transaction('rw', db.groups, db.messages, db.outbox, async () => {
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
    if (removed.length) {
      await db.groups.bulkDelete(removed);
      await db.messages.where('groupId').anyOf(removed).delete();
      await db.outbox.where('groupId').anyOf(removed).delete();
    }
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
