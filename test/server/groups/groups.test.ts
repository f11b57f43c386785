import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GroupDetail, TokenBundle } from '@shared/contract';
import { backends } from '../support/databases';
import { nextEvent, noEvent, request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import {
  expectErr,
  expectOk,
  loadFixture,
  makeDepartment,
  makeGroup,
  makeMembers,
  memberIdsOf,
  roleOf,
  snapshot,
  type Fixture,
} from './fixtures';

describe.each(backends)('group management on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let admin: ClientSocket; // super admin
  let zw: ClientSocket; // 张伟, dept head of 研发中心
  let ln: ClientSocket; // 李娜, dept head of 前端组
  let em: ClientSocket; // Emily Carter, employee
  let tokens: Record<string, TokenBundle>;

  const lastMessage = async (groupId: string) =>
    (
      await t.server.db.query<{
        system: { type: string; actor: { id: string } | null; targets: { id: string }[]; data?: Record<string, unknown> } | null;
        sender_id: string | null;
      }>('select system, sender_id from messages where group_id = $1 order by seq desc limit 1', [groupId])
    )[0]!;
  const lastAudit = async () =>
    (
      await t.server.db.query<{ action: string; target_id: string; actor_id: string | null; before: unknown; after: unknown }>(
        'select action, target_id, actor_id, before, after from audit_log order by org_id, seq desc limit 1',
      )
    )[0]!;
  const detail = async (s: ClientSocket, groupId: string): Promise<GroupDetail> =>
    expectOk(await request(s, 'groups:detail', { groupId })).group;
  const send = (s: ClientSocket, groupId: string, body = 'hello') => request(s, 'messages:send', { groupId, clientId: randomUUID(), body });

  const connectAll = async (): Promise<void> => {
    const s = await Promise.all(['admin', 'zhangwei', 'lina', 'emily.carter'].map((a) => t.connect(tokens[a]!.accessToken)));
    [admin, zw, ln, em] = [s[0]!, s[1]!, s[2]!, s[3]!];
  };
  /**
   * A group set up in SQL, then everyone reconnects: sockets join their groups' rooms at the
   * handshake, and this group did not exist when they connected.
   */
  const group = async (spec: Parameters<typeof makeGroup>[1]): Promise<string> => {
    const id = await makeGroup(f, spec);
    for (const s of [admin, zw, ln, em]) s.disconnect();
    await connectAll();
    return id;
  };

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 1000, burst: 1000 } });
    f = await loadFixture(t.server.db);
    const accounts = ['admin', 'zhangwei', 'lina', 'emily.carter'];
    const bundles = await Promise.all(accounts.map((a) => t.signIn(a)));
    tokens = Object.fromEntries(accounts.map((a, i) => [a, bundles[i]!]));
    await connectAll();
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('create', () => {
    it('creates an internal group owned by the caller; the members see it appear live; audited', async () => {
      const appeared = nextEvent(ln, 'group:added');
      const r = expectOk(
        await request(zw, 'groups:create', { name: '周报小组', type: 'internal', memberIds: [f.id('lina'), f.id('emily.carter')] }),
      );
      expect(r.pendingRequestId).toBeNull();
      const g = r.group!;
      expect(g).toMatchObject({ name: '周报小组', type: 'internal', memberCap: 500, memberCount: 3, myRole: 'owner' });
      expect((await appeared).id).toBe(g.id);
      const d = await detail(zw, g.id);
      // The owner first; members added together share their join time.
      expect(d.members[0]).toMatchObject({ id: f.id('zhangwei'), role: 'owner' });
      expect(
        d.members
          .slice(1)
          .map((m) => [m.id, m.role])
          .sort(),
      ).toEqual(
        [
          [f.id('lina'), 'member'],
          [f.id('emily.carter'), 'member'],
        ].sort(),
      );
      expect(
        (await t.server.db.query<{ home_department_id: string }>('select home_department_id from groups where id = $1', [g.id]))[0]!
          .home_department_id,
      ).toBe(f.dept('研发中心'));
      const m = await lastMessage(g.id);
      expect(m.system).toMatchObject({ type: 'members_added', actor: { id: f.id('zhangwei') } });
      expect(m.system!.targets.map((x) => x.id)).toEqual([f.id('lina'), f.id('emily.carter')]);
      expect(await lastAudit()).toMatchObject({ action: 'group.create', target_id: g.id, actor_id: f.id('zhangwei') });
    });

    it("refuses an employee's external or training group, naming the permission", async () => {
      const before = await snapshot(t.server.db);
      expectErr(await request(em, 'groups:create', { name: 'x', type: 'external', memberIds: [] }), 'forbidden', {
        permission: 'group.create.external',
      });
      expectErr(await request(em, 'groups:create', { name: 'x', type: 'training', memberIds: [] }), 'forbidden', {
        permission: 'group.create.training',
      });
      expect(await snapshot(t.server.db)).toBe(before);
    });

    it("holds a department head's external group for a super admin, who approves it: the requester owns it", async () => {
      const toAdmin = nextEvent(admin, 'org:request');
      const r = expectOk(await request(zw, 'groups:create', { name: '客户对接', type: 'external', memberIds: [f.id('lina')] }));
      expect(r.group).toBeNull();
      const pending = await toAdmin;
      expect(pending).toMatchObject({ id: r.pendingRequestId, status: 'pending', name: '客户对接', requester: { id: f.id('zhangwei') } });
      expect((await t.server.db.query('select 1 from groups where name = $1', ['客户对接'])).length).toBe(0);

      const listed = expectOk(await request(admin, 'org:requests:list', { status: 'pending' })).requests;
      expect(listed.map((x) => x.id)).toContain(r.pendingRequestId);
      // The requester sees their own; another employee sees none of it.
      expect(expectOk(await request(zw, 'org:requests:list', { status: 'all' })).requests.map((x) => x.id)).toContain(r.pendingRequestId);
      expect(expectOk(await request(em, 'org:requests:list', { status: 'all' })).requests).toEqual([]);
      expectErr(await request(zw, 'org:requests:decide', { id: r.pendingRequestId!, approve: true }), 'forbidden', {
        permission: 'org.request.decide',
      });

      const told = nextEvent(zw, 'org:request');
      const added = nextEvent(zw, 'group:added');
      const decided = expectOk(await request(admin, 'org:requests:decide', { id: r.pendingRequestId!, approve: true })).request;
      expect(decided.status).toBe('approved');
      expect((await told).groupId).toBe(decided.groupId);
      expect((await added).id).toBe(decided.groupId);
      expect(await roleOf(t.server.db, decided.groupId!, f.id('zhangwei'))).toBe('owner');
      expect(await roleOf(t.server.db, decided.groupId!, f.id('lina'))).toBe('member');
      expectErr(await request(admin, 'org:requests:decide', { id: r.pendingRequestId!, approve: false }), 'conflict', {
        reason: 'already_decided',
      });
    });

    it('tells the requester when their request is rejected, and creates nothing', async () => {
      const r = expectOk(await request(zw, 'groups:create', { name: '被拒的群', type: 'external', memberIds: [] }));
      const told = nextEvent(zw, 'org:request');
      const decided = expectOk(await request(admin, 'org:requests:decide', { id: r.pendingRequestId!, approve: false })).request;
      expect(decided).toMatchObject({ status: 'rejected', groupId: null });
      expect((await told).status).toBe('rejected');
      expect((await t.server.db.query('select 1 from groups where name = $1', ['被拒的群'])).length).toBe(0);
    });
  });

  describe('who the actor is', () => {
    it('an org role change applies to the next request, without signing in again', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner' } });
      expectErr(await request(em, 'groups:dissolve', { groupId: g }), 'forbidden', { permission: 'group.dissolve' });
      await t.server.db.query(`update members set role = 'super_admin' where id = $1`, [f.id('emily.carter')]);
      try {
        expectOk(await request(em, 'groups:dissolve', { groupId: g }));
      } finally {
        await t.server.db.query(`update members set role = 'employee' where id = $1`, [f.id('emily.carter')]);
      }
    });

    it('a group of 500 picked at once does not fit a new internal group (the owner counts)', async () => {
      const crowd = await makeMembers(f, 500);
      const before = await snapshot(t.server.db);
      expectErr(await request(admin, 'groups:create', { name: '太大了', type: 'internal', memberIds: crowd }), 'conflict', {
        reason: 'group_full',
        memberCap: 500,
      });
      expect(await snapshot(t.server.db)).toBe(before);
      const ok = expectOk(await request(admin, 'groups:create', { name: '刚好', type: 'training', memberIds: crowd }));
      expect(ok.group).toMatchObject({ memberCount: 501, memberCap: 2000 });
    });
  });

  describe('membership, live', () => {
    it('an added member joins the room at once; a removed one stops receiving messages without reconnecting', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member' } });
      const appeared = nextEvent(em, 'group:added');
      const r = expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter')] }));
      expect(r).toEqual({ added: [f.id('emily.carter')], externalGroup: null, pendingRequestId: null });
      expect((await appeared).id).toBe(g);
      const heard = nextEvent(em, 'message:new');
      expectOk(await send(zw, g, 'welcome'));
      expect((await heard).body).toBe('welcome');

      const gone = nextEvent(em, 'group:removed');
      const membersPush = nextEvent(ln, 'group:members');
      expectOk(await request(zw, 'groups:removeMember', { groupId: g, memberId: f.id('emily.carter'), ban: false }));
      expect(await gone).toEqual({ groupId: g, reason: 'removed' });
      expect((await membersPush).removed).toEqual([f.id('emily.carter')]);
      const silence = noEvent(em, 'message:new', 400);
      const linaHears = nextEvent(ln, 'message:new');
      expectOk(await send(zw, g, 'after she left'));
      expect((await linaHears).body).toBe('after she left');
      await silence;
      expectErr(await request(em, 'messages:page', { groupId: g }), 'not_member');
      expect((await lastMessage(g)).sender_id).toBe(f.id('zhangwei'));
      const removal = (
        await t.server.db.query<{ system: { type: string } }>(
          `select system from messages where group_id = $1 and system->>'type' = 'member_removed'`,
          [g],
        )
      )[0];
      expect(removal).toBeDefined();
    });

    it('a ban keeps someone out until they are unbanned; only those who manage bans see the list', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member', [f.id('emily.carter')]: 'member' } });
      const gone = nextEvent(em, 'group:removed');
      expectOk(await request(zw, 'groups:removeMember', { groupId: g, memberId: f.id('emily.carter'), ban: true }));
      expect((await gone).reason).toBe('banned');
      expect((await lastMessage(g)).system?.type).toBe('member_banned');
      expect(await lastAudit()).toMatchObject({ action: 'group.member.ban', target_id: f.id('emily.carter') });

      const before = await snapshot(t.server.db);
      expectErr(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter')] }), 'conflict', {
        reason: 'banned',
        memberIds: [f.id('emily.carter')],
      });
      expect(await snapshot(t.server.db)).toBe(before);
      expect((await detail(zw, g)).bans.map((b) => [b.member.id, b.bannedBy?.id])).toEqual([[f.id('emily.carter'), f.id('zhangwei')]]);
      expect((await detail(ln, g)).bans).toEqual([]);

      expectErr(await request(ln, 'groups:unban', { groupId: g, memberId: f.id('emily.carter') }), 'forbidden', {
        permission: 'group.ban.manage',
      });
      expectOk(await request(zw, 'groups:unban', { groupId: g, memberId: f.id('emily.carter') }));
      expectErr(await request(zw, 'groups:unban', { groupId: g, memberId: f.id('emily.carter') }), 'not_found', { reason: 'not_banned' });
      expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter')] }));
      expect(await roleOf(t.server.db, g, f.id('emily.carter'))).toBe('member');
    });

    it('adding someone already in the group adds nobody and posts nothing', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member' } });
      const before = await snapshot(t.server.db);
      expect(expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('lina')] })).added).toEqual([]);
      expect(await snapshot(t.server.db)).toBe(before);
    });

    it('members leave on their own; the owner must transfer first', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin' } });
      expectErr(await request(zw, 'groups:leave', { groupId: g }), 'conflict', { reason: 'owner_must_transfer' });
      const gone = nextEvent(ln, 'group:removed');
      expectOk(await request(ln, 'groups:leave', { groupId: g }));
      expect((await gone).reason).toBe('left');
      expect(await memberIdsOf(t.server.db, g)).toEqual([f.id('zhangwei')]);
      expect((await lastMessage(g)).system?.type).toBe('member_left');
    });
  });

  describe('roles', () => {
    it('role changes reach every member live and are audited with before/after', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member', [f.id('emily.carter')]: 'member' } });
      const seen = nextEvent(em, 'group:members');
      expectOk(await request(zw, 'groups:setRole', { groupId: g, memberId: f.id('lina'), role: 'admin' }));
      expect((await seen).changed).toEqual([{ id: f.id('lina'), role: 'admin', muted: false }]);
      expect((await lastMessage(g)).system).toMatchObject({ type: 'role_changed', data: { role: 'admin' } });
      expect(await lastAudit()).toMatchObject({ action: 'group.role.set', before: { role: 'member' }, after: { role: 'admin' } });
      expectErr(await request(zw, 'groups:setRole', { groupId: g, memberId: f.id('zhangwei'), role: 'member' }), 'conflict', {
        reason: 'target_is_owner',
      });
    });

    it('transferring ownership keeps exactly one owner; the old owner becomes an admin', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member' } });
      const seen = nextEvent(ln, 'group:members');
      expectOk(await request(zw, 'groups:transferOwnership', { groupId: g, memberId: f.id('lina') }));
      expect((await seen).changed).toEqual([
        { id: f.id('zhangwei'), role: 'admin', muted: false },
        { id: f.id('lina'), role: 'owner', muted: false },
      ]);
      expect(await roleOf(t.server.db, g, f.id('zhangwei'))).toBe('admin');
      expect(await roleOf(t.server.db, g, f.id('lina'))).toBe('owner');
      expect((await t.server.db.query<{ owner_id: string }>('select owner_id from groups where id = $1', [g]))[0]!.owner_id).toBe(
        f.id('lina'),
      );
      // The former owner lost the owner's powers at once.
      expectErr(await request(zw, 'groups:transferOwnership', { groupId: g, memberId: f.id('zhangwei') }), 'forbidden', {
        permission: 'group.ownership.transfer',
      });
    });
  });

  describe('speaking', () => {
    it('a muted member cannot send; unmuted they can', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('emily.carter')]: 'member' } });
      const seen = nextEvent(em, 'group:members');
      expectOk(await request(zw, 'groups:muteMember', { groupId: g, memberId: f.id('emily.carter'), muted: true }));
      expect((await seen).changed).toEqual([{ id: f.id('emily.carter'), role: 'member', muted: true }]);
      const before = await snapshot(t.server.db);
      expectErr(await send(em, g), 'forbidden', { permission: 'group.message.send', reason: 'muted' });
      expect(await snapshot(t.server.db)).toBe(before);
      expectOk(await request(zw, 'groups:muteMember', { groupId: g, memberId: f.id('emily.carter'), muted: false }));
      expectOk(await send(em, g));
    });

    it('mute-all silences plain members; the owner and admins still speak', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin', [f.id('emily.carter')]: 'member' } });
      const updated = nextEvent(em, 'group:updated');
      const r = expectOk(await request(ln, 'groups:updateSettings', { groupId: g, settings: { muteAll: true } }));
      expect(r.settings.muteAll).toBe(true);
      expect((await updated).settings?.muteAll).toBe(true);
      expectErr(await send(em, g), 'forbidden', { permission: 'group.message.send', reason: 'mute_all' });
      expectOk(await send(ln, g));
      expectOk(await send(zw, g));
    });
  });

  describe('the group itself', () => {
    it('renames and recolours, with a system message each and group:updated', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member' } });
      const updated = nextEvent(ln, 'group:updated');
      expectOk(await request(zw, 'groups:update', { groupId: g, name: '新名字', avatarColor: 'teal' }));
      expect(await updated).toMatchObject({ groupId: g, name: '新名字', avatarColor: 'teal' });
      const types = (
        await t.server.db.query<{ t: string }>(`select system->>'type' as t from messages where group_id = $1 order by seq`, [g])
      ).map((r) => r.t);
      expect(types).toEqual(['renamed', 'avatar_changed']);
      expect(await lastAudit()).toMatchObject({
        action: 'group.update',
        before: { name: expect.stringMatching(/fixture/), avatarColor: 'blue' },
        after: { name: '新名字', avatarColor: 'teal' },
      });
    });

    it('posts and clears the announcement', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member' } });
      expectOk(await request(zw, 'groups:setAnnouncement', { groupId: g, text: '周五前提交周报' }));
      const d = await detail(ln, g);
      expect(d.announcement).toMatchObject({ text: '周五前提交周报', by: { id: f.id('zhangwei') } });
      expect((await lastMessage(g)).system).toMatchObject({ type: 'announcement', data: { text: '周五前提交周报' } });
      expectErr(await request(ln, 'groups:setAnnouncement', { groupId: g, text: 'mine' }), 'forbidden', {
        permission: 'group.announcement',
      });
      expectOk(await request(zw, 'groups:setAnnouncement', { groupId: g, text: '   ' }));
      expect((await detail(ln, g)).announcement).toBeNull();
    });

    it('settings: only what changed is posted and audited; the same settings again change nothing', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner' } });
      const r = expectOk(
        await request(zw, 'groups:updateSettings', {
          groupId: g,
          settings: { joinVerification: 'approval', searchable: true, atAll: 'admins', newcomerHistory: 'none' },
        }),
      );
      expect(r.settings).toEqual({
        joinVerification: 'approval',
        searchable: true,
        onlyAdminsInvite: false,
        muteAll: false,
        atAll: 'admins',
        newcomerHistory: 'none',
      });
      expect((await lastMessage(g)).system).toMatchObject({
        type: 'settings_changed',
        data: { settings: ['joinVerification', 'searchable', 'newcomerHistory'] },
      });
      expect(await lastAudit()).toMatchObject({
        action: 'group.settings',
        before: { joinVerification: 'none' },
        after: { joinVerification: 'approval' },
      });
      const before = await snapshot(t.server.db);
      expectOk(await request(zw, 'groups:updateSettings', { groupId: g, settings: { searchable: true } }));
      expect(await snapshot(t.server.db)).toBe(before);
      expect((await detail(zw, g)).settings).toEqual(r.settings);
    });

    it('a full internal group refuses one more until its owner upgrades it to 2000', async () => {
      const crowd = await makeMembers(f, 499);
      const g = await group({
        members: { [f.id('zhangwei')]: 'owner', ...Object.fromEntries(crowd.map((id) => [id, 'member' as const])) },
      });
      const before = await snapshot(t.server.db);
      expectErr(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('lina')] }), 'conflict', {
        reason: 'group_full',
        memberCap: 500,
        memberCount: 500,
      });
      expect(await snapshot(t.server.db)).toBe(before);
      expect(expectOk(await request(zw, 'groups:upgradeCap', { groupId: g })).memberCap).toBe(2000);
      expect(expectOk(await request(zw, 'groups:upgradeCap', { groupId: g })).memberCap).toBe(2000);
      expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('lina')] }));
      expect((await lastAudit()).action).toBe('group.member.add');
      const ext = await group({ type: 'external', members: { [f.id('zhangwei')]: 'owner' } });
      expectErr(await request(zw, 'groups:upgradeCap', { groupId: ext }), 'conflict', { reason: 'not_internal' });
    });

    it('an external group never holds more than 500', async () => {
      const crowd = await makeMembers(f, 499);
      const ext = await group({
        type: 'external',
        members: { [f.id('zhangwei')]: 'owner', ...Object.fromEntries(crowd.map((id) => [id, 'member' as const])) },
      });
      expectErr(await request(zw, 'groups:addMembers', { groupId: ext, memberIds: [f.id('lina')] }), 'conflict', {
        reason: 'group_full',
        memberCap: 500,
      });
    });
  });

  describe('outside contacts', () => {
    it('adding a guest to an internal group creates a new external group and leaves the internal one as it was', async () => {
      const [guest] = await makeMembers(f, 1, { kind: 'guest' });
      // The super admin owns it (a department head's external group would wait for approval: next test).
      const g = await group({ name: '采购组', members: { [f.id('admin')]: 'owner', [f.id('lina')]: 'member' } });
      const before = await memberIdsOf(t.server.db, g);
      const linaSees = nextEvent(ln, 'group:added');
      const r = expectOk(await request(admin, 'groups:addMembers', { groupId: g, memberIds: [guest!, f.id('emily.carter')] }));
      expect(r.added).toEqual([]);
      const ext = r.externalGroup!;
      expect(ext).toMatchObject({ name: '采购组（外部）', type: 'external', memberCap: 500, myRole: 'owner', memberCount: 4 });
      expect((await linaSees).id).toBe(ext.id);
      expect(await memberIdsOf(t.server.db, g)).toEqual(before);
      expect((await t.server.db.query<{ type: string }>('select type from groups where id = $1', [g]))[0]!.type).toBe('internal');
      expect(await memberIdsOf(t.server.db, ext.id)).toEqual([f.id('admin'), f.id('lina'), f.id('emily.carter'), guest!].sort());
      expect(await roleOf(t.server.db, ext.id, f.id('admin'))).toBe('owner');
    });

    it("an employee adding a guest is refused (they may not create external groups); a department head's waits for approval", async () => {
      const [guest] = await makeMembers(f, 1, { kind: 'guest' });
      const g = await group({ members: { [f.id('emily.carter')]: 'owner', [f.id('lina')]: 'member' } });
      const before = await snapshot(t.server.db);
      expectErr(await request(em, 'groups:addMembers', { groupId: g, memberIds: [guest!] }), 'forbidden', {
        permission: 'group.create.external',
      });
      expect(await snapshot(t.server.db)).toBe(before);
      const r = expectOk(await request(ln, 'groups:addMembers', { groupId: g, memberIds: [guest!] }));
      expect(r.externalGroup).toBeNull();
      const req = (
        await t.server.db.query<{ member_ids: string[]; requester_id: string }>(
          'select member_ids, requester_id from group_requests where id = $1',
          [r.pendingRequestId],
        )
      )[0]!;
      expect(req.requester_id).toBe(f.id('lina'));
      expect([...req.member_ids].sort()).toEqual([f.id('emily.carter'), guest!].sort());
    });

    it('refuses clearly when the external twin would exceed 500, writing nothing', async () => {
      const [guest] = await makeMembers(f, 1, { kind: 'guest' });
      const crowd = await makeMembers(f, 500);
      const g = await group({
        members: { [f.id('zhangwei')]: 'owner', ...Object.fromEntries(crowd.map((id) => [id, 'member' as const])) },
        memberCap: 2000,
      });
      const before = await snapshot(t.server.db);
      expectErr(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [guest!] }), 'conflict', {
        reason: 'group_full',
        memberCap: 500,
        memberCount: 502,
      });
      expect(await snapshot(t.server.db)).toBe(before);
    });

    it('a guest joins an external or training group directly', async () => {
      const [guest] = await makeMembers(f, 1, { kind: 'guest' });
      for (const type of ['external', 'training'] as const) {
        const g = await group({ type, members: { [f.id('zhangwei')]: 'owner' } });
        expect(expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [guest!] })).added).toEqual([guest]);
      }
    });
  });

  describe('department groups', () => {
    it('their membership follows the chart until the sync is closed; closed, they are ordinary internal groups of 2000', async () => {
      const dept = await makeDepartment(f, '临时部门');
      const g = await group({
        type: 'department',
        departmentId: dept,
        memberCap: 2000,
        members: { [f.id('lina')]: 'owner', [f.id('emily.carter')]: 'member' },
      });
      const before = await snapshot(t.server.db);
      expectErr(await request(ln, 'groups:addMembers', { groupId: g, memberIds: [f.id('zhangwei')] }), 'conflict', {
        reason: 'department_group',
      });
      expectErr(await request(ln, 'groups:removeMember', { groupId: g, memberId: f.id('emily.carter'), ban: false }), 'conflict', {
        reason: 'department_group',
      });
      expectErr(await request(em, 'groups:leave', { groupId: g }), 'conflict', { reason: 'department_group' });
      expectErr(await request(ln, 'groups:dissolve', { groupId: g }), 'conflict', { reason: 'department_group' });
      expectErr(await request(em, 'groups:closeDepartmentSync', { groupId: g }), 'forbidden', { permission: 'group.departmentSync.close' });
      expect(await snapshot(t.server.db)).toBe(before);

      const updated = nextEvent(em, 'group:updated');
      expectOk(await request(ln, 'groups:closeDepartmentSync', { groupId: g }));
      expect(await updated).toMatchObject({ groupId: g, type: 'internal', memberCap: 2000, departmentId: null });
      expect((await lastMessage(g)).system?.type).toBe('department_sync_closed');
      // the department will not get a second department group from the sync
      expect(await t.server.db.query('select group_sync_closed from departments where id = $1', [dept])).toEqual([{ group_sync_closed: true }]);
      expectErr(await request(ln, 'groups:closeDepartmentSync', { groupId: g }), 'conflict', { reason: 'not_department_group' });
      expectOk(await request(ln, 'groups:addMembers', { groupId: g, memberIds: [f.id('zhangwei')] }));
    });
  });

  describe('reading and dissolving', () => {
    it('a super admin removing the last member (the owner) dissolves the emptied group', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner' } });
      expectOk(await request(admin, 'groups:removeMember', { groupId: g, memberId: f.id('zhangwei'), ban: false }));
      expect((await t.server.db.query<{ status: string }>('select status from groups where id = $1', [g]))[0]!.status).toBe('dissolved');
    });

    it('a non-member cannot read a group; a super admin may read any group of the organization', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner' }, banned: [f.id('lina')] });
      expectErr(await request(em, 'groups:detail', { groupId: g }), 'not_member');
      const d = await detail(admin, g);
      expect(d.members.map((m) => m.id)).toEqual([f.id('zhangwei')]);
      expect(d.bans.map((b) => b.member.id)).toEqual([f.id('lina')]);
    });

    it('the owner dissolves: everyone loses the group, the history stays, nobody can send any more', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('emily.carter')]: 'member' } });
      expectOk(await send(em, g, 'keep me'));
      const gone = nextEvent(em, 'group:removed');
      expectOk(await request(zw, 'groups:dissolve', { groupId: g }));
      expect(await gone).toEqual({ groupId: g, reason: 'dissolved' });
      expect((await t.server.db.query('select 1 from messages where group_id = $1 and body = $2', [g, 'keep me'])).length).toBe(1);
      expectErr(await send(em, g), 'forbidden', { permission: 'group.message.send', reason: 'dissolved' });
      expectErr(await request(zw, 'groups:detail', { groupId: g }), 'not_found');
      expect(await lastAudit()).toMatchObject({ action: 'group.dissolve', target_id: g });
    });

    it('a super admin force-dissolves a group they are not in; others may not', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin' } });
      expectErr(await request(ln, 'groups:dissolve', { groupId: g }), 'forbidden', { permission: 'group.dissolve' });
      expectOk(await request(admin, 'groups:dissolve', { groupId: g }));
      expect(await lastAudit()).toMatchObject({ action: 'group.dissolve.force', target_id: g, actor_id: f.id('admin') });
      expect((await t.server.db.query<{ status: string }>('select status from groups where id = $1', [g]))[0]!.status).toBe('dissolved');
    });
  });

  describe('history for newcomers', () => {
    const seedMessages = async (groupId: string, senderId: string, n: number): Promise<void> => {
      await t.server.db.query(
        `insert into messages (group_id, seq, sender_id, kind, body) select $1, s, $2, 'text', 'old ' || s from generate_series(1, $3::int) as s`,
        [groupId, senderId, n],
      );
      await t.server.db.query('update groups set last_seq = $2 where id = $1', [groupId, n]);
    };

    it("'last100': a newcomer reads the 100 messages before they joined, no further back", async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner' } });
      await seedMessages(g, f.id('zhangwei'), 130);
      expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter')] }));
      const latest = expectOk(await request(em, 'messages:page', { groupId: g, limit: 100 }));
      expect(latest.messages.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 32)); // 32..131 (131: "added")
      expect(latest.hasMore).toBe(true);
      const older = expectOk(await request(em, 'messages:page', { groupId: g, beforeSeq: 32, limit: 100 }));
      expect(older.messages.map((m) => m.seq)).toEqual([31]);
      expect(older.hasMore).toBe(false);
      expect(expectOk(await request(em, 'messages:page', { groupId: g, beforeSeq: 31 }))).toEqual({ messages: [], hasMore: false });
      expect(expectOk(await request(em, 'messages:page', { groupId: g, afterSeq: 0, limit: 5 })).messages[0]!.seq).toBe(31);
      // The owner, there from the start, reads everything.
      expect(expectOk(await request(zw, 'messages:page', { groupId: g, beforeSeq: 31 })).messages).toHaveLength(30);
    });

    it("'none': a newcomer reads only what came after they joined", async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner' } });
      await seedMessages(g, f.id('zhangwei'), 10);
      expectOk(await request(zw, 'groups:updateSettings', { groupId: g, settings: { newcomerHistory: 'none' } })); // seq 11
      expectOk(await request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter')] })); // seq 12
      const page = expectOk(await request(em, 'messages:page', { groupId: g }));
      expect(page.messages.map((m) => [m.seq, m.system?.type])).toEqual([[12, 'members_added']]);
      expect(page.hasMore).toBe(false);
      expect(expectOk(await request(em, 'messages:page', { groupId: g, afterSeq: 3 })).messages.map((m) => m.seq)).toEqual([12]);
    });

    it('the founding members of a group read it from its first message, whatever the setting', async () => {
      const r = expectOk(
        await request(zw, 'groups:create', {
          name: '无历史群',
          type: 'internal',
          memberIds: [f.id('emily.carter')],
          settings: { newcomerHistory: 'none' },
        }),
      );
      const page = expectOk(await request(em, 'messages:page', { groupId: r.group!.id }));
      expect(page.messages.map((m) => m.system?.type)).toEqual(['created', 'members_added']);
    });
  });

  describe('races', () => {
    it('two admins adding people to the last seats end exactly at the cap', async () => {
      const crowd = await makeMembers(f, 496);
      const g = await group({
        members: {
          [f.id('zhangwei')]: 'owner',
          [f.id('lina')]: 'admin',
          ...Object.fromEntries(crowd.map((id) => [id, 'member' as const])),
        },
      });
      // 498 in, 2 seats left; each asks for 2 different people.
      const [a, b] = await Promise.all([
        request(zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('emily.carter'), f.id('chenjing')] }),
        request(ln, 'groups:addMembers', { groupId: g, memberIds: [f.id('yanglei'), f.id('liuqiang')] }),
      ]);
      expect([a.ok, b.ok].filter(Boolean)).toHaveLength(1);
      const loser = a.ok ? b : a;
      expectErr(loser, 'conflict', { reason: 'group_full', memberCount: 500 });
      expect((await memberIdsOf(t.server.db, g)).length).toBe(500);
    });

    it('two concurrent transfers leave exactly one owner', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'member', [f.id('emily.carter')]: 'member' } });
      const zw2 = await t.connect(tokens['zhangwei']!.accessToken);
      const results = await Promise.all([
        request(zw, 'groups:transferOwnership', { groupId: g, memberId: f.id('lina') }),
        request(zw2, 'groups:transferOwnership', { groupId: g, memberId: f.id('emily.carter') }),
      ]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      const refused = results.find((r) => !r.ok)!;
      expectErr(refused, 'forbidden', { permission: 'group.ownership.transfer' });
      const owners = await t.server.db.query<{ member_id: string }>(
        `select member_id from group_members where group_id = $1 and role = 'owner'`,
        [g],
      );
      expect(owners).toHaveLength(1);
      expect((await t.server.db.query<{ owner_id: string }>('select owner_id from groups where id = $1', [g]))[0]!.owner_id).toBe(
        owners[0]!.member_id,
      );
      expect(await roleOf(t.server.db, g, f.id('zhangwei'))).toBe('admin');
      zw2.disconnect();
    });
  });
});
