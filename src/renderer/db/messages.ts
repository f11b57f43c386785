import { Dexie } from 'dexie';
import type { Message } from '@shared/contract';
import { PENDING_SEQ_BASE, toLocalMessage, type LocalGroup, type LocalMessage, type MusterDb } from './schema';

/**
 * Writes of server messages into the cache. Every path that learns about a server message (ack,
 * push, catch-up, scroll-back) goes through here, so the rules hold everywhere:
 * - a pending copy with the same clientId is replaced (never shown twice) and its outbox entry
 *   dropped (the server has it: re-sending would be pointless);
 * - the group's lastSeq / lastMessage only move forward;
 * - `syncedSeq` advances over contiguous seqs.
 */

export interface StoreOutcome {
  /** Groups the messages belong to that are not in the cache (the group list is stale). */
  unknownGroupIds: string[];
}

export async function storeServerMessages(db: MusterDb, messages: readonly Message[]): Promise<StoreOutcome> {
  if (messages.length === 0) return { unknownGroupIds: [] };
  return db.transaction('rw', db.messages, db.outbox, db.groups, async () => {
    await replacePending(db, messages);
    await db.messages.bulkPut(messages.map(toLocalMessage));
    const unknownGroupIds: string[] = [];
    for (const [groupId, msgs] of groupBy(messages)) {
      const group = await db.groups.get(groupId);
      if (!group) {
        unknownGroupIds.push(groupId);
        continue;
      }
      await db.groups.put(await advanceGroup(db, group, msgs));
    }
    return { unknownGroupIds };
  });
}

/**
 * Stores the latest page of a group. When it does not join the cached range (a gap we will not
 * fill page by page), older cached server messages are dropped so the cache stays gap-free.
 */
export async function storeLatestPage(db: MusterDb, groupId: string, messages: readonly Message[], hasMore: boolean): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, db.groups, async () => {
    const group = await db.groups.get(groupId);
    if (!group) return;
    const first = messages[0];
    if (!first) {
      await db.groups.update(groupId, { historyComplete: group.historyComplete || !hasMore });
      return;
    }
    const joins = group.syncedSeq > 0 && first.seq <= group.syncedSeq + 1;
    let base: LocalGroup = group;
    if (!joins) {
      const stale = await db.messages
        .where('[groupId+seq]')
        .between([groupId, Dexie.minKey], [groupId, first.seq], true, false)
        .filter((m) => m.id !== null)
        .primaryKeys();
      await db.messages.bulkDelete(stale);
      base = { ...group, syncedSeq: first.seq - 1, historyComplete: false };
    }
    await replacePending(db, messages);
    await db.messages.bulkPut(messages.map(toLocalMessage));
    const advanced = await advanceGroup(db, base, messages);
    await db.groups.put({ ...advanced, historyComplete: advanced.historyComplete || !hasMore || first.seq === 1 });
  });
}

/** Stores a scroll-back page (older than what is cached). */
export async function storeOlderPage(db: MusterDb, groupId: string, messages: readonly Message[], hasMore: boolean): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, db.groups, async () => {
    await replacePending(db, messages);
    await db.messages.bulkPut(messages.map(toLocalMessage));
    const group = await db.groups.get(groupId);
    if (!group) return;
    const reachedStart = !hasMore || messages[0]?.seq === 1;
    const advanced = messages.length ? await advanceGroup(db, group, messages) : group;
    await db.groups.put({ ...advanced, historyComplete: advanced.historyComplete || reachedStart });
  });
}

async function replacePending(db: MusterDb, messages: readonly Message[]): Promise<void> {
  const clientIds = messages.flatMap((m) => (m.clientId ? [m.clientId] : []));
  if (clientIds.length === 0) return;
  const pendingKeys = await db.messages
    .where('clientId')
    .anyOf(clientIds)
    .filter((m) => m.id === null)
    .primaryKeys();
  await db.messages.bulkDelete(pendingKeys);
  await db.outbox.bulkDelete(clientIds);
}

async function advanceGroup(db: MusterDb, group: LocalGroup, messages: readonly Message[]): Promise<LocalGroup> {
  let { lastSeq, lastMessage } = group;
  const seqs = new Set<number>();
  for (const m of messages) {
    seqs.add(m.seq);
    if (m.seq > lastSeq) lastSeq = m.seq;
    if (!lastMessage || m.seq > lastMessage.seq) lastMessage = m;
  }
  let synced = group.syncedSeq;
  // Contiguity: first over what was just written, then over anything cached earlier (pushes that
  // arrived ahead of a gap).
  for (;;) {
    if (seqs.has(synced + 1)) {
      synced++;
      continue;
    }
    const next = await db.messages.where('[groupId+seq]').equals([group.id, synced + 1]).first();
    if (!next) break;
    synced++;
  }
  return { ...group, lastSeq, lastMessage, syncedSeq: synced };
}

function groupBy(messages: readonly Message[]): Map<string, Message[]> {
  const map = new Map<string, Message[]>();
  for (const m of messages) {
    const list = map.get(m.groupId);
    if (list) list.push(m);
    else map.set(m.groupId, [m]);
  }
  return map;
}

/** Placeholder seq for a new pending message: after every real seq and after earlier pending ones. */
export async function nextPendingSeq(db: MusterDb, groupId: string, now: number): Promise<number> {
  const last = await db.messages
    .where('[groupId+seq]')
    .between([groupId, PENDING_SEQ_BASE], [groupId, Dexie.maxKey])
    .last();
  return Math.max(PENDING_SEQ_BASE + now, (last?.seq ?? 0) + 1);
}

/** Reads the newest `limit` messages of a group, oldest first (or from `floorSeq` up when set). */
export async function readMessages(db: MusterDb, groupId: string, floorSeq: number | null, limit: number): Promise<LocalMessage[]> {
  if (floorSeq !== null) {
    return db.messages.where('[groupId+seq]').between([groupId, floorSeq], [groupId, Dexie.maxKey], true, true).toArray();
  }
  const newest = await db.messages
    .where('[groupId+seq]')
    .between([groupId, Dexie.minKey], [groupId, Dexie.maxKey])
    .reverse()
    .limit(limit)
    .toArray();
  return newest.reverse();
}

/** Up to `limit` cached server messages older than `beforeSeq`, oldest first. */
export async function readOlderCached(db: MusterDb, groupId: string, beforeSeq: number, limit: number): Promise<LocalMessage[]> {
  const older = await db.messages
    .where('[groupId+seq]')
    .between([groupId, Dexie.minKey], [groupId, beforeSeq], true, false)
    .reverse()
    .limit(limit)
    .toArray();
  return older.reverse();
}
