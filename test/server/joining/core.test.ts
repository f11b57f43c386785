import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemEvent } from '@shared/contract';
import { describeSystemEvent } from '@shared/rules/system-events';
import { backends } from '../support/databases';
import { request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectOk, loadFixture, makeForeignOrg, makeGroup, makeMembers, memberIdsOf, snapshot, type Fixture } from '../groups/fixtures';
import { joinCore, refused, setJoin, value } from './support';

/**
 * The one join decision (src/server/joining/core.ts), called as the token joins and the directory
 * call it: every refusal reason in its order, what each group setting asks for, provenance and the
 * system message of a join, and the last seat under concurrency.
 */
describe.each(backends)('the join decision on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let core: ReturnType<typeof joinCore>;
  let zw: ClientSocket; // 张伟: owns the groups below

  /** A group owned by 张伟 with 李娜 as admin, and fresh people to join it. */
  const group = (spec: Partial<Parameters<typeof makeGroup>[1]> = {}) =>
    makeGroup(f, { members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin' }, ...spec });
  const person = async (kind: 'employee' | 'guest' = 'employee'): Promise<string> => (await makeMembers(f, 1, { kind }))[0]!;
  const membership = async (groupId: string, memberId: string) =>
    (
      await t.server.db.query<{ joined_via: string; shared_by: string | null; added_by: string | null; role: string }>(
        'select joined_via, shared_by, added_by, role from group_members where group_id = $1 and member_id = $2',
        [groupId, memberId],
      )
    )[0];
  const lastSystem = async (groupId: string) =>
    (
      await t.server.db.query<{ system: SystemEvent; body: string }>(
        `select system, body from messages where group_id = $1 and kind = 'system' order by seq desc limit 1`,
        [groupId],
      )
    )[0];

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 1000, burst: 1000 } });
    f = await loadFixture(t.server.db);
    core = joinCore(t.server.db, f, t.logger);
    zw = await t.connect((await t.signIn('zhangwei')).accessToken);
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('joining at once, and what is recorded', () => {
    it('previews an open group: counts, who shared it, expiry; nothing is written', async () => {
      const g = await group({ name: '读书会' });
      const me = await person();
      const before = await snapshot(t.server.db);
      const expiresAt = new Date('2030-01-02T03:04:05.000Z');
      const p = value(await core.preview(me, g, { via: 'link', sharedBy: f.id('lina'), expiresAt }));
      expect(p).toEqual({
        group: { id: g, name: '读书会', avatarColor: 'blue', type: 'internal', memberCount: 2, memberCap: 500 },
        via: 'link',
        sharedBy: { id: f.id('lina'), name: '李娜', nameEn: 'Li Na' },
        expiresAt: '2030-01-02T03:04:05.000Z',
        verification: 'none',
        next: 'join',
        requestReason: null,
        canUpgrade: false,
        realName: null,
      });
      expect(await snapshot(t.server.db)).toBe(before);
    });

    it.each(['qr', 'link', 'live', 'directory'] as const)(
      'joins through %s: provenance, a system message saying how, an audit entry, pushes after commit',
      async (via) => {
        const g = await group();
        await setJoin(t.server.db, g, { searchable: true });
        const me = await person();
        const sharedBy = via === 'directory' ? null : f.id('lina');
        const o = await core.accept(me, g, { via, sharedBy });
        const r = value(o);
        const calls = o.ok ? o.calls : [];
        expect(r.outcome).toBe('joined');
        if (r.outcome !== 'joined') return;
        expect(r.group).toMatchObject({ id: g, myRole: 'member', memberCount: 3 });
        expect(await membership(g, me)).toEqual({ joined_via: via, shared_by: sharedBy, added_by: null, role: 'member' });
        const m = (await lastSystem(g))!;
        expect(m.system).toMatchObject({ type: 'member_joined_via', actor: null, data: { via } });
        expect(m.system.targets.map((x) => x.id)).toEqual(sharedBy ? [me, sharedBy] : [me]);
        // The stored fallback reads in both languages.
        expect(m.body).toContain(via === 'directory' ? '通过群搜索' : '李娜');
        const audit = (
          await t.server.db.query<{ action: string; actor_id: string; after: { via: string } }>(
            `select action, actor_id, after from audit_log where target_id = $1 order by seq desc limit 1`,
            [me],
          )
        )[0]!;
        expect(audit).toMatchObject({ action: 'group.member.join', actor_id: me, after: { via, groupId: g } });
        const fns = calls.map((c) => `${c.fn}:${String(c.args[1])}`);
        expect(fns).toContain(`joinGroup:${g}`);
        expect(calls.some((c) => c.fn === 'toGroup' && c.args[1] === 'message:new')).toBe(true);
        expect(calls.some((c) => c.fn === 'toMembers' && c.args[1] === 'group:added')).toBe(true);
      },
    );

    it('an outside contact joins an external group', async () => {
      const g = await group({ type: 'external' });
      const guest = await person('guest');
      expect(value(await core.accept(guest, g)).outcome).toBe('joined');
    });
  });

  describe('refusals, in order', () => {
    it('a group that does not exist, or is of another organization, is not_found', async () => {
      const me = await person();
      refused(await core.preview(me, '00000000-0000-4000-8000-000000000000'), 'conflict', { reason: 'not_found' });
      const foreign = await makeForeignOrg(t.server.db);
      const before = await snapshot(t.server.db);
      refused(await core.preview(me, foreign.groupId), 'conflict', { reason: 'not_found' });
      refused(await core.accept(me, foreign.groupId), 'conflict', { reason: 'not_found' });
      expect(await snapshot(t.server.db)).toBe(before);
    });

    it('the directory finds only searchable groups (members still open theirs); outside contacts only theirs', async () => {
      const g = await group();
      const me = await person();
      refused(await core.preview(me, g, { via: 'directory' }), 'conflict', { reason: 'not_found' });
      refused(await core.accept(me, g, { via: 'directory' }), 'conflict', { reason: 'not_found' });
      expect(value(await core.preview(f.id('lina'), g, { via: 'directory' })).next).toBe('open');
      await setJoin(t.server.db, g, { searchable: true });
      expect(value(await core.preview(me, g, { via: 'directory' })).next).toBe('join');
      // A searchable internal group is not listed for an outside contact: the same not_found.
      refused(await core.preview(await person('guest'), g, { via: 'directory' }), 'conflict', { reason: 'not_found' });
    });

    it('dissolved', async () => {
      const g = await group();
      await t.server.db.query(`update groups set status = 'dissolved' where id = $1`, [g]);
      refused(await core.preview(await person(), g), 'conflict', { reason: 'dissolved' });
      refused(await core.accept(await person(), g), 'conflict', { reason: 'dissolved' });
    });

    it('banned: never in, whatever the link, even when the group is open', async () => {
      const me = await person();
      const g = await group({ banned: [me] });
      const before = await snapshot(t.server.db);
      for (const via of ['qr', 'link', 'live'] as const) {
        refused(await core.preview(me, g, { via }), 'conflict', { reason: 'banned' });
        refused(await core.accept(me, g, { via, request: true }), 'conflict', { reason: 'banned' });
      }
      expect(await snapshot(t.server.db)).toBe(before);
    });

    it('already a member: open the group', async () => {
      const g = await group();
      expect(value(await core.preview(f.id('lina'), g)).next).toBe('open');
      expect(value(await core.accept(f.id('lina'), g))).toEqual({ outcome: 'member', groupId: g });
    });

    it('an outside contact and an internal or department group: guest_not_allowed', async () => {
      const guest = await person('guest');
      for (const type of ['internal', 'department'] as const) {
        const g = await group({ type, memberCap: 2000 });
        refused(await core.preview(guest, g), 'conflict', { reason: 'guest_not_allowed' });
        refused(await core.accept(guest, g), 'conflict', { reason: 'guest_not_allowed' });
      }
    });

    it('removed earlier: only a request (reason removed); accepting without one is refused `removed`', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin', [f.id('emily.carter')]: 'member' } });
      expectOk(await request(zw, 'groups:removeMember', { groupId: g, memberId: f.id('emily.carter'), ban: false }));
      const em = f.id('emily.carter');
      const p = value(await core.preview(em, g, { via: 'link', sharedBy: f.id('lina') }));
      expect(p).toMatchObject({ next: 'request', requestReason: 'removed' });
      const before = await snapshot(t.server.db);
      refused(await core.accept(em, g, { via: 'link' }), 'conflict', { reason: 'removed' });
      expect(await snapshot(t.server.db)).toBe(before);
      const r = value(await core.accept(em, g, { via: 'link', sharedBy: f.id('lina'), request: true, message: '  我想回来  ' }));
      expect(r).toMatchObject({ outcome: 'requested', request: { reason: 'removed', via: 'link', message: '我想回来', status: 'pending' } });
      expect(await memberIdsOf(t.server.db, g)).not.toContain(em);
    });

    it('left of their own accord: joins again directly', async () => {
      const g = await group({ members: { [f.id('zhangwei')]: 'owner', [f.id('yanglei')]: 'member' } });
      const yl = await t.connect((await t.signIn('yanglei')).accessToken);
      expectOk(await request(yl, 'groups:leave', { groupId: g }));
      expect(value(await core.preview(f.id('yanglei'), g)).next).toBe('join');
      expect(value(await core.accept(f.id('yanglei'), g)).outcome).toBe('joined');
    });

    it('a request already waiting: preview says pending, accepting again answers the same request', async () => {
      const g = await group();
      await setJoin(t.server.db, g, { verification: 'approval' });
      const me = await person();
      const first = value(await core.accept(me, g, { request: true, message: 'hi' }));
      expect(value(await core.preview(me, g)).next).toBe('pending');
      const second = value(await core.accept(me, g, { request: true, message: 'again' }));
      expect(second).toEqual(first);
      expect(
        await t.server.db.query('select count(*)::int as n from join_requests where group_id = $1 and requester_id = $2', [g, me]),
      ).toEqual([{ n: 1 }]);
    });

    it('full: next full; accept refused with groupId, memberCap and canUpgrade (a super admin may upgrade an internal group)', async () => {
      const g = await group({ memberCap: 2 });
      const me = await person();
      expect(value(await core.preview(me, g))).toMatchObject({ next: 'full', canUpgrade: false });
      const before = await snapshot(t.server.db);
      refused(await core.accept(me, g), 'conflict', { reason: 'full', groupId: g, memberCap: 2, canUpgrade: false });
      expect(await snapshot(t.server.db)).toBe(before);
      expect(value(await core.preview(f.id('admin'), g))).toMatchObject({ next: 'full', canUpgrade: true });
      refused(await core.accept(f.id('admin'), g), 'conflict', { reason: 'full', canUpgrade: true });
      // An external group is at its final cap: nobody can upgrade it.
      const ext = await group({ type: 'external', memberCap: 2 });
      refused(await core.accept(f.id('admin'), ext), 'conflict', { reason: 'full', memberCap: 2, canUpgrade: false });
    });
  });

  describe('what the group asks for', () => {
    it('approval: a request with a message; accepting without request: true files nothing', async () => {
      const g = await group();
      await setJoin(t.server.db, g, { verification: 'approval' });
      const me = await person();
      expect(value(await core.preview(me, g))).toMatchObject({ next: 'request', requestReason: 'approval', verification: 'approval' });
      const before = await snapshot(t.server.db);
      refused(await core.accept(me, g), 'bad_request', { reason: 'request_required', requestReason: 'approval' });
      expect(await snapshot(t.server.db)).toBe(before);
      const o = await core.accept(me, g, { via: 'qr', sharedBy: f.id('lina'), request: true, message: '产品组的，想旁听' });
      const r = value(o);
      const calls = o.ok ? o.calls : [];
      if (r.outcome !== 'requested') return expect.fail(r.outcome);
      expect(r.request).toMatchObject({
        group: { id: g },
        requester: { id: me },
        message: '产品组的，想旁听',
        via: 'qr',
        sharedBy: { id: f.id('lina'), name: '李娜' },
        reason: 'approval',
        status: 'pending',
        decidedBy: null,
        decidedAt: null,
      });
      // The owner, the admin and the super admins hear about it; nobody else.
      const push = calls.find((c) => c.fn === 'toMembers' && c.args[1] === 'join:request')!;
      expect(push.args[2]).toEqual({ request: r.request });
      const superAdmins = (await t.server.db.query<{ id: string }>(`select id from members where org_id = $1 and role = 'super_admin' and status = 'active'`, [f.orgId])).map((x) => x.id);
      expect([...(push.args[0] as string[])].sort()).toEqual([...new Set([f.id('zhangwei'), f.id('lina'), ...superAdmins])].sort());
      expect(await memberIdsOf(t.server.db, g)).not.toContain(me);
      const audit = (await t.server.db.query<{ action: string }>('select action from audit_log where target_id = $1', [r.request.id]))[0];
      expect(audit?.action).toBe('group.joinRequest.create');
    });

    it('face: face capture does not exist yet, so a request (reason face_unavailable)', async () => {
      const g = await group();
      await setJoin(t.server.db, g, { verification: 'face' });
      const me = await person();
      expect(value(await core.preview(me, g))).toMatchObject({ next: 'request', requestReason: 'face_unavailable' });
      expect(value(await core.accept(me, g, { request: true }))).toMatchObject({ outcome: 'requested', request: { reason: 'face_unavailable' } });
    });

    it('real name: unverified is refused; verified confirms the name shown, and only then joins', async () => {
      const g = await group();
      await setJoin(t.server.db, g, { verification: 'real_name' });
      const me = await person();
      refused(await core.preview(me, g), 'conflict', { reason: 'real_name_unverified' });
      refused(await core.accept(me, g, { confirmRealName: true }), 'conflict', { reason: 'real_name_unverified' });
      await t.server.db.query('update members set real_name_verified = true where id = $1', [me]);
      const name = (await t.server.db.query<{ name: string }>('select name from members where id = $1', [me]))[0]!.name;
      expect(value(await core.preview(me, g))).toMatchObject({ next: 'confirm_real_name', realName: name });
      refused(await core.accept(me, g), 'conflict', { reason: 'real_name_not_confirmed' });
      expect(value(await core.accept(me, g, { confirmRealName: true })).outcome).toBe('joined');
    });
  });

  describe('races', () => {
    it('two people for the last seat: exactly one gets in, the other is told the group is full', async () => {
      const g = await group({ memberCap: 3 });
      const [a, b] = await makeMembers(f, 2);
      const results = await Promise.all([core.accept(a!, g), core.accept(b!, g)]);
      expect(results.filter((r) => r.ok).length).toBe(1);
      const loser = results.find((r) => !r.ok)!;
      refused(loser, 'conflict', { reason: 'full', memberCap: 3 });
      expect(await memberIdsOf(t.server.db, g)).toHaveLength(3);
    });

    it('ten people for three seats: three get in', async () => {
      const g = await group({ memberCap: 5 });
      const people = await makeMembers(f, 10);
      const results = await Promise.all(people.map((p) => core.accept(p, g)));
      expect(results.filter((r) => r.ok).length).toBe(3);
      expect(await memberIdsOf(t.server.db, g)).toHaveLength(5);
    });

    it('one person asking twice at once: one request', async () => {
      const g = await group();
      await setJoin(t.server.db, g, { verification: 'approval' });
      const me = await person();
      const [x, y] = await Promise.all([core.accept(me, g, { request: true }), core.accept(me, g, { request: true })]);
      expect(value(x)).toEqual(value(y));
      expect(await t.server.db.query('select count(*)::int as n from join_requests where group_id = $1', [g])).toEqual([{ n: 1 }]);
    });
  });
});

describe('the join system message', () => {
  const joiner = { id: 'a', name: '陈静', nameEn: 'Chen Jing' };
  const sharer = { id: 'b', name: '李娜', nameEn: 'Li Na' };
  const approver = { id: 'c', name: '张伟', nameEn: 'Zhang Wei' };
  const text = (e: Omit<SystemEvent, 'type'>) =>
    [describeSystemEvent({ type: 'member_joined_via', ...e }, 'zh-CN'), describeSystemEvent({ type: 'member_joined_via', ...e }, 'en')];

  it('says how they came in and who shared the code, in both languages', () => {
    expect(text({ actor: null, targets: [joiner, sharer], data: { via: 'qr' } })).toEqual([
      '陈静 通过 李娜 分享的二维码加入了群聊',
      "Chen Jing joined via Li Na's QR code",
    ]);
    expect(text({ actor: null, targets: [joiner, sharer], data: { via: 'link' } })).toEqual([
      '陈静 通过 李娜 分享的邀请链接加入了群聊',
      "Chen Jing joined via Li Na's invite link",
    ]);
    expect(text({ actor: null, targets: [joiner], data: { via: 'live' } })).toEqual([
      '陈静 通过群活码加入了群聊',
      "Chen Jing joined via the group's live QR code",
    ]);
    expect(text({ actor: null, targets: [joiner], data: { via: 'directory' } })).toEqual([
      '陈静 通过群搜索加入了群聊',
      'Chen Jing joined from the group directory',
    ]);
  });

  it('names who approved a request', () => {
    expect(text({ actor: approver, targets: [joiner, sharer], data: { via: 'link' } })).toEqual([
      '张伟 同意了 陈静 的入群申请（通过 李娜 分享的邀请链接）',
      "Zhang Wei approved Chen Jing's request to join (via Li Na's invite link)",
    ]);
  });
});
