import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import type { JoinRequest } from '@shared/contract';
import { SyncEngine } from '../../src/renderer/sync/engine';
import { translator } from '../../src/renderer/i18n/store';
import { decideErrorText, reasonText, viaText } from '../../src/renderer/features/join-requests/format';
import {
  addDecision,
  applyRequest,
  badgeText,
  createJoinRequestsStore,
  emptyInbox,
  inboxFromList,
  pendingTotal,
  upsertRequest,
} from '../../src/renderer/features/join-requests/store';
import { FakeServer } from './support/fake-server';
import { FakeSocket } from './support/fake-socket';
import { ManualTimers, eventually, freshDb } from './support/helpers';
import type { MusterDb } from '../../src/renderer/db';

const en = translator('en');
const zh = translator('zh-CN');

let clock = Date.parse('2026-12-04T10:00:00Z');
const ids = { group: crypto.randomUUID(), emily: crypto.randomUUID(), zhangwei: crypto.randomUUID(), decider: crypto.randomUUID() };
const request = (over: Partial<JoinRequest> = {}): JoinRequest => ({
  id: crypto.randomUUID(),
  group: { id: ids.group, name: '财务群', avatarColor: 'blue' },
  requester: { id: ids.emily, name: 'Emily Carter', nameEn: null },
  message: 'Hi, I joined the finance team this week.',
  via: 'link',
  sharedBy: { id: ids.zhangwei, name: '张伟', nameEn: 'Zhang Wei' },
  reason: 'approval',
  status: 'pending',
  createdAt: new Date((clock += 1000)).toISOString(),
  decidedBy: null,
  decidedAt: null,
  ...over,
});

describe('the inbox', () => {
  it('starts from the server’s list, pending only, newest first, and counts what it did not list', () => {
    const a = request();
    const b = request();
    const done = request({ status: 'approved' });
    const inbox = inboxFromList([a, done, b], 5);
    expect(inbox.pending.map((r) => r.id)).toEqual([b.id, a.id]);
    expect(inbox.unlisted).toBe(3);
    expect(pendingTotal(inbox)).toBe(5);
    expect(inboxFromList([a], 0).unlisted).toBe(0); // never negative
  });

  it('adds a pushed new request, replaces a changed one and drops a decided one', () => {
    const a = request();
    let inbox = applyRequest(emptyInbox, a);
    expect(pendingTotal(inbox)).toBe(1);
    inbox = applyRequest(inbox, { ...a, message: 'edited' }); // the same request again: no double count
    expect(pendingTotal(inbox)).toBe(1);
    expect(inbox.pending[0]!.message).toBe('edited');
    const b = request();
    inbox = applyRequest(inbox, b);
    expect(inbox.pending.map((r) => r.id)).toEqual([b.id, a.id]);
    inbox = applyRequest(inbox, { ...a, status: 'approved', decidedBy: { id: ids.decider, name: 'X', nameEn: null }, decidedAt: new Date().toISOString() });
    expect(inbox.pending.map((r) => r.id)).toEqual([b.id]);
    inbox = applyRequest(inbox, { ...b, status: 'cancelled' });
    expect(pendingTotal(inbox)).toBe(0);
  });

  it('leaves the inbox alone for a decision on a request it never listed', () => {
    const inbox = inboxFromList([request()], 3);
    expect(applyRequest(inbox, request({ status: 'rejected' }))).toBe(inbox);
  });

  it('keeps the history view in place: one row per request, newest first', () => {
    const a = request();
    const b = request();
    let list = upsertRequest([], a);
    list = upsertRequest(list, b);
    list = upsertRequest(list, { ...a, status: 'rejected' });
    expect(list.map((r) => `${r.id === a.id ? 'a' : 'b'}:${r.status}`)).toEqual(['b:pending', 'a:rejected']);
  });

  it('caps the badge text so it fits the rail', () => {
    expect(badgeText(1)).toBe('1');
    expect(badgeText(99)).toBe('99');
    expect(badgeText(100)).toBe('99+');
  });

  it('the store: list, pushes and reset', () => {
    const store = createJoinRequestsStore();
    const a = request();
    store.getState().listed([a], 1);
    expect(store.getState().loaded).toBe(true);
    store.getState().pushed(request());
    expect(pendingTotal(store.getState().inbox)).toBe(2);
    store.getState().pushed({ ...a, status: 'approved' });
    expect(pendingTotal(store.getState().inbox)).toBe(1);
    store.getState().failed({ code: 'unavailable', message: 'x' });
    expect(store.getState().loadError?.code).toBe('unavailable');
    store.getState().listed([], 0);
    expect(store.getState().loadError).toBeNull();
    store.getState().reset();
    expect(store.getState()).toMatchObject({ loaded: false, open: false, notices: [], inbox: emptyInbox });
  });
});

describe('the requester’s notices', () => {
  it('keeps one notice per decided request, the latest last, and ignores anything undecided', () => {
    const a = request({ status: 'approved' });
    const b = request({ status: 'rejected' });
    let notices = addDecision([], request()); // pending: nothing to say
    expect(notices).toEqual([]);
    notices = addDecision(notices, a);
    notices = addDecision(notices, b);
    notices = addDecision(notices, { ...a });
    expect(notices.map((n) => n.id)).toEqual([b.id, a.id]);
    expect(addDecision(notices, request({ status: 'cancelled' }))).toHaveLength(2);
    const store = createJoinRequestsStore();
    store.getState().decided(a);
    store.getState().decided(b);
    store.getState().dismissNotice(b.id);
    expect(store.getState().notices.map((n) => n.id)).toEqual([a.id]);
  });
});

describe('how a request reads', () => {
  it('says how they came and who shared the code, in both languages', () => {
    expect(viaText(en, request({ via: 'qr' }))).toBe('Scanned a QR code shared by Zhang Wei');
    expect(viaText(zh, request({ via: 'qr' }))).toBe('扫描群二维码（张伟 分享）');
    expect(viaText(en, request({ via: 'directory', sharedBy: null }))).toBe('Found the group in the directory');
    expect(viaText(en, request({ via: 'live', sharedBy: null }))).toBe('Scanned a live code');
    expect(viaText(en, request({ via: 'added', sharedBy: null }))).toBe('Asked directly');
  });

  it('says why it needs a decision', () => {
    expect(reasonText(en, request({ reason: 'removed' }))).toBe('Was removed from this group before');
    expect(reasonText(en, request({ reason: 'face_unavailable' }))).toMatch(/face verification/);
    expect(reasonText(zh, request({ reason: 'approval' }))).toBe('本群需要管理员审批');
  });

  it('puts a failed decision in words', () => {
    expect(decideErrorText(en, { code: 'forbidden', message: 'x' })).toMatch(/owner and admins/);
    expect(decideErrorText(en, { code: 'not_found', message: 'x' })).toMatch(/no longer exists/);
    expect(decideErrorText(en, { code: 'conflict', message: 'x', details: { reason: 'already_decided' } })).toBe('This request was already decided.');
  });
});

describe('the sync engine’s join pushes', () => {
  const me = { id: crypto.randomUUID(), name: '张伟' };
  const opened: MusterDb[] = [];
  const engines: SyncEngine[] = [];
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
    for (const db of opened.splice(0)) await db.delete().catch(() => undefined);
  });

  function setup() {
    const db = freshDb();
    opened.push(db);
    const socket = new FakeSocket(new FakeServer(me).handle);
    const timers = new ManualTimers();
    const logged: string[] = [];
    const engine = new SyncEngine({
      db,
      socket,
      me,
      accessToken: async () => ({ ok: true, value: { accessToken: 't', expiresAt: '2030-01-01T00:00:00Z', memberId: me.id } }),
      onState: () => undefined,
      onSessionEnded: () => undefined,
      visibility: { isVisible: () => true, subscribe: () => () => undefined },
      setTimer: timers.setTimer,
      clearTimer: timers.clearTimer,
      log: (message) => logged.push(message),
    });
    engines.push(engine);
    return { socket, engine, logged };
  }

  it('hands valid join:request and join:decided pushes to their listeners, drops malformed ones, and stops after unsubscribe', async () => {
    const { socket, engine, logged } = setup();
    const inbox: string[] = [];
    const mine: string[] = [];
    const off = engine.onJoinRequest((r) => inbox.push(`${r.requester.name}:${r.status}`));
    engine.onJoinDecided((r) => mine.push(`${r.group.name}:${r.status}`));
    engine.onJoinDecided(() => {
      throw new Error('a broken listener');
    });
    engine.start();
    socket.serverConnect();

    const pending = request();
    socket.push('join:request', { request: pending });
    socket.push('join:request', { request: { ...pending, status: 'maybe' } });
    socket.push('join:decided', { request: request({ status: 'approved' }) });
    socket.push('join:decided', { nope: true });
    await eventually(() => inbox.length === 1 && mine.length === 1);
    expect(inbox).toEqual(['Emily Carter:pending']);
    expect(mine).toEqual(['财务群:approved']);
    expect(logged).toEqual(expect.arrayContaining(['ignored a malformed join:request push', 'ignored a malformed join:decided push', 'a join:decided listener failed']));

    off();
    socket.push('join:request', { request: { ...pending, status: 'rejected' } });
    socket.push('join:decided', { request: request({ status: 'rejected' }) });
    await eventually(() => mine.length === 2);
    expect(inbox).toHaveLength(1);
  });
});
