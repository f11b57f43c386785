import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '@shared/contract';
import {
  decide,
  GROUP_ROLES,
  ORG_ROLES,
  PERMISSION_NAMES,
  type GroupRoleName,
  type OrgRoleName,
  type Permission,
  type PermissionFacts,
} from '@shared/rules/permissions';
import { backends } from '../support/databases';
import { request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectErr, expectOk, loadFixture, makeDepartment, makeGroup, snapshot, type Fixture } from '../groups/fixtures';
import type { Db } from '../../../src/server/storage';
import { InviteService } from '../../../src/server/invites';
import { noPushes } from '../../../src/server/realtime';
import { stderrLogger } from '../../../src/server/logger';
import { systemClock } from '../../../src/server/clock';

const orgOf = async (c: { db: Db; groupId: string }): Promise<string> =>
  (await c.db.query<{ org_id: string }>('select org_id from groups where id = $1', [c.groupId]))[0]!.org_id;

/**
 * The permission matrix, exhaustively, over real sockets: every org role × group role (owner /
 * admin / member / not in the group) × action, plus the facts a rule's condition reads (the
 * group's home department for department heads, only-admins-invite, the target's role). The
 * expected outcome is computed with `decide()` from the same table the server reads; a refusal
 * must be `forbidden` naming that permission and must write nothing.
 */

/** One demo account per org role. 张伟 heads 研发中心 (and so 前端组 under it); the admin and Emily head nothing. */
const ACTOR: Record<OrgRoleName, string> = { super_admin: 'admin', dept_head: 'zhangwei', employee: 'emily.carter' };
/** The other people of each case's group: owner (when the actor isn't), an admin, a member, someone to add, someone banned. */
const OTHERS = { owner: 'chenjing', admin: 'liuqiang', member: 'yanglei', outsider: 'hexue', banned: 'guopeng' } as const;
const HOME = { inside: '前端组', outside: '产品部' } as const;

/** Permissions no socket request exercises here, and why (a new permission must be added to a case or to this list). */
const NOT_HERE: Partial<Record<Permission, string>> = {
  'org.department.manage': 'org chart requests (test/server/org)',
  'org.member.manage': 'org chart requests (test/server/org)',
  'org.member.import': 'member import (test/server/org)',
  'org.directory.hidden': 'org:chart visibility (test/server/org)',
  'org.audit.read': 'audit requests (test/server/audit)',
};

type Expected = { ok: true } | { ok: false; code: string; details: Record<string, unknown> };

interface Variant {
  label: string;
  home?: keyof typeof HOME;
  onlyAdminsInvite?: boolean;
  atAll?: 'everyone' | 'admins' | 'owner';
  target?: GroupRoleName;
}

interface CaseCtx {
  socket: ClientSocket;
  groupId: string;
  id(account: string): string;
  /** The member with this role in the case's group (the actor when they hold it). */
  holder(role: GroupRoleName): string;
  /** The server's database (for `prepare`: rows a case needs before it runs). */
  db: Db;
}

interface GroupAction {
  request: string;
  permission: Permission;
  type?: 'internal' | 'department';
  variants?: Variant[];
  /** Sets up what the request acts on (before the snapshot): its result is passed to run. */
  prepare?(c: CaseCtx, v: Variant): Promise<unknown>;
  run(c: CaseCtx, v: Variant, prepared?: unknown): Promise<Result<unknown>>;
  /** Where the server answers something other than the plain table decision, and why. */
  expect?(facts: PermissionFacts): Expected | undefined;
  /** A change: when allowed it is audited and (unless false) posts a system message in the group. */
  change?: { systemMessage: boolean };
}

const byTable = (permission: Permission, facts: PermissionFacts): Expected =>
  decide(permission, facts).allowed ? { ok: true } : { ok: false, code: 'forbidden', details: { permission } };

const targets: Variant[] = GROUP_ROLES.map((r) => ({ label: `target ${r}`, target: r }));

const GROUP_ACTIONS: GroupAction[] = [
  {
    request: 'groups:detail',
    permission: 'group.read',
    run: (c) => request(c.socket, 'groups:detail', { groupId: c.groupId }),
    // A non-member learns only that they are not in it.
    expect: (f) => (!decide('group.read', f).allowed && !f.groupRole ? { ok: false, code: 'not_member', details: {} } : undefined),
  },
  {
    request: 'messages:send',
    permission: 'group.message.send',
    run: (c) => request(c.socket, 'messages:send', { groupId: c.groupId, clientId: randomUUID(), body: 'hi' }),
    expect: (f) => (!f.groupRole ? { ok: false, code: 'not_member', details: {} } : undefined),
  },
  {
    request: 'messages:send',
    permission: 'group.message.atAll',
    variants: (['everyone', 'admins', 'owner'] as const).map((atAll) => ({ label: `@all by ${atAll}`, atAll })),
    run: (c) => request(c.socket, 'messages:send', { groupId: c.groupId, clientId: randomUUID(), body: '@所有人 下午三点开会' }),
    expect: (f) => (!f.groupRole ? { ok: false, code: 'not_member', details: {} } : undefined),
  },
  {
    request: 'groups:update',
    change: { systemMessage: true },
    permission: 'group.rename',
    variants: [
      { label: 'created in a department the actor heads', home: 'inside' },
      { label: 'created elsewhere', home: 'outside' },
    ],
    run: (c) => request(c.socket, 'groups:update', { groupId: c.groupId, name: 'renamed', avatarColor: 'red' }),
  },
  {
    request: 'groups:setAnnouncement',
    change: { systemMessage: true },
    permission: 'group.announcement',
    run: (c) => request(c.socket, 'groups:setAnnouncement', { groupId: c.groupId, text: 'notice' }),
  },
  {
    request: 'groups:updateSettings',
    change: { systemMessage: true },
    permission: 'group.settings',
    run: (c) => request(c.socket, 'groups:updateSettings', { groupId: c.groupId, settings: { searchable: true } }),
  },
  {
    request: 'groups:addMembers',
    change: { systemMessage: true },
    permission: 'group.member.add',
    variants: [
      { label: 'anyone may invite', onlyAdminsInvite: false },
      { label: 'only admins invite', onlyAdminsInvite: true },
    ],
    run: (c) => request(c.socket, 'groups:addMembers', { groupId: c.groupId, memberIds: [c.id(OTHERS.outsider)] }),
  },
  {
    request: 'groups:removeMember',
    change: { systemMessage: true },
    permission: 'group.member.remove',
    variants: targets,
    run: (c, v) => request(c.socket, 'groups:removeMember', { groupId: c.groupId, memberId: c.holder(v.target!), ban: false }),
  },
  {
    request: 'groups:muteMember',
    change: { systemMessage: true },
    permission: 'group.member.mute',
    variants: targets,
    run: (c, v) => request(c.socket, 'groups:muteMember', { groupId: c.groupId, memberId: c.holder(v.target!), muted: true }),
  },
  {
    request: 'groups:unban',
    change: { systemMessage: false },
    permission: 'group.ban.manage',
    run: (c) => request(c.socket, 'groups:unban', { groupId: c.groupId, memberId: c.id(OTHERS.banned) }),
  },
  {
    request: 'groups:setRole',
    change: { systemMessage: true },
    permission: 'group.role.set',
    run: (c) => request(c.socket, 'groups:setRole', { groupId: c.groupId, memberId: c.id(OTHERS.member), role: 'admin' }),
  },
  {
    request: 'groups:transferOwnership',
    change: { systemMessage: true },
    permission: 'group.ownership.transfer',
    run: (c) => request(c.socket, 'groups:transferOwnership', { groupId: c.groupId, memberId: c.id(OTHERS.member) }),
  },
  {
    request: 'groups:upgradeCap',
    change: { systemMessage: true },
    permission: 'group.cap.upgrade',
    run: (c) => request(c.socket, 'groups:upgradeCap', { groupId: c.groupId }),
  },
  {
    request: 'groups:leave',
    change: { systemMessage: true },
    permission: 'group.leave',
    run: (c) => request(c.socket, 'groups:leave', { groupId: c.groupId }),
    // The table grants the owner nothing here; the server says what to do instead.
    expect: (f) => (f.groupRole === 'owner' ? { ok: false, code: 'conflict', details: { reason: 'owner_must_transfer' } } : undefined),
  },
  {
    request: 'groups:dissolve',
    change: { systemMessage: true },
    permission: 'group.dissolve',
    run: (c) => request(c.socket, 'groups:dissolve', { groupId: c.groupId }),
    // One request, two permissions: the owner dissolves, a super admin force-dissolves.
    expect: (f) => (decide('group.dissolve.force', f).allowed ? { ok: true } : undefined),
  },
  {
    request: 'groups:closeDepartmentSync',
    change: { systemMessage: true },
    permission: 'group.departmentSync.close',
    type: 'department',
    run: (c) => request(c.socket, 'groups:closeDepartmentSync', { groupId: c.groupId }),
  },
  {
    request: 'invites:create',
    change: { systemMessage: false },
    permission: 'group.invite.create',
    variants: [
      { label: 'anyone may invite', onlyAdminsInvite: false },
      { label: 'only admins invite', onlyAdminsInvite: true },
    ],
    run: (c) => request(c.socket, 'invites:create', { kind: 'qr', groupId: c.groupId }),
  },
  {
    // Revoking someone else's invite (the owner's; one's own is always allowed, see test/server/invites).
    request: 'invites:revoke',
    change: { systemMessage: false },
    permission: 'group.invite.manage',
    prepare: async (c) =>
      (
        await new InviteService({ db: c.db, pushes: noPushes, logger: stderrLogger, clock: systemClock }).create(c.holder('owner'), await orgOf(c), {
          kind: 'qr',
          groupId: c.groupId,
        })
      ).invite.id,
    run: (c, _v, inviteId) => request(c.socket, 'invites:revoke', { inviteId: inviteId as string }),
  },
  {
    request: 'join:requests:decide',
    change: { systemMessage: true },
    permission: 'group.joinRequest.decide',
    // A request of someone outside the group waits; approving it lets them in (a system message says how).
    prepare: async (c) =>
      (
        await c.db.query<{ id: string }>(
          `insert into join_requests (org_id, group_id, requester_id, via, reason)
           select org_id, id, $2, 'directory', 'approval' from groups where id = $1 returning id`,
          [c.groupId, c.id(OTHERS.outsider)],
        )
      )[0]!.id,
    run: (c, _v, id) => request(c.socket, 'join:requests:decide', { id: id as string, approve: true }),
  },
];

describe.each(backends)('permission matrix on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  const sockets = {} as Record<OrgRoleName, ClientSocket>;

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 10_000, burst: 10_000 } });
    f = await loadFixture(t.server.db);
    for (const role of ORG_ROLES) {
      const bundle = await t.signIn(ACTOR[role]);
      expect(bundle.member.role).toBe(role);
      sockets[role] = await t.connect(bundle.accessToken);
    }
  });
  afterAll(async () => {
    await t?.stop();
  });

  const check = async (outcome: Result<unknown>, expected: Expected, before: string): Promise<void> => {
    if (expected.ok) {
      expectOk(outcome);
      return;
    }
    expectErr(outcome, expected.code, expected.details);
    expect(await snapshot(t.server.db), 'a refused request wrote something').toBe(before);
  };

  const covered = new Set<Permission>();

  /** Audit entries about the group (or someone in it), and system messages in it. */
  const writtenFor = async (groupId: string): Promise<{ audit: number; system: number }> =>
    (
      await t.server.db.query<{ audit: number; system: number }>(
        `select (select count(*)::int from audit_log where target_id = $1::text or after->>'groupId' = $1::text or before->>'groupId' = $1::text) as audit,
                (select count(*)::int from messages where group_id = $2::uuid and kind = 'system') as system`,
        [groupId, groupId],
      )
    )[0]!;

  describe('group actions', () => {
    const cases = GROUP_ACTIONS.flatMap((action) =>
      ORG_ROLES.flatMap((orgRole) =>
        [...GROUP_ROLES, null].flatMap((groupRole) =>
          (action.variants ?? [{ label: '' }]).map((variant) => ({ action, orgRole, groupRole, variant })),
        ),
      ),
    );

    it.each(
      cases.map(
        (c) =>
          [
            `${c.action.request} · ${c.orgRole} · ${c.groupRole ?? 'not in the group'}${c.variant.label ? ` · ${c.variant.label}` : ''}`,
            c,
          ] as const,
      ),
    )('%s', async (_name, { action, orgRole, groupRole, variant }) => {
      covered.add(action.permission);
      const actor = f.id(ACTOR[orgRole]);
      const home = variant.home ?? 'outside';
      const people: Record<string, GroupRoleName> = {
        [groupRole === 'owner' ? actor : f.id(OTHERS.owner)]: 'owner',
        [f.id(OTHERS.admin)]: 'admin',
        [f.id(OTHERS.member)]: 'member',
      };
      if (groupRole && groupRole !== 'owner') people[actor] = groupRole;
      const type = action.type ?? 'internal';
      const groupId = await makeGroup(f, {
        type,
        departmentId: type === 'department' ? await makeDepartment(f, `matrix ${randomUUID().slice(0, 8)}`) : null,
        memberCap: type === 'department' ? 2000 : 500,
        homeDepartmentId: f.dept(HOME[home]),
        onlyAdminsInvite: variant.onlyAdminsInvite ?? false,
        atAll: variant.atAll ?? 'admins',
        members: people,
        banned: [f.id(OTHERS.banned)],
      });
      const holder = (role: GroupRoleName): string => Object.entries(people).find(([, r]) => r === role)![0];
      const facts: PermissionFacts = {
        orgRole,
        groupRole,
        headsGroupDepartment: orgRole === 'dept_head' && home === 'inside',
        onlyAdminsInvite: variant.onlyAdminsInvite ?? false,
        atAll: variant.atAll ?? 'admins',
        ...(variant.target ? { targetRole: variant.target } : {}),
      };
      const expected = action.expect?.(facts) ?? byTable(action.permission, facts);
      const ctx: CaseCtx = { socket: sockets[orgRole], groupId, id: f.id, holder, db: t.server.db };
      const prepared = await action.prepare?.(ctx, variant);
      const before = await snapshot(t.server.db);
      const written = await writtenFor(groupId);
      const outcome = await action.run(ctx, variant, prepared);
      await check(outcome, expected, before);
      if (expected.ok && action.change) {
        const after = await writtenFor(groupId);
        expect(after.audit, 'an allowed change is audited').toBeGreaterThan(written.audit);
        if (action.change.systemMessage) expect(after.system, 'an allowed change posts a system message').toBeGreaterThan(written.system);
      }
    });
  });

  describe('creating groups', () => {
    it.each(
      ORG_ROLES.flatMap((orgRole) =>
        (['internal', 'training', 'external'] as const).map((type) => [`${type} · ${orgRole}`, orgRole, type] as const),
      ),
    )('%s', async (_name, orgRole, type) => {
      const permission: Permission = `group.create.${type}`;
      covered.add(permission);
      const d = decide(permission, { orgRole });
      const before = await snapshot(t.server.db);
      const r = await request(sockets[orgRole], 'groups:create', { name: `matrix ${type}`, type, memberIds: [f.id(OTHERS.member)] });
      if (!d.allowed) return check(r, { ok: false, code: 'forbidden', details: { permission } }, before);
      const v = expectOk(r);
      // Approval: a request waits, no group yet; otherwise the group exists at once.
      expect(v.pendingRequestId !== null).toBe(d.approval);
      expect(v.group !== null).toBe(!d.approval);
    });
  });

  describe('deciding requests', () => {
    it.each(ORG_ROLES.map((r) => [r] as const))('%s', async (orgRole) => {
      covered.add('org.request.decide');
      const id = (
        await t.server.db.query<{ id: string }>(
          `insert into group_requests (org_id, requester_id, name, member_ids) values ($1, $2, 'pending', '{}') returning id`,
          [f.orgId, f.id('lina')],
        )
      )[0]!.id;
      const before = await snapshot(t.server.db);
      const r = await request(sockets[orgRole], 'org:requests:decide', { id, approve: false });
      await check(r, byTable('org.request.decide', { orgRole }), before);
    });
  });

  describe('rotating the invite key', () => {
    it.each(ORG_ROLES.map((r) => [r] as const))('%s', async (orgRole) => {
      covered.add('org.inviteKey.rotate');
      const before = await snapshot(t.server.db);
      const keys = await t.server.db.query('select key_id, retired_at from invite_keys order by key_id');
      const r = await request(sockets[orgRole], 'invites:rotateKey', {});
      const expected = byTable('org.inviteKey.rotate', { orgRole });
      await check(r, expected, before);
      if (!expected.ok) expect(await t.server.db.query('select key_id, retired_at from invite_keys order by key_id')).toEqual(keys);
    });
  });

  it('covers every permission of the table (or says where it is tested)', () => {
    for (const p of GROUP_ACTIONS.map((a) => a.permission)) covered.add(p);
    covered.add('group.dissolve.force');
    const missing = PERMISSION_NAMES.filter((p) => !covered.has(p) && !(p in NOT_HERE));
    expect(missing).toEqual([]);
  });

  describe('spot checks that pin what the table means', () => {
    const group = (members: Record<string, GroupRoleName>, home: keyof typeof HOME = 'outside') =>
      makeGroup(f, { members, homeDepartmentId: f.dept(HOME[home]) });

    it('an employee who is a plain member cannot rename', async () => {
      const g = await group({ [f.id('chenjing')]: 'owner', [f.id('emily.carter')]: 'member' });
      expectErr(await request(sockets.employee, 'groups:update', { groupId: g, name: 'mine now' }), 'forbidden', {
        permission: 'group.rename',
      });
    });

    it('a department head renames a group created in their department (or under it), not elsewhere, without being in it', async () => {
      const inside = await group({ [f.id('chenjing')]: 'owner' }, 'inside');
      const outside = await group({ [f.id('chenjing')]: 'owner' }, 'outside');
      expectOk(await request(sockets.dept_head, 'groups:update', { groupId: inside, name: '前端周会' }));
      expectErr(await request(sockets.dept_head, 'groups:update', { groupId: outside, name: '产品周会' }), 'forbidden', {
        permission: 'group.rename',
      });
    });

    it('an admin cannot remove another admin but removes a member; a super admin removes even the owner (an admin succeeds them)', async () => {
      const g = await group({
        [f.id('chenjing')]: 'owner',
        [f.id('emily.carter')]: 'admin',
        [f.id('liuqiang')]: 'admin',
        [f.id('yanglei')]: 'member',
      });
      expectErr(
        await request(sockets.employee, 'groups:removeMember', { groupId: g, memberId: f.id('liuqiang'), ban: false }),
        'forbidden',
        {
          permission: 'group.member.remove',
        },
      );
      expectOk(await request(sockets.employee, 'groups:removeMember', { groupId: g, memberId: f.id('yanglei'), ban: false }));
      expectOk(await request(sockets.super_admin, 'groups:removeMember', { groupId: g, memberId: f.id('chenjing'), ban: false }));
      const owners = await t.server.db.query<{ member_id: string }>(
        `select member_id from group_members where group_id = $1 and role = 'owner'`,
        [g],
      );
      expect(owners).toHaveLength(1);
      expect([f.id('emily.carter'), f.id('liuqiang')]).toContain(owners[0]!.member_id);
    });

    it('a plain member invites unless the group restricts invitations to admins', async () => {
      const open = await group({ [f.id('chenjing')]: 'owner', [f.id('emily.carter')]: 'member' });
      expectOk(await request(sockets.employee, 'groups:addMembers', { groupId: open, memberIds: [f.id('hexue')] }));
      const closed = await makeGroup(f, {
        onlyAdminsInvite: true,
        members: { [f.id('chenjing')]: 'owner', [f.id('emily.carter')]: 'member' },
      });
      expectErr(await request(sockets.employee, 'groups:addMembers', { groupId: closed, memberIds: [f.id('hexue')] }), 'forbidden', {
        permission: 'group.member.add',
      });
    });
  });
});
