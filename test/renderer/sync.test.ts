import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { err, ok, type AccessToken, type Result } from '@shared/contract';
import { markReadLocally, storeServerMessages, unreadCount, upsertGroupList, type MusterDb } from '../../src/renderer/db';
import { SyncEngine, type ConnectionState, type EngineEndReason } from '../../src/renderer/sync/engine';
import { catchUpGroup, loadOlder } from '../../src/renderer/sync/history';
import { enqueueMessage } from '../../src/renderer/sync/outbox';
import { createRequester } from '../../src/renderer/sync/request';
import { FakeServer } from './support/fake-server';
import { FakeSocket } from './support/fake-socket';
import { ManualTimers, eventually, freshDb } from './support/helpers';

const me = { id: crypto.randomUUID(), name: '张伟' };
const opened: MusterDb[] = [];
const engines: SyncEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) e.stop();
  for (const db of opened.splice(0)) await db.delete().catch(() => undefined);
});

const token = (t = 'tok', memberId = me.id): Result<AccessToken> => ok({ accessToken: t, expiresAt: '2030-01-01T00:00:00Z', memberId });

function setup(opts: { tokens?: Result<AccessToken>[] } = {}) {
  const db = freshDb();
  opened.push(db);
  const server = new FakeServer(me);
  const socket = new FakeSocket(server.handle);
  const timers = new ManualTimers();
  const states: ConnectionState[] = [];
  const tokenCalls: boolean[] = [];
  let visible = true;
  const visibilityListeners = new Set<() => void>();
  const endReasons: EngineEndReason[] = [];
  const logged: string[] = [];
  const engine = new SyncEngine({
    db,
    socket,
    me,
    accessToken: async (force) => {
      tokenCalls.push(force);
      return opts.tokens?.shift() ?? token();
    },
    onState: (s) => states.push(s),
    onSessionEnded: (reason) => endReasons.push(reason),
    visibility: {
      isVisible: () => visible,
      subscribe: (l) => (visibilityListeners.add(l), () => visibilityListeners.delete(l)),
    },
    requestTimeoutMs: 50,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    log: (message) => logged.push(message),
  });
  engines.push(engine);
  const setVisible = (v: boolean) => {
    visible = v;
    for (const l of visibilityListeners) l();
  };
  return { db, server, socket, timers, states, tokenCalls, engine, setVisible, ended: () => endReasons.length, endReasons, logged };
}

const names = async (db: MusterDb) => (await db.groups.toArray()).map((g) => g.name).sort();

describe('connecting', () => {
  it('lists groups on connect, keeps them in step on reconnect, and reports the connection state', async () => {
    const { db, server, socket, states, engine } = setup();
    const a = server.addGroup('全员群 All hands', 2);
    const b = server.addGroup('Ops');
    engine.start();
    expect(states).toEqual(['connecting']);
    expect(socket.connectCalls).toBe(1);

    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 2);
    expect(states.at(-1)).toBe('online');
    expect((await db.groups.get(a))!.lastSeq).toBe(2);

    socket.drop();
    expect(states.at(-1)).toBe('offline');
    server.groups.delete(b);
    server.addGroup('New team');
    socket.serverConnect();
    await eventually(async () => (await names(db)).join() === ['New team', '全员群 All hands'].join());
  });

  it('catches the open group up page by page until hasMore is false, then marks it read', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('busy', 10);
    await upsertGroupList(db, [server.summary(g)]);
    await storeServerMessages(db, server.groups.get(g)!.messages); // cache: 1..10
    for (let i = 0; i < 250; i++) server.post(g, `while away ${i}`);
    engine.openGroup(g);
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.get(g))!.syncedSeq === 260);
    const pages = socket.sent('messages:page') as { afterSeq?: number }[];
    expect(pages.map((p) => p.afterSeq)).toEqual([10, 110, 210]);
    await eventually(() => server.groups.get(g)!.lastReadSeq === 260);
    expect(unreadCount((await db.groups.get(g))!)).toBe(0);
  });

  it('answers a refused handshake with a forced token refresh and a new attempt', async () => {
    const { socket, timers, tokenCalls, engine, states } = setup();
    engine.start();
    socket.refuse('token_expired');
    await eventually(() => tokenCalls.length === 1);
    expect(tokenCalls).toEqual([true]);
    expect(states.at(-1)).toBe('offline');
    await eventually(() => timers.pending.size === 1);
    timers.runAll();
    expect(socket.connectCalls).toBe(2);
    // the handshake token for that attempt is the (now fresh) cached one
    expect(await engine.handshakeToken()).toBe('tok');
    expect(tokenCalls).toEqual([true, false]);
  });

  it('forces a refresh for the handshake after the server announced auth:expired', async () => {
    const { socket, tokenCalls, engine, timers } = setup();
    engine.start();
    socket.serverConnect();
    socket.push('auth:expired', {});
    socket.drop('io server disconnect'); // socket.io will not reconnect by itself after this
    await eventually(() => timers.pending.size === 1);
    timers.runAll();
    expect(socket.connectCalls).toBe(2);
    await engine.handshakeToken();
    expect(tokenCalls.at(-1)).toBe(true);
  });

  it('ends the session when the token cannot be refreshed any more', async () => {
    const { socket, engine, ended, timers } = setup({ tokens: [err('session_ended', 'revoked')] });
    engine.start();
    socket.refuse('unauthorized');
    await eventually(() => ended() === 1);
    expect(timers.pending.size).toBe(0); // no pointless reconnects
    expect(await setup({ tokens: [err('session_ended', 'gone')] }).engine.handshakeToken()).toBeNull();
  });

  it('flushes the outbox when the connection comes back', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('g');
    await upsertGroupList(db, [server.summary(g)]);
    engine.start();
    const r = await engine.send(g, 'written offline');
    expect(r.ok).toBe(true);
    expect(socket.sent('messages:send')).toHaveLength(0);
    socket.serverConnect();
    await eventually(async () => (await db.outbox.count()) === 0);
    expect(server.groups.get(g)!.messages.map((m) => m.body)).toEqual(['written offline']);
  });
});

describe('pushes', () => {
  it('message:new replaces the pending copy with the same clientId and drops its outbox entry', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('g', 1);
    await upsertGroupList(db, [server.summary(g)]);
    const pending = await enqueueMessage(db, { groupId: g, body: 'mine', sender: me });
    if (!pending.ok) throw new Error('enqueue failed');
    engine.start(); // not connected: the outbox holds it
    const stored = server.post(g, 'mine', me, pending.value.clientId);
    socket.push('message:new', stored);
    await eventually(async () => (await db.messages.get(stored.id)) !== undefined);
    expect(await db.messages.get(pending.value.key)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
    const group = (await db.groups.get(g))!;
    expect(group.lastSeq).toBe(2);
    expect(group.lastMessage?.id).toBe(stored.id);
  });

  it('counts unread for groups not open, marks the open one read only while the window is visible', async () => {
    const { db, server, socket, engine, setVisible } = setup();
    const open = server.addGroup('open');
    const other = server.addGroup('other');
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 2);
    engine.openGroup(open);

    socket.push('message:new', server.post(other, 'for later'));
    socket.push('message:new', server.post(open, 'seen now'));
    await eventually(async () => (await db.groups.get(open))!.lastReadSeq === 1);
    expect(unreadCount((await db.groups.get(other))!)).toBe(1);
    await eventually(() => server.groups.get(open)!.lastReadSeq === 1);

    setVisible(false);
    socket.push('message:new', server.post(open, 'window hidden'));
    await eventually(async () => (await db.groups.get(open))!.lastSeq === 2);
    expect(unreadCount((await db.groups.get(open))!)).toBe(1);
    setVisible(true);
    await eventually(async () => unreadCount((await db.groups.get(open))!) === 0);
    await eventually(() => server.groups.get(open)!.lastReadSeq === 2);
  });

  it('applies group:read from another device and ignores malformed pushes', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('g', 4);
    await upsertGroupList(db, [server.summary(g)]);
    engine.start();
    socket.push('message:new', { id: 'not a message' });
    socket.push('group:read', { groupId: g, lastReadSeq: 'three' });
    socket.push('group:read', { groupId: g, lastReadSeq: 3 });
    await eventually(async () => (await db.groups.get(g))!.lastReadSeq === 3);
    expect(await db.messages.count()).toBe(0);
  });

  it('refreshes the group list when a message arrives for a group it does not know yet', async () => {
    const { db, server, socket, engine, timers } = setup();
    engine.start();
    socket.serverConnect();
    await eventually(() => socket.sent('groups:list').length === 1);
    const g = server.addGroup('just added me');
    socket.push('message:new', server.post(g, 'welcome'));
    await eventually(() => timers.pending.size === 1);
    timers.runAll();
    await eventually(async () => (await db.groups.get(g)) !== undefined);
  });
});

describe('whose token', () => {
  it('never hands another member’s token to the socket: the session ends as replaced', async () => {
    const { engine, endReasons } = setup({ tokens: [token('theirs', crypto.randomUUID())] });
    engine.start();
    expect(await engine.handshakeToken()).toBeNull();
    expect(endReasons).toEqual(['replaced']);
  });

  it('a refused handshake answered with another member’s token ends the session instead of reconnecting', async () => {
    const { socket, engine, endReasons, timers } = setup({ tokens: [token('theirs', crypto.randomUUID())] });
    engine.start();
    socket.refuse('token_expired');
    await eventually(() => endReasons.length === 1);
    expect(endReasons).toEqual(['replaced']);
    expect(timers.pending.size).toBe(0);
    expect(socket.connectCalls).toBe(1);
  });

  it('a refresh refused by the server ends the session as ended, not replaced', async () => {
    const { engine, endReasons } = setup({ tokens: [err('session_ended', 'revoked')] });
    engine.start();
    expect(await engine.handshakeToken()).toBeNull();
    expect(endReasons).toEqual(['ended']);
  });
});

describe('storage failures (the database closed under the engine, as at sign-out)', () => {
  it('a group:read push is logged, not left as an unhandled rejection', async () => {
    const { db, server, socket, engine, logged } = setup();
    const g = server.addGroup('g', 2);
    await upsertGroupList(db, [server.summary(g)]);
    engine.start();
    db.close();
    socket.push('group:read', { groupId: g, lastReadSeq: 2 });
    await eventually(() => logged.some((m) => m.includes('group:read')));
  });

  it('reporting a read-ahead marker whose answer cannot be stored is logged', async () => {
    const { db, server, socket, engine, logged } = setup();
    const g = server.addGroup('g', 3);
    await upsertGroupList(db, [server.summary(g)]);
    await markReadLocally(db, g); // read offline: the server still says 0
    socket.handler = (event, payload) => {
      if (event === 'groups:markRead') db.close(); // gone before the answer is stored
      return server.handle(event, payload);
    };
    engine.start();
    socket.serverConnect();
    await eventually(() => logged.some((m) => m.includes('read marker')));
    expect(server.groups.get(g)!.lastReadSeq).toBe(3);
  });

  it('on connect, a failing outbox is logged and retried later; nothing rejects', async () => {
    const { db, server, socket, engine, logged, timers } = setup();
    server.addGroup('g');
    engine.start();
    db.close();
    socket.serverConnect();
    await eventually(() => logged.some((m) => m.includes('flushing the outbox failed')));
    expect(logged.some((m) => m.includes('group list'))).toBe(true);
    expect(timers.pending.size).toBe(1); // the outbox retry
  });

  it('sending answers a typed error instead of rejecting', async () => {
    const { db, server, engine, logged } = setup();
    const g = server.addGroup('g');
    engine.start();
    db.close();
    const r = await engine.send(g, 'hello');
    expect(r).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(logged).toHaveLength(1);
  });
});

describe('history', () => {
  it('catch-up stops when hasMore is false and never loops on a page without progress', async () => {
    const db = freshDb();
    opened.push(db);
    const server = new FakeServer(me);
    const g = server.addGroup('g', 5);
    await upsertGroupList(db, [server.summary(g)]);
    await storeServerMessages(db, server.groups.get(g)!.messages);
    const socket = new FakeSocket((event, payload) =>
      // a broken server: always "more", never any messages
      event === 'messages:page' ? ok({ messages: [], hasMore: true }) : server.handle(event, payload),
    );
    socket.serverConnect();
    const r = await catchUpGroup(db, createRequester(socket, 50), g);
    expect(r).toEqual(ok({ pages: 1, rebased: false }));
  });

  it('re-bases on the latest page when too far behind, or when nothing is cached', async () => {
    const db = freshDb();
    opened.push(db);
    const server = new FakeServer(me);
    const g = server.addGroup('g', 5);
    await upsertGroupList(db, [server.summary(g)]);
    const socket = new FakeSocket(server.handle);
    socket.serverConnect();
    const request = createRequester(socket, 50);

    expect(await catchUpGroup(db, request, g)).toEqual(ok({ pages: 1, rebased: true }));
    expect(socket.sent('messages:page')).toEqual([{ groupId: g, limit: 50 }]);
    expect((await db.groups.get(g))!).toMatchObject({ syncedSeq: 5, historyComplete: true });

    for (let i = 0; i < 500; i++) server.post(g, `burst ${i}`);
    const r = await catchUpGroup(db, request, g, 2);
    expect(r).toEqual(ok({ pages: 3, rebased: true }));
    const seqs = (await db.messages.toArray()).map((m) => m.seq);
    expect(Math.min(...seqs)).toBe(456); // only the latest 50: no hole between 5 and 456
    expect((await db.groups.get(g))!).toMatchObject({ syncedSeq: 505, historyComplete: false });
  });

  it('scroll-back fetches older pages from the server and serves cached ones locally', async () => {
    const db = freshDb();
    opened.push(db);
    const server = new FakeServer(me);
    const g = server.addGroup('g', 120);
    await upsertGroupList(db, [server.summary(g)]);
    const socket = new FakeSocket(server.handle);
    socket.serverConnect();
    const request = createRequester(socket, 50);
    await catchUpGroup(db, request, g); // latest 50: 71..120

    expect(await loadOlder(db, request, g, 71)).toEqual(ok({ oldestSeq: 21, reachedStart: false }));
    expect(await loadOlder(db, request, g, 21)).toEqual(ok({ oldestSeq: 1, reachedStart: true }));
    expect((await db.groups.get(g))!.historyComplete).toBe(true);
    const pages = socket.sent('messages:page').length;
    // everything is cached now: no more requests
    expect(await loadOlder(db, request, g, 71)).toEqual(ok({ oldestSeq: 21, reachedStart: false }));
    expect(socket.sent('messages:page')).toHaveLength(pages);
    expect(await db.messages.count()).toBe(120);
  });

  it('scroll-back offline reports unavailable', async () => {
    const db = freshDb();
    opened.push(db);
    const server = new FakeServer(me);
    const g = server.addGroup('g', 80);
    await upsertGroupList(db, [server.summary(g)]);
    await storeServerMessages(db, server.groups.get(g)!.messages.slice(-20));
    const socket = new FakeSocket(server.handle);
    const r = await loadOlder(db, createRequester(socket, 50), g, 61);
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable' } });
  });
});
