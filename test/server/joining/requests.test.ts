import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JoinRequest, SystemEvent } from '@shared/contract';
import { backends } from '../support/databases';
import { nextEvent, noEvent, request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectErr, expectOk, loadFixture, makeForeignOrg, makeGroup, makeMembers, memberIdsOf, type Fixture } from '../groups/fixtures';
import { joinCore, setJoin, value } from './support';

/**
 * Join requests over real sockets (inbox, mine, decide, cancel, the pushes and the races) and the
 * group directory (search, pinyin initials, paging, the guest rule).
 */
describe.each(backends)('join requests and the directory on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let core: ReturnType<typeof joinCore>;
  const s = {} as Record<'admin' | 'zw' | 'ln' | 'em' | 'cj' | 'lq' | 'guest', ClientSocket>;

  /** An approval group: 张伟 owner, 李娜 admin, 刘强 member. */
  const approvalGroup = async (spec: Partial<Parameters<typeof makeGroup>[1]> = {}): Promise<string> => {
    const g = await makeGroup(f, { members: { [f.id('zhangwei')]: 'owner', [f.id('lina')]: 'admin', [f.id('liuqiang')]: 'member' }, ...spec });
    await setJoin(t.server.db, g, { verification: 'approval', searchable: true });
    return g;
  };
  /** A request of `account` to the group, filed through the join decision (as the invites feature does). */
  const ask = async (account: string, groupId: string, o: { via?: 'qr' | 'link' | 'live' | 'directory'; sharedBy?: string } = {}): Promise<JoinRequest> => {
    const r = value(await core.accept(f.id(account), groupId, { via: o.via ?? 'directory', sharedBy: o.sharedBy ?? null, request: true, message: '请批准' }));
    if (r.outcome !== 'requested') throw new Error(`expected a request, got ${r.outcome}`);
    return r.request;
  };
  const audits = async (targetId: string) =>
    (await t.server.db.query<{ action: string; actor_id: string }>('select action, actor_id from audit_log where target_id = $1 order by seq', [targetId])).map(
      (a) => `${a.action}:${a.actor_id}`,
    );

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 1000, burst: 1000 } });
    f = await loadFixture(t.server.db);
    core = joinCore(t.server.db, f, t.logger);
    const accounts = { admin: 'admin', zw: 'zhangwei', ln: 'lina', em: 'emily.carter', cj: 'chenjing', lq: 'liuqiang', guest: 'wang.guest' } as const;
    for (const [k, account] of Object.entries(accounts)) s[k as keyof typeof s] = await t.connect((await t.signIn(account)).accessToken);
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('the inbox and one\'s own requests', () => {
    it('owner, admin and super admin see the request with the pending count; a plain member and others do not', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g, { via: 'link', sharedBy: f.id('liuqiang') });
      for (const who of ['zw', 'ln', 'admin'] as const) {
        const inbox = expectOk(await request(s[who], 'join:requests:list', { groupId: g }));
        expect(inbox).toEqual({ requests: [r], pendingCount: 1 });
        const all = expectOk(await request(s[who], 'join:requests:list', {}));
        expect(all.requests.map((x) => x.id)).toContain(r.id);
        expect(all.pendingCount).toBeGreaterThanOrEqual(1);
      }
      // 刘强 is a plain member: deciding is not his, so neither is the inbox.
      expect(expectOk(await request(s.lq, 'join:requests:list', {})).requests.map((x) => x.id)).not.toContain(r.id);
      expectErr(await request(s.lq, 'join:requests:list', { groupId: g }), 'forbidden', { permission: 'group.joinRequest.decide' });
      expectErr(await request(s.em, 'join:requests:list', { groupId: g }), 'forbidden', { permission: 'group.joinRequest.decide' });
      // Another organization's group is not found.
      const foreign = await makeForeignOrg(t.server.db);
      expectErr(await request(s.admin, 'join:requests:list', { groupId: foreign.groupId }), 'not_found');
      // Mine: the requester sees it, with who shared the link.
      const mine = expectOk(await request(s.cj, 'join:requests:mine', {}));
      expect(mine.requests.find((x) => x.id === r.id)).toEqual(r);
      expect(r.sharedBy).toEqual({ id: f.id('liuqiang'), name: '刘强', nameEn: expect.any(String) });
      expect(expectOk(await request(s.em, 'join:requests:mine', {})).requests.map((x) => x.id)).not.toContain(r.id);
    });

    it("status 'all' lists decided requests too; 'pending' only the waiting ones", async () => {
      const g = await approvalGroup();
      const a = await ask('chenjing', g);
      const b = await ask('emily.carter', g);
      expectOk(await request(s.zw, 'join:requests:decide', { id: a.id, approve: false }));
      const pending = expectOk(await request(s.zw, 'join:requests:list', { groupId: g }));
      expect(pending.requests.map((x) => x.id)).toEqual([b.id]);
      expect(pending.pendingCount).toBe(1);
      const all = expectOk(await request(s.zw, 'join:requests:list', { groupId: g, status: 'all' }));
      expect(all.requests.map((x) => x.id).sort()).toEqual([a.id, b.id].sort());
      expect(all.pendingCount).toBe(1);
    });
  });

  describe('deciding', () => {
    it('approve: the requester is in (via the request, added by the decider), told live; deciders see the change; audited', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g, { via: 'qr', sharedBy: f.id('lina') });
      const decided = nextEvent(s.cj, 'join:decided');
      const added = nextEvent(s.cj, 'group:added');
      const inbox = nextEvent(s.admin, 'join:request');
      const d = expectOk(await request(s.zw, 'join:requests:decide', { id: r.id, approve: true })).request;
      expect(d).toMatchObject({ id: r.id, status: 'approved', decidedBy: { id: f.id('zhangwei') } });
      expect(d.decidedAt).not.toBeNull();
      expect((await decided).request).toEqual(d);
      expect((await added).id).toBe(g);
      expect((await inbox).request).toEqual(d);
      const m = (
        await t.server.db.query<{ joined_via: string; added_by: string; shared_by: string }>(
          'select joined_via, added_by, shared_by from group_members where group_id = $1 and member_id = $2',
          [g, f.id('chenjing')],
        )
      )[0];
      expect(m).toEqual({ joined_via: 'qr', added_by: f.id('zhangwei'), shared_by: f.id('lina') });
      const msg = (
        await t.server.db.query<{ system: SystemEvent }>(`select system from messages where group_id = $1 order by seq desc limit 1`, [g])
      )[0]!;
      expect(msg.system).toMatchObject({ type: 'member_joined_via', actor: { id: f.id('zhangwei') }, data: { via: 'qr' } });
      expect(msg.system.targets.map((x) => x.id)).toEqual([f.id('chenjing'), f.id('lina')]);
      expect(await audits(r.id)).toEqual([`group.joinRequest.create:${f.id('chenjing')}`, `group.joinRequest.approve:${f.id('zhangwei')}`]);
      // Deciding again: already decided, nothing changes.
      expectErr(await request(s.ln, 'join:requests:decide', { id: r.id, approve: false }), 'conflict', { reason: 'already_decided', status: 'approved' });
    });

    it('reject: the requester is told, stays out, and may ask again', async () => {
      const g = await approvalGroup();
      const r = await ask('emily.carter', g);
      const decided = nextEvent(s.em, 'join:decided');
      const d = expectOk(await request(s.ln, 'join:requests:decide', { id: r.id, approve: false })).request;
      expect(d).toMatchObject({ status: 'rejected', decidedBy: { id: f.id('lina') } });
      expect((await decided).request.status).toBe('rejected');
      expect(await memberIdsOf(t.server.db, g)).not.toContain(f.id('emily.carter'));
      expect(await audits(r.id)).toContain(`group.joinRequest.reject:${f.id('lina')}`);
      expect(value(await core.preview(f.id('emily.carter'), g)).next).toBe('request');
    });

    it('a super admin outside the group decides; a plain member or an outsider may not (forbidden, nothing written)', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g);
      expectErr(await request(s.lq, 'join:requests:decide', { id: r.id, approve: true }), 'forbidden', { permission: 'group.joinRequest.decide' });
      expectErr(await request(s.em, 'join:requests:decide', { id: r.id, approve: true }), 'forbidden', { permission: 'group.joinRequest.decide' });
      expect(await audits(r.id)).toHaveLength(1);
      expectOk(await request(s.admin, 'join:requests:decide', { id: r.id, approve: true }));
      expect(await memberIdsOf(t.server.db, g)).toContain(f.id('chenjing'));
    });

    it('an unknown id, or a request of another organization, is not_found', async () => {
      expectErr(await request(s.admin, 'join:requests:decide', { id: '00000000-0000-4000-8000-000000000000', approve: true }), 'not_found');
      const foreign = await makeForeignOrg(t.server.db);
      const [other] = await t.server.db.query<{ id: string }>(
        `insert into members (org_id, account, name, role, password_hash) values ($1, 'asker', '申请人', 'employee', 'x') returning id`,
        [foreign.orgId],
      );
      const [req] = await t.server.db.query<{ id: string }>(
        `insert into join_requests (org_id, group_id, requester_id, via, reason) values ($1, $2, $3, 'directory', 'approval') returning id`,
        [foreign.orgId, foreign.groupId, other!.id],
      );
      expectErr(await request(s.admin, 'join:requests:decide', { id: req!.id, approve: true }), 'not_found');
      expectErr(await request(s.admin, 'join:requests:cancel', { id: req!.id }), 'not_found');
    });

    it('two admins approving at once make one decision', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g);
      const results = await Promise.all([
        request(s.zw, 'join:requests:decide', { id: r.id, approve: true }),
        request(s.admin, 'join:requests:decide', { id: r.id, approve: true }),
        request(s.ln, 'join:requests:decide', { id: r.id, approve: false }),
      ]);
      expect(results.filter((x) => x.ok)).toHaveLength(1);
      for (const x of results.filter((y) => !y.ok)) expectErr(x, 'conflict', { reason: 'already_decided' });
      const decisions = (await audits(r.id)).filter((a) => !a.startsWith('group.joinRequest.create'));
      expect(decisions).toHaveLength(1);
      const joined = (await memberIdsOf(t.server.db, g)).includes(f.id('chenjing'));
      expect(joined).toBe(decisions[0]!.startsWith('group.joinRequest.approve'));
    });

    it('full meanwhile: approving is refused `full` and the request keeps waiting', async () => {
      const g = await approvalGroup({ memberCap: 4 });
      const r = await ask('chenjing', g);
      const other = await ask('emily.carter', g);
      expectOk(await request(s.zw, 'join:requests:decide', { id: other.id, approve: true }));
      expectErr(await request(s.zw, 'join:requests:decide', { id: r.id, approve: true }), 'conflict', {
        reason: 'full',
        groupId: g,
        memberCap: 4,
        canUpgrade: true, // the owner may upgrade an internal group
      });
      expectErr(await request(s.ln, 'join:requests:decide', { id: r.id, approve: true }), 'conflict', { reason: 'full', canUpgrade: false });
      expect(expectOk(await request(s.zw, 'join:requests:list', { groupId: g })).requests.map((x) => x.id)).toEqual([r.id]);
      // Rejecting still works.
      expectOk(await request(s.zw, 'join:requests:decide', { id: r.id, approve: false }));
    });

    it('banned meanwhile: approving is refused `banned`', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g);
      await t.server.db.query('insert into group_bans (group_id, member_id, org_id) values ($1, $2, $3)', [g, f.id('chenjing'), f.orgId]);
      expectErr(await request(s.zw, 'join:requests:decide', { id: r.id, approve: true }), 'conflict', { reason: 'banned' });
      expect(await memberIdsOf(t.server.db, g)).not.toContain(f.id('chenjing'));
    });

    it('dissolved meanwhile: the request is closed with the group, deciding it is refused', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g);
      expectOk(await request(s.zw, 'groups:dissolve', { groupId: g }));
      expectErr(await request(s.admin, 'join:requests:decide', { id: r.id, approve: true }), 'conflict', { reason: 'already_decided', status: 'cancelled' });
      expect(expectOk(await request(s.cj, 'join:requests:mine', {})).requests.find((x) => x.id === r.id)?.status).toBe('cancelled');
      // A request that somehow still waits on a dissolved group: refused `dissolved`.
      const g2 = await approvalGroup();
      const r2 = await ask('emily.carter', g2);
      await t.server.db.query(`update groups set status = 'dissolved' where id = $1`, [g2]);
      expectErr(await request(s.admin, 'join:requests:decide', { id: r2.id, approve: true }), 'conflict', { reason: 'dissolved' });
    });

    it('offboarded meanwhile: the request leaves the inbox, and approving it is refused', async () => {
      const g = await approvalGroup();
      const [leaver] = await makeMembers(f, 1);
      const o = value(await core.accept(leaver!, g, { via: 'directory', request: true }));
      if (o.outcome !== 'requested') return expect.fail(o.outcome);
      expect(expectOk(await request(s.zw, 'join:requests:list', { groupId: g })).pendingCount).toBe(1);
      expectOk(await request(s.admin, 'org:member:offboard', { id: leaver! }));
      expect(expectOk(await request(s.zw, 'join:requests:list', { groupId: g }))).toEqual({ requests: [], pendingCount: 0 });
      expectErr(await request(s.zw, 'join:requests:decide', { id: o.request.id, approve: true }), 'conflict', { reason: 'requester_inactive' });
      expectOk(await request(s.zw, 'join:requests:decide', { id: o.request.id, approve: false }));
    });

    it('added by someone meanwhile: approving just records the decision', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g);
      expectOk(await request(s.zw, 'groups:addMembers', { groupId: g, memberIds: [f.id('chenjing')] }));
      expect(expectOk(await request(s.zw, 'join:requests:decide', { id: r.id, approve: true })).request.status).toBe('approved');
      const m = (await t.server.db.query<{ joined_via: string }>('select joined_via from group_members where group_id = $1 and member_id = $2', [g, f.id('chenjing')]))[0];
      expect(m?.joined_via).toBe('added');
    });
  });

  describe('cancelling', () => {
    it('the requester withdraws their own waiting request; deciders see it; twice is already decided; others cannot', async () => {
      const g = await approvalGroup();
      const r = await ask('chenjing', g);
      expectErr(await request(s.em, 'join:requests:cancel', { id: r.id }), 'not_found');
      expectErr(await request(s.zw, 'join:requests:cancel', { id: r.id }), 'not_found');
      const seen = nextEvent(s.zw, 'join:request');
      expectOk(await request(s.cj, 'join:requests:cancel', { id: r.id }));
      expect((await seen).request).toMatchObject({ id: r.id, status: 'cancelled' });
      expectErr(await request(s.cj, 'join:requests:cancel', { id: r.id }), 'conflict', { reason: 'already_decided', status: 'cancelled' });
      expect(expectOk(await request(s.zw, 'join:requests:list', { groupId: g })).pendingCount).toBe(0);
      expect(await audits(r.id)).toContain(`group.joinRequest.cancel:${f.id('chenjing')}`);
      // Asking again files a new request.
      expect((await ask('chenjing', g)).id).not.toBe(r.id);
    });

    it('a request to a group one is not deciding for never reaches them', async () => {
      const g = await approvalGroup();
      const quiet = noEvent(s.em, 'join:request', 400);
      await ask('chenjing', g);
      await quiet;
    });
  });

  describe('the directory', () => {
    let tag: string;
    let groups: Record<string, string>;

    beforeAll(async () => {
      // A marker only these groups carry, so the demo's own searchable groups do not get in the way.
      tag = `dirx${Date.now().toString(36)}`;
      const owner = { [f.id('zhangwei')]: 'owner' as const };
      const make = async (name: string, o: { type?: 'internal' | 'external' | 'training'; searchable?: boolean; member?: boolean } = {}) => {
        const id = await makeGroup(f, { name, type: o.type ?? 'internal', memberCap: o.type === 'training' ? 2000 : 500, members: o.member ? { ...owner, [f.id('emily.carter')]: 'member' } : owner });
        await setJoin(t.server.db, id, { searchable: o.searchable ?? true });
        return id;
      };
      groups = {
        a: await make(`前端技术交流 ${tag}`),
        b: await make(`Frontend Guild ${tag}`, { member: true }),
        c: await make(`产品评审 ${tag}`, { type: 'external' }),
        d: await make(`鲸鱼观测站 ${tag}`, { type: 'training' }),
        e: await make(`后端周会 ${tag}`),
        hidden: await make(`Hidden ${tag}`, { searchable: false }),
        gone: await make(`Gone ${tag}`),
      };
      await t.server.db.query(`update groups set status = 'dissolved' where id = $1`, [groups['gone']]);
      const foreign = await makeForeignOrg(t.server.db);
      await t.server.db.query(`update groups set searchable = true, name = $2 where id = $1`, [foreign.groupId, `Foreign ${tag}`]);
    });

    const all = async (socket: ClientSocket, query: string, limit: number) => {
      const seen: { id: string; name: string; isMember: boolean }[] = [];
      let cursor: string | undefined;
      for (let pages = 0; pages < 20; pages++) {
        const page = expectOk(await request(socket, 'groups:directory', { query, limit, ...(cursor ? { cursor } : {}) }));
        expect(page.groups.length).toBeLessThanOrEqual(limit);
        seen.push(...page.groups);
        if (!page.nextCursor) return seen;
        cursor = page.nextCursor;
      }
      throw new Error('the cursor never ended');
    };

    it('lists searchable active groups of the organization only, a page at a time, each once, in a stable order', async () => {
      const paged = await all(s.em, tag, 2);
      const ids = paged.map((g) => g.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.sort()).toEqual([groups['a'], groups['b'], groups['c'], groups['d'], groups['e']].sort());
      // The same order whatever the page size.
      expect((await all(s.em, tag, 50)).map((g) => g.id)).toEqual((await all(s.em, tag, 1)).map((g) => g.id));
    });

    it('says what each group is and whether the caller is in it', async () => {
      const page = expectOk(await request(s.em, 'groups:directory', { query: `Frontend Guild ${tag}` }));
      expect(page).toEqual({
        groups: [
          {
            id: groups['b'],
            name: `Frontend Guild ${tag}`,
            avatarColor: 'blue',
            type: 'internal',
            memberCount: 2,
            memberCap: 500,
            verification: 'none',
            isMember: true,
          },
        ],
        nextCursor: null,
      });
      expect(expectOk(await request(s.cj, 'groups:directory', { query: `Frontend Guild ${tag}` })).groups[0]!.isMember).toBe(false);
    });

    it('searches case-insensitively, by part of the name, and by pinyin initials', async () => {
      const names = async (q: string) =>
        expectOk(await request(s.em, 'groups:directory', { query: q, limit: 50 })).groups.filter((g) => g.name.includes(tag)).map((g) => g.id);
      expect(await names('frontend guild')).toEqual([groups['b']]);
      expect(await names('FRONTEND')).toEqual([groups['b']]);
      expect(await names('技术交流')).toEqual([groups['a']]);
      expect(await names('qdjs')).toEqual([groups['a']]); // 前端技术交流
      expect(await names('jygcz')).toEqual([groups['d']]); // 鲸鱼观测站
      expect(await names('zzzz-nothing')).toEqual([]);
    });

    it('an outside contact sees only external and training groups', async () => {
      const ids = (await all(s.guest, tag, 50)).map((g) => g.id);
      expect(ids.sort()).toEqual([groups['c'], groups['d']].sort());
    });

    it('a cursor the server did not give out is a bad request', async () => {
      expectErr(await request(s.em, 'groups:directory', { query: '', cursor: 'not-a-cursor' }), 'bad_request', { reason: 'invalid_cursor' });
      expectErr(await request(s.em, 'groups:directory', { query: '', limit: 51 }), 'bad_request');
    });
  });

  describe('the demo organization', () => {
    it('has a searchable approval group with one request waiting for its owner', async () => {
      const zm = await t.connect((await t.signIn('zhaomin')).accessToken);
      const inbox = expectOk(await request(zm, 'join:requests:list', {}));
      expect(inbox.pendingCount).toBeGreaterThanOrEqual(1);
      const seeded = inbox.requests.find((r) => r.group.name === '技术分享会 Tech Talks');
      expect(seeded).toMatchObject({ requester: { name: '陈静' }, status: 'pending', reason: 'approval', via: 'directory' });
      const listed = expectOk(await request(s.em, 'groups:directory', { query: '技术分享' })).groups;
      expect(listed.map((g) => g.name)).toContain('技术分享会 Tech Talks');
      expect(listed.find((g) => g.name === '技术分享会 Tech Talks')?.verification).toBe('approval');
    });
  });
});
