import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import type { Department, DirectoryMember, GroupDetail, GroupMemberInfo, GroupSummary } from '@shared/contract';
import { MusterDb, orgChartVersion, storeOrgChart, storeServerMessages, upsertGroupList } from '../../src/renderer/db';
import { enqueueMessage } from '../../src/renderer/sync/outbox';
import { SyncEngine, type GroupRemoval } from '../../src/renderer/sync/engine';
import { FakeServer, ORG_ID } from './support/fake-server';
import { FakeSocket } from './support/fake-socket';
import { ManualTimers, eventually, freshDb } from './support/helpers';
import { errorText } from '../../src/renderer/i18n/i18n';

const me = { id: crypto.randomUUID(), name: '张伟' };
const opened: MusterDb[] = [];
const engines: SyncEngine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.stop();
  for (const db of opened.splice(0)) await db.delete().catch(() => undefined);
});

const ok = <T>(value: T) => ({ ok: true as const, value });
const now = () => new Date().toISOString();

const dept = (name: string, parentId: string | null, extra: Partial<Department> = {}): Department => ({
  id: crypto.randomUUID(),
  parentId,
  name,
  nameEn: null,
  sort: 0,
  headId: null,
  ...extra,
});

const person = (name: string, nameEn: string | null, departmentIds: string[], extra: Partial<DirectoryMember> = {}): DirectoryMember => ({
  id: crypto.randomUUID(),
  account: (nameEn ?? name).toLowerCase().replace(/\s+/g, ''),
  name,
  nameEn,
  title: null,
  role: 'employee',
  kind: 'employee',
  departmentIds,
  primaryDepartmentId: departmentIds[0] ?? null,
  employeeId: null,
  mobile: null,
  email: null,
  hidden: false,
  restrictedView: false,
  realNameVerified: false,
  status: 'active',
  ...extra,
});

const memberInfo = (id: string, name: string, role: GroupMemberInfo['role'] = 'member'): GroupMemberInfo => ({
  id,
  name,
  nameEn: null,
  title: null,
  kind: 'employee',
  role,
  muted: false,
  joinedAt: now(),
});

const detailOf = (summary: GroupSummary, members: GroupMemberInfo[]): GroupDetail => ({
  id: summary.id,
  orgId: ORG_ID,
  name: summary.name,
  type: summary.type,
  avatarColor: summary.avatarColor,
  memberCap: summary.memberCap,
  memberCount: members.length,
  departmentId: null,
  announcement: null,
  settings: { joinVerification: 'none', searchable: false, onlyAdminsInvite: false, muteAll: false, atAll: 'admins', newcomerHistory: 'last100' },
  members,
  bans: [],
  createdAt: now(),
});

function setup() {
  const db = freshDb();
  opened.push(db);
  const server = new FakeServer(me);
  const hq = dept('总部', null, { nameEn: 'Headquarters' });
  const chart = { departments: [hq], members: [person('张伟', 'Zhang Wei', [hq.id], { id: me.id })], version: 1 };
  const details = new Map<string, GroupDetail>();
  const calls: string[] = [];
  const socket = new FakeSocket((event, payload) => {
    calls.push(event);
    if (event === 'org:chart') return ok(structuredClone(chart));
    if (event === 'groups:detail') {
      const d = details.get((payload as { groupId: string }).groupId);
      return d ? ok({ group: d }) : { ok: false, error: { code: 'not_member', message: 'not a member' } };
    }
    return server.handle(event, payload);
  });
  const timers = new ManualTimers();
  const engine = new SyncEngine({
    db,
    socket,
    me,
    accessToken: async () => ok({ accessToken: 'tok', expiresAt: '2030-01-01T00:00:00Z', memberId: me.id }),
    onState: () => undefined,
    onSessionEnded: () => undefined,
    visibility: { isVisible: () => true, subscribe: () => () => undefined },
    requestTimeoutMs: 50,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    log: () => undefined,
  });
  engines.push(engine);
  const removals: GroupRemoval[] = [];
  engine.onGroupRemoval((r) => removals.push(r));
  const count = (event: string) => calls.filter((c) => c === event).length;
  return { db, server, socket, engine, chart, details, calls, count, removals, hq };
}

describe('the org chart cache', () => {
  it('stores the chart with its version, and never lets an older answer replace a newer one', async () => {
    const db = freshDb();
    opened.push(db);
    expect(await orgChartVersion(db)).toBeNull(); // nothing cached: "not loaded", not "empty"
    const hq = dept('总部', null);
    const a = person('李娜', 'Li Na', [hq.id]);
    expect(await storeOrgChart(db, { departments: [hq], members: [a], version: 5 })).toBe(true);
    expect(await orgChartVersion(db)).toBe(5);
    expect((await db.people.get(a.id))?.nameEn).toBe('Li Na');

    const stale = await storeOrgChart(db, { departments: [], members: [], version: 4 });
    expect(stale).toBe(false);
    expect(await db.departments.count()).toBe(1);

    // A newer chart replaces everything: a member who left the chart is gone from the cache.
    const rd = dept('研发中心', hq.id);
    expect(await storeOrgChart(db, { departments: [hq, rd], members: [], version: 6 })).toBe(true);
    expect(await db.people.count()).toBe(0);
    expect((await db.departments.where('parentId').equals(hq.id).toArray()).map((d) => d.name)).toEqual(['研发中心']);
  });

  it('is fetched on connect, refetched on org:changed only when the version is newer', async () => {
    const { db, socket, engine, chart, count } = setup();
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await orgChartVersion(db)) === 1);
    expect(count('org:chart')).toBe(1);

    socket.push('org:changed', { version: 1 }); // what we have already
    await new Promise((r) => setTimeout(r, 30));
    expect(count('org:chart')).toBe(1);

    const rd = dept('研发中心', chart.departments[0]!.id, { nameEn: 'R&D Center' });
    chart.departments.push(rd);
    chart.version = 2;
    socket.push('org:changed', { version: 2 });
    await eventually(async () => (await orgChartVersion(db)) === 2);
    expect((await db.departments.get(rd.id))?.nameEn).toBe('R&D Center');
    expect(count('org:chart')).toBe(2);

    socket.push('org:changed', { version: 'x' }); // malformed: ignored, nothing fetched
    await new Promise((r) => setTimeout(r, 30));
    expect(count('org:chart')).toBe(2);
  });

  it('a change announced while a fetch is running is fetched once more afterwards', async () => {
    const { db, socket, engine, chart } = setup();
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await orgChartVersion(db)) === 1);
    chart.version = 2;
    const first = engine.refreshOrgChart();
    chart.version = 3; // changes while the first request is in flight
    const second = engine.refreshOrgChart();
    expect(await first).toBeNull();
    expect(await second).toBeNull();
    expect(await orgChartVersion(db)).toBe(3);
  });

  it('says why the chart could not be fetched', async () => {
    const { socket, engine } = setup();
    socket.handler = (event) => (event === 'org:chart' ? { ok: false, error: { code: 'internal', message: 'not implemented yet' } } : ok({ groups: [] }));
    engine.start();
    socket.serverConnect();
    expect((await engine.refreshOrgChart())?.code).toBe('internal');
  });
});

describe('group pushes', () => {
  it('group:added lists the group at once and keeps local sync state of a group already cached', async () => {
    const { db, server, socket, engine } = setup();
    engine.start();
    socket.serverConnect();
    const g = server.addGroup('新项目群', 3);
    socket.push('group:added', server.summary(g));
    await eventually(async () => (await db.groups.get(g))?.name === '新项目群');
    expect((await db.groups.get(g))!.syncedSeq).toBe(0);

    await storeServerMessages(db, server.groups.get(g)!.messages);
    expect((await db.groups.get(g))!.syncedSeq).toBe(3);
    socket.push('group:added', { ...server.summary(g), myRole: 'admin' });
    await eventually(async () => (await db.groups.get(g))?.myRole === 'admin');
    expect((await db.groups.get(g))!.syncedSeq).toBe(3);
  });

  it('group:removed forgets the group with its messages, unsent messages and detail, and tells the UI why', async () => {
    const { db, server, socket, engine, removals } = setup();
    const g = server.addGroup('Ops', 2);
    const kept = server.addGroup('Kept', 1);
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 2);
    await storeServerMessages(db, server.groups.get(g)!.messages);
    expect((await enqueueMessage(db, { groupId: g, body: 'unsent', sender: me })).ok).toBe(true);
    await db.groupDetails.put(detailOf(server.summary(g), [memberInfo(me.id, me.name)]));

    socket.push('group:removed', { groupId: g, reason: 'banned' });
    await eventually(() => removals.length === 1);
    expect(removals[0]).toEqual({ groupId: g, name: 'Ops', reason: 'banned' });
    expect(await db.groups.get(g)).toBeUndefined();
    expect(await db.messages.where('groupId').equals(g).count()).toBe(0);
    expect(await db.outbox.where('groupId').equals(g).count()).toBe(0);
    expect(await db.groupDetails.get(g)).toBeUndefined();
    expect(await db.groups.get(kept)).toBeDefined();

    socket.push('group:removed', { groupId: g, reason: 'kicked' }); // not a reason the contract knows
    await new Promise((r) => setTimeout(r, 30));
    expect(removals).toHaveLength(1);
  });

  it('a removed group stays gone after a reload (the cache reopened, the server list fetched again)', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('Gone');
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 1);
    server.groups.delete(g);
    socket.push('group:removed', { groupId: g, reason: 'removed' });
    await eventually(async () => (await db.groups.count()) === 0);
    await engine.stop();
    db.close();

    const reopened = new MusterDb(db.name);
    opened.push(reopened);
    expect(await reopened.groups.get(g)).toBeUndefined();
    // and a stale list answer cannot resurrect it: the next list is the server's, which no longer has it
    await upsertGroupList(reopened, [...server.groups.keys()].map((id) => server.summary(id)));
    expect(await reopened.groups.count()).toBe(0);
    reopened.close();
  });

  it('group:updated patches the list entry and a cached detail (settings included when sent)', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('Old name');
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 1);
    const d = detailOf(server.summary(g), [memberInfo(me.id, me.name, 'owner')]);
    await db.groupDetails.put(d);

    socket.push('group:updated', {
      groupId: g,
      name: 'New name',
      type: 'internal',
      avatarColor: 'teal',
      memberCap: 2000,
      memberCount: 7,
      departmentId: null,
      settings: { ...d.settings, muteAll: true },
    });
    await eventually(async () => (await db.groups.get(g))?.name === 'New name');
    const listed = (await db.groups.get(g))!;
    expect([listed.avatarColor, listed.memberCap, listed.memberCount]).toEqual(['teal', 2000, 7]);
    const detail = (await db.groupDetails.get(g))!;
    expect([detail.name, detail.memberCap, detail.settings.muteAll]).toEqual(['New name', 2000, true]);
  });

  it('group:members patches the open detail (added, removed, roles) and my own role in the list', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('Team');
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 1);
    const li = memberInfo(crypto.randomUUID(), '李娜');
    const wang = memberInfo(crypto.randomUUID(), '王芳');
    await db.groupDetails.put(detailOf(server.summary(g), [memberInfo(me.id, me.name), li]));

    socket.push('group:members', { groupId: g, added: [wang], removed: [li.id], changed: [{ id: me.id, role: 'admin', muted: false }] });
    await eventually(async () => (await db.groups.get(g))?.myRole === 'admin');
    const detail = (await db.groupDetails.get(g))!;
    expect(detail.members.map((m) => [m.name, m.role]).sort()).toEqual([
      ['张伟', 'admin'],
      ['王芳', 'member'],
    ]);
    expect(detail.memberCount).toBe(2);

    // the same push delivered twice (or racing a refetch): nobody is listed twice
    socket.push('group:members', { groupId: g, added: [wang], removed: [li.id], changed: [] });
    await new Promise((r) => setTimeout(r, 30));
    expect((await db.groupDetails.get(g))!.members.map((m) => m.id).sort()).toEqual([me.id, wang.id].sort());
  });

  it('a watched detail is fetched, refetched when the group changes, and no longer once unwatched', async () => {
    const { db, server, socket, engine, details, count } = setup();
    const g = server.addGroup('Watched');
    details.set(g, { ...detailOf(server.summary(g), [memberInfo(me.id, me.name, 'owner')]), announcement: { text: '周五发版', by: null, at: now() } });
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 1);

    const unwatch = engine.watchGroupDetail(g);
    await eventually(async () => (await db.groupDetails.get(g))?.announcement?.text === '周五发版');
    expect((await db.groups.get(g))!.myRole).toBe('owner'); // the detail's view of my role reaches the list

    details.get(g)!.announcement = { text: '改到周六', by: null, at: now() };
    const update = { groupId: g, name: 'Watched', type: 'internal', avatarColor: 'blue', memberCap: 500, memberCount: 1, departmentId: null };
    socket.push('group:updated', update);
    await eventually(async () => (await db.groupDetails.get(g))?.announcement?.text === '改到周六');
    const fetched = count('groups:detail');

    unwatch();
    socket.push('group:updated', update);
    await new Promise((r) => setTimeout(r, 30));
    expect(count('groups:detail')).toBe(fetched);
  });

  it('a detail the server refuses (no longer a member) drops the group from the list', async () => {
    const { db, server, socket, engine, removals } = setup();
    const g = server.addGroup('Silently gone');
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 1);
    const r = await engine.refreshGroupDetail(g); // `details` has no entry: not_member
    expect(r.ok).toBe(false);
    expect(await db.groups.get(g)).toBeUndefined();
    expect(removals).toEqual([{ groupId: g, name: 'Silently gone', reason: 'removed' }]);
  });
});

describe('refused messages', () => {
  it('keep the server’s reason (muted) for the hint next to Retry, and lose it on retry', async () => {
    const { db, server, socket, engine } = setup();
    const g = server.addGroup('Muted here');
    engine.start();
    socket.serverConnect();
    await eventually(async () => (await db.groups.count()) === 1);
    server.sendHook = () => ({ code: 'forbidden', message: 'You are muted in this group', details: { permission: 'group.message.send', reason: 'muted' } });
    const sent = await engine.send(g, '说句话');
    if (!sent.ok) throw new Error('not queued');
    const key = sent.value.key;
    await eventually(async () => (await db.messages.get(key))?.state === 'failed');
    expect(await db.messages.get(key)).toMatchObject({ error: 'forbidden', errorReason: 'muted' });
    expect(errorText('en', { code: 'forbidden', details: { reason: 'muted' } })).toBe('You are muted in this group.');

    server.sendHook = undefined;
    await engine.retry(key);
    await eventually(async () => (await db.messages.where('clientId').equals(key).first())?.state === 'sent');
    expect((await db.messages.where('clientId').equals(key).first())?.errorReason).toBeUndefined();
  });
});

describe('requests', () => {
  it('tells the requester when a super admin decides their external group, and no one else', async () => {
    const { socket, engine } = setup();
    const decided: string[] = [];
    engine.onRequestDecided((r) => decided.push(`${r.name}:${r.status}`));
    engine.start();
    socket.serverConnect();
    const request = (requesterId: string, status: 'pending' | 'approved' | 'rejected') => ({
      id: crypto.randomUUID(),
      requester: { id: requesterId, name: '李娜', nameEn: 'Li Na' },
      name: `对接群 ${status}`,
      memberIds: [],
      status,
      createdAt: now(),
      decidedAt: status === 'pending' ? null : now(),
      groupId: status === 'approved' ? crypto.randomUUID() : null,
    });
    socket.push('org:request', request(me.id, 'pending')); // our own, still pending: nothing to say
    socket.push('org:request', request(crypto.randomUUID(), 'approved')); // someone else's (we are a super admin)
    socket.push('org:request', request(me.id, 'rejected'));
    socket.push('org:request', request(me.id, 'approved'));
    await eventually(() => decided.length === 2);
    expect(decided).toEqual(['对接群 rejected:rejected', '对接群 approved:approved']);
  });
});

describe('the cache schema', () => {
  it('version 2 opens a version-1 cache without losing its groups or messages', async () => {
    const name = `muster-${crypto.randomUUID()}`;
    const v1 = new Dexie(name);
    v1.version(1).stores({ groups: 'id', messages: 'key, [groupId+seq], clientId, groupId', outbox: 'clientId, order, groupId' });
    const server = new FakeServer(me);
    const g = server.addGroup('From v1', 2);
    await v1.table('groups').put({ ...server.summary(g), syncedSeq: 2, historyComplete: true });
    await v1.table('messages').bulkPut(server.groups.get(g)!.messages.map((m) => ({ ...m, key: m.id, state: 'sent' })));
    v1.close();

    const v2 = new MusterDb(name);
    opened.push(v2);
    expect((await v2.groups.get(g))?.name).toBe('From v1');
    expect(await v2.messages.where('groupId').equals(g).count()).toBe(2);
    expect(v2.verno).toBe(2);
    expect(await v2.departments.count()).toBe(0);
  });
});
