import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import {
  applyGroupRead,
  deleteMemberDb,
  markReadLocally,
  memberDbName,
  openMemberDb,
  storeLatestPage,
  storeServerMessages,
  unreadBadgeText,
  unreadCount,
  upsertGroupList,
  type MusterDb,
} from '../../src/renderer/db';
import { enqueueMessage } from '../../src/renderer/sync/outbox';
import { FakeServer } from './support/fake-server';
import { freshDb } from './support/helpers';

const me = { id: crypto.randomUUID(), name: '张伟' };
const opened: MusterDb[] = [];
const track = (db: MusterDb) => (opened.push(db), db);
afterEach(async () => {
  for (const db of opened.splice(0)) await db.delete().catch(() => undefined);
});

describe('one cache per member', () => {
  it('names the database after the member and keeps members apart', async () => {
    const a = crypto.randomUUID();
    const b = crypto.randomUUID();
    const dbA = track(openMemberDb(a));
    const dbB = track(openMemberDb(b));
    expect(dbA.name).toBe(`muster-${a}`);
    expect(memberDbName(b)).toBe(dbB.name);
    const server = new FakeServer(me);
    await upsertGroupList(dbA, [server.summary(server.addGroup('A only'))]);
    expect(await dbA.groups.count()).toBe(1);
    expect(await dbB.groups.count()).toBe(0);
  });

  it('deleting a member cache removes the database, open or not', async () => {
    const id = crypto.randomUUID();
    const db = openMemberDb(id);
    const server = new FakeServer(me);
    await upsertGroupList(db, [server.summary(server.addGroup('g'))]);
    expect(await Dexie.exists(memberDbName(id))).toBe(true);
    await deleteMemberDb(id, db);
    expect(await Dexie.exists(memberDbName(id))).toBe(false);

    const other = crypto.randomUUID();
    const db2 = openMemberDb(other);
    await db2.groups.count(); // creates it
    db2.close();
    await deleteMemberDb(other);
    expect(await Dexie.exists(memberDbName(other))).toBe(false);
  });
});

describe('group list', () => {
  it('keeps local sync state, drops groups no longer listed with their messages and outbox', async () => {
    const db = track(freshDb());
    const server = new FakeServer(me);
    const keep = server.addGroup('keep', 3);
    const gone = server.addGroup('gone', 2);
    await upsertGroupList(db, [server.summary(keep), server.summary(gone)]);
    await storeServerMessages(db, server.groups.get(keep)!.messages);
    await storeServerMessages(db, server.groups.get(gone)!.messages);
    await enqueueMessage(db, { groupId: gone, body: 'unsent', sender: me });
    expect((await db.groups.get(keep))!.syncedSeq).toBe(3);

    server.groups.delete(gone);
    server.post(keep, 'newer');
    const { removed } = await upsertGroupList(db, [server.summary(keep)]);
    expect(removed).toEqual([gone]);
    expect(await db.groups.get(gone)).toBeUndefined();
    expect(await db.messages.where('groupId').equals(gone).count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
    const kept = (await db.groups.get(keep))!;
    expect(kept.syncedSeq).toBe(3); // message 4 is known to exist but not cached yet
    expect(kept.lastSeq).toBe(4);
    expect(kept.lastMessage?.body).toBe('newer');
  });

  it('never moves read markers or counters backwards, and reports reads made offline', async () => {
    const db = track(freshDb());
    const server = new FakeServer(me);
    const g = server.addGroup('g', 5);
    await upsertGroupList(db, [server.summary(g)]);
    expect(await markReadLocally(db, g)).toBe(5); // read while offline: the server still says 0
    const { readAhead } = await upsertGroupList(db, [server.summary(g)]);
    expect(readAhead).toEqual([{ groupId: g, seq: 5 }]);
    expect((await db.groups.get(g))!.lastReadSeq).toBe(5);

    await applyGroupRead(db, g, 2); // an older marker arriving late changes nothing
    expect((await db.groups.get(g))!.lastReadSeq).toBe(5);
  });
});

describe('unread', () => {
  it('is lastSeq minus lastReadSeq, never negative, capped at 99+ on the badge', () => {
    expect(unreadCount({ lastSeq: 10, lastReadSeq: 7 })).toBe(3);
    expect(unreadCount({ lastSeq: 3, lastReadSeq: 5 })).toBe(0);
    expect(unreadBadgeText(99)).toBe('99');
    expect(unreadBadgeText(100)).toBe('99+');
  });

  it('rises with new messages and clears on markRead', async () => {
    const db = track(freshDb());
    const server = new FakeServer(me);
    const g = server.addGroup('g', 2);
    await upsertGroupList(db, [{ ...server.summary(g), lastReadSeq: 2 }]);
    expect(unreadCount((await db.groups.get(g))!)).toBe(0);
    await storeServerMessages(db, [server.post(g, 'a'), server.post(g, 'b')]);
    expect(unreadCount((await db.groups.get(g))!)).toBe(2);
    expect(await markReadLocally(db, g)).toBe(4);
    expect(unreadCount((await db.groups.get(g))!)).toBe(0);
    expect(await markReadLocally(db, g)).toBeNull(); // nothing new: nothing to report
  });
});

describe('storing server messages', () => {
  it('advances syncedSeq only over contiguous seqs', async () => {
    const db = track(freshDb());
    const server = new FakeServer(me);
    const g = server.addGroup('g', 6);
    await upsertGroupList(db, [{ ...server.summary(g), lastSeq: 0, lastMessage: null }]);
    const all = server.groups.get(g)!.messages;
    await storeServerMessages(db, all.slice(0, 2));
    expect((await db.groups.get(g))!.syncedSeq).toBe(2);
    await storeServerMessages(db, [all[4]!]); // a push after a gap
    expect((await db.groups.get(g))!.syncedSeq).toBe(2);
    await storeServerMessages(db, all.slice(2, 4)); // the gap is filled: 5 was already cached
    const group = (await db.groups.get(g))!;
    expect(group.syncedSeq).toBe(5);
    expect(group.lastSeq).toBe(5);
    expect(group.lastMessage?.seq).toBe(5);
  });

  it('a latest page that does not join the cache replaces the stale part (no holes)', async () => {
    const db = track(freshDb());
    const server = new FakeServer(me);
    const g = server.addGroup('g', 120);
    await upsertGroupList(db, [server.summary(g)]);
    const all = server.groups.get(g)!.messages;
    await storeServerMessages(db, all.slice(0, 10)); // an old cache: 1..10
    const pending = await enqueueMessage(db, { groupId: g, body: 'still pending', sender: me });
    await storeLatestPage(db, g, all.slice(-50), true); // 71..120
    const seqs = (await db.messages.where('groupId').equals(g).toArray()).filter((m) => m.id !== null).map((m) => m.seq);
    expect(Math.min(...seqs)).toBe(71);
    expect(seqs).toHaveLength(50);
    expect((await db.groups.get(g))!.syncedSeq).toBe(120);
    expect((await db.groups.get(g))!.historyComplete).toBe(false);
    expect(await db.messages.get(pending.ok ? pending.value.key : '')).toBeDefined(); // pending kept
  });
});
