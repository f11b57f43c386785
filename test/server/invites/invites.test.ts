import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Invite, Result, TokenBundle } from '@shared/contract';
import { INVITE_KEY_GRACE_DAYS, QR_INVITE_DAYS } from '@shared/rules/limits';
import { decodeBase64url, encodeBase64url, inviteVerifyKeys, signInviteToken, verifyInviteToken } from '@shared/rules/invite-token';
import { InviteService } from '../../../src/server/invites';
import { InviteKeys, type KeyRow } from '../../../src/server/invites/keys';
import { noPushes } from '../../../src/server/realtime';
import { backends } from '../support/databases';
import { request, startTestServer, type ClientSocket, type TestServer } from '../support/server';
import { expectErr, expectOk, loadFixture, makeDepartment, makeForeignOrg, makeGroup, makeMembers, type Fixture } from '../groups/fixtures';
import { joinSnapshot, signedInCrowd } from './support';

const DAY = 86_400_000;

describe.each(backends)('invites and joining by token on $name', (backend) => {
  let t: TestServer;
  let f: Fixture;
  let offset = 0; // the server's clock runs `offset` ms ahead of the real one
  const clock = () => Date.now() + offset;
  const s = {} as Record<'admin' | 'zhangwei' | 'lina' | 'emily' | 'chenjing' | 'liuqiang' | 'yanglei' | 'hexue' | 'guopeng', ClientSocket>;
  const tokens: Record<string, TokenBundle> = {};

  beforeAll(async () => {
    // Long-lived access tokens: the tests move the clock by weeks.
    t = await startTestServer(backend, { clock, accessTokenTtlSeconds: 365 * 86_400, socketRateLimit: { perSecond: 10_000, burst: 10_000 } });
    f = await loadFixture(t.server.db);
    const accounts = { admin: 'admin', zhangwei: 'zhangwei', lina: 'lina', emily: 'emily.carter', chenjing: 'chenjing', liuqiang: 'liuqiang', yanglei: 'yanglei', hexue: 'hexue', guopeng: 'guopeng' } as const;
    for (const [k, account] of Object.entries(accounts)) {
      tokens[k] = await t.signIn(account);
      s[k as keyof typeof s] = await t.connect(tokens[k]!.accessToken);
    }
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
  });

  /** A group owned by 陈静 with 刘强 as admin (and whoever else is given). */
  const group = (spec: Partial<Parameters<typeof makeGroup>[1]> = {}) =>
    makeGroup(f, { ...spec, members: { [f.id('chenjing')]: 'owner', [f.id('liuqiang')]: 'admin', ...(spec.members ?? {}) } });
  const create = async (socket: ClientSocket, groupId: string, extra: { kind?: 'qr' | 'live' | 'link'; days?: number; maxUses?: number | null } = {}): Promise<Invite> => {
    const kind = extra.kind ?? 'qr';
    const r =
      kind === 'link'
        ? await request(socket, 'invites:create', { kind, groupId, expiresInDays: extra.days ?? 7, maxUses: extra.maxUses ?? null })
        : await request(socket, 'invites:create', { kind, groupId });
    return expectOk(r).invite;
  };
  const preview = (socket: ClientSocket, token: string) => request(socket, 'join:preview', { target: { source: 'token', token } });
  const accept = (socket: ClientSocket, token: string, extra: { request?: boolean; confirmRealName?: boolean } = {}) =>
    request(socket, 'join:accept', { target: { source: 'token', token }, ...extra });
  const refusal = (r: Result<unknown>, reason: string) => expectErr(r, 'conflict', { reason });
  const isMember = async (groupId: string, memberId: string) =>
    (await t.server.db.query('select 1 from group_members where group_id = $1 and member_id = $2', [groupId, memberId])).length > 0;
  const usesOf = async (inviteId: string) => (await t.server.db.query<{ uses: number }>('select uses from invites where id = $1', [inviteId]))[0]!.uses;

  describe('keys', () => {
    it('lists the organization key (made on first ask); tokens verify offline with it; the private key is sealed at rest', async () => {
      const keys = expectOk(await request(s.emily, 'invites:keys', {}));
      expect(keys.orgId).toBe(f.orgId);
      expect(keys.keys.length).toBeGreaterThanOrEqual(1);
      const active = keys.keys.find((k) => k.retiredAt === null)!;
      expect(decodeBase64url(active.publicKey)).toHaveLength(32);

      const g = await group();
      const inv = await create(s.liuqiang, g);
      const check = verifyInviteToken(inv.token, inviteVerifyKeys(keys.keys), new Date(clock()));
      expect(check).toMatchObject({ ok: true, token: { kind: 'qr', keyId: active.keyId } });

      const row = (await t.server.db.query<KeyRow>('select * from invite_keys where key_id = $1', [active.keyId]))[0]!;
      const opened = await new InviteKeys(t.server.db).secretKeyOf(t.server.db, row);
      expect(encodeBase64url(ed25519.getPublicKey(opened))).toBe(active.publicKey);
      expect(row.private_key_enc).not.toContain(Buffer.from(opened).toString('base64'));
      expect(JSON.stringify(keys)).not.toContain(row.private_key_enc);
      // A seal moved to another key id does not open.
      await expect(new InviteKeys(t.server.db).secretKeyOf(t.server.db, { ...row, key_id: toU32(Number(row.key_id) + 1) })).rejects.toThrow();
    });

    it('rotation: super admins only, audited; old tokens keep working through the grace, then stop', async () => {
      const g = await group();
      const before = await create(s.chenjing, g, { kind: 'link', days: 30 });
      expectErr(await request(s.zhangwei, 'invites:rotateKey', {}), 'forbidden', { permission: 'org.inviteKey.rotate' });
      expectErr(await request(s.emily, 'invites:rotateKey', {}), 'forbidden', { permission: 'org.inviteKey.rotate' });
      const oldKeyId = verifyInviteToken(before.token, inviteVerifyKeys(expectOk(await request(s.emily, 'invites:keys', {})).keys), new Date(clock()));
      expect(oldKeyId.ok).toBe(true);
      const rotated = expectOk(await request(s.admin, 'invites:rotateKey', {}));
      expect(rotated.keyId).not.toBe(oldKeyId.ok && oldKeyId.token.keyId);
      const audit = (await t.server.db.query<{ action: string; after: { keyId: number } }>('select action, after from audit_log where org_id = $1 order by seq desc limit 1', [f.orgId]))[0]!;
      expect(audit).toMatchObject({ action: 'org.inviteKey.rotate', after: { keyId: rotated.keyId } });

      // New invites are signed with the new key; the old token still works.
      const after = await create(s.chenjing, g);
      expect(verifyInviteToken(after.token, inviteVerifyKeys(expectOk(await request(s.emily, 'invites:keys', {})).keys), new Date(clock()))).toMatchObject({
        ok: true,
        token: { keyId: rotated.keyId },
      });
      const keysNow = expectOk(await request(s.emily, 'invites:keys', {})).keys;
      expect(keysNow.filter((k) => k.retiredAt === null)).toHaveLength(1);
      expect(keysNow.some((k) => oldKeyId.ok && k.keyId === oldKeyId.token.keyId && k.retiredAt !== null)).toBe(true);
      expect(expectOk(await preview(s.emily, before.token)).preview.next).toBe('join');

      // A token of the old key living past the grace (made up: no real invite lives that long).
      const oldRow = (await t.server.db.query<KeyRow>('select * from invite_keys where key_id = $1', [oldKeyId.ok ? oldKeyId.token.keyId : -1]))[0]!;
      const secret = await new InviteKeys(t.server.db).secretKeyOf(t.server.db, oldRow);
      const tag = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 0x42]);
      const now = Math.floor(clock() / 1000) * 1000;
      const far = new Date(now + (INVITE_KEY_GRACE_DAYS + 10) * DAY);
      const forged = signInviteToken({ kind: 'link', keyId: Number(oldRow.key_id), tag, expiresAt: far }, secret);
      await t.server.db.query(
        `insert into invites (org_id, group_id, kind, tag, key_id, token, created_by, created_at, expires_at)
         values ($1, $2, 'link', $3, $4, $5, $6, $7, $8)`,
        [f.orgId, g, Buffer.from(tag).toString('hex'), oldRow.key_id, forged, f.id('chenjing'), new Date(now).toISOString(), far.toISOString()],
      );
      expect(expectOk(await preview(s.emily, forged)).preview.next).toBe('join');
      const graceEnds = new Date(oldRow.retired_at!).getTime() + INVITE_KEY_GRACE_DAYS * DAY;
      offset += graceEnds - clock() + 1000;
      try {
        refusal(await preview(s.emily, forged), 'invalid');
        refusal(await preview(s.emily, before.token), 'expired'); // its own 30 days are over too
        expect(expectOk(await request(s.emily, 'invites:keys', {})).keys.some((k) => k.keyId === Number(oldRow.key_id))).toBe(false);
      } finally {
        offset = 0;
      }
    });
  });

  it('the demo organization comes with invites: a QR code for 全员群 and a link with max uses, both valid', async () => {
    const id = async (prefix: string) =>
      (await t.server.db.query<{ id: string }>('select id from groups where org_id = $1 and name like $2', [f.orgId, `${prefix}%`]))[0]!.id;
    const keys = inviteVerifyKeys(expectOk(await request(s.emily, 'invites:keys', {})).keys);
    const all = expectOk(await request(s.admin, 'invites:list', { groupId: await id('全员群') })).invites;
    const qr = all.find((i) => i.kind === 'qr' && i.createdBy.id === f.id('admin'))!;
    expect(verifyInviteToken(qr.token, keys, new Date(clock())).ok).toBe(true);
    const project = expectOk(await request(s.zhangwei, 'invites:list', { groupId: await id('Muster 2.0') })).invites;
    expect(project.find((i) => i.kind === 'link')).toMatchObject({ maxUses: 10, uses: 0, createdBy: { id: f.id('zhangwei') } });
  });

  describe('creating, listing, revoking', () => {
    it('QR codes and live codes last 7 days, links what was chosen with their max uses; audited', async () => {
      const g = await group();
      const now = clock();
      const qr = await create(s.chenjing, g);
      expect(qr).toMatchObject({ groupId: g, kind: 'qr', maxUses: null, uses: 0, revokedAt: null, createdBy: { id: f.id('chenjing'), name: '陈静' } });
      // The expiry is the creation's whole second (what a token carries) plus the days; createdAt keeps its milliseconds.
      const days = (inv: Invite) => (Date.parse(inv.expiresAt) - Math.floor(Date.parse(inv.createdAt) / 1000) * 1000) / DAY;
      expect(Date.parse(qr.expiresAt) % 1000).toBe(0);
      expect(days(qr)).toBe(QR_INVITE_DAYS);
      expect(Math.abs(Date.parse(qr.createdAt) - now)).toBeLessThan(5000);
      const live = await create(s.chenjing, g, { kind: 'live' });
      expect(days(live)).toBe(QR_INVITE_DAYS);
      const link = await create(s.chenjing, g, { kind: 'link', days: 30, maxUses: 25 });
      expect(link).toMatchObject({ kind: 'link', maxUses: 25 });
      expect(days(link)).toBe(30);
      const audit = await t.server.db.query<{ action: string }>(`select action from audit_log where action = 'group.invite.create' and target_id = $1`, [g]);
      expect(audit).toHaveLength(3);
    });

    it('refuses bad choices, foreign and unknown groups, department groups, and those the group does not let invite', async () => {
      const g = await group({ members: { [f.id('emily.carter')]: 'member' } });
      for (const bad of [0, 31, 1.5]) {
        expectErr(await request(s.chenjing, 'invites:create', { kind: 'link', groupId: g, expiresInDays: bad, maxUses: null }), 'bad_request');
      }
      expectErr(await request(s.chenjing, 'invites:create', { kind: 'link', groupId: g, expiresInDays: 3, maxUses: 7 }), 'bad_request');
      expectErr(await request(s.chenjing, 'invites:create', { kind: 'qr', groupId: g, maxUses: 5 } as never), 'bad_request');
      const foreign = await makeForeignOrg(t.server.db);
      expectErr(await request(s.admin, 'invites:create', { kind: 'qr', groupId: foreign.groupId }), 'not_found');
      expectErr(await request(s.yanglei, 'invites:create', { kind: 'qr', groupId: g }), 'forbidden', { permission: 'group.invite.create' });
      await t.server.db.query('update groups set only_admins_invite = true where id = $1', [g]);
      expectErr(await request(s.emily, 'invites:create', { kind: 'qr', groupId: g }), 'forbidden', { permission: 'group.invite.create' });
      await create(s.liuqiang, g); // an admin still may
      const dept = await makeGroup(f, {
        type: 'department',
        departmentId: await makeDepartment(f, `invite dept ${Date.now()}`),
        memberCap: 2000,
        members: { [f.id('chenjing')]: 'owner' },
      });
      expectErr(await request(s.chenjing, 'invites:create', { kind: 'qr', groupId: dept }), 'conflict', { reason: 'department_group' });
    });

    it('lists newest first, also for invites made within the same second', async () => {
      const g = await group({});
      const made: string[] = [];
      for (const kind of ['qr', 'live', 'link'] as const) made.push((await create(s.chenjing, g, kind === 'link' ? { kind, days: 3 } : { kind })).id);
      const listed = expectOk(await request(s.chenjing, 'invites:list', { groupId: g })).invites.map((i) => i.id);
      expect(listed).toEqual(made.reverse());
    });

    it('lists unexpired, unrevoked invites: all for owners and admins, one’s own for members', async () => {
      const g = await group({ members: { [f.id('emily.carter')]: 'member' } });
      const mine = await create(s.emily, g, { kind: 'link', days: 1 });
      const owners = await create(s.chenjing, g);
      const revoked = await create(s.chenjing, g, { kind: 'live' });
      expectOk(await request(s.chenjing, 'invites:revoke', { inviteId: revoked.id }));
      const ids = (r: { invites: Invite[] }) => r.invites.map((i) => i.id).sort();
      expect(ids(expectOk(await request(s.liuqiang, 'invites:list', { groupId: g })))).toEqual([mine.id, owners.id].sort());
      expect(ids(expectOk(await request(s.emily, 'invites:list', { groupId: g })))).toEqual([mine.id]);
      expect(ids(expectOk(await request(s.admin, 'invites:list', { groupId: g })))).toEqual([mine.id, owners.id].sort());
      offset = DAY + 1000; // the one-day link ran out
      try {
        expect(ids(expectOk(await request(s.chenjing, 'invites:list', { groupId: g })))).toEqual([owners.id]);
      } finally {
        offset = 0;
      }
    });

    it('revokes: one’s own, or any with group.invite.manage; twice is fine; a revoked token is refused', async () => {
      const g = await group({ members: { [f.id('emily.carter')]: 'member', [f.id('yanglei')]: 'member' } });
      const owners = await create(s.chenjing, g);
      const emilys = await create(s.emily, g);
      expectErr(await request(s.yanglei, 'invites:revoke', { inviteId: owners.id }), 'forbidden', { permission: 'group.invite.manage' });
      expectErr(await request(s.hexue, 'invites:revoke', { inviteId: owners.id }), 'forbidden', { permission: 'group.invite.manage' });
      expectOk(await request(s.emily, 'invites:revoke', { inviteId: emilys.id }));
      expectOk(await request(s.liuqiang, 'invites:revoke', { inviteId: owners.id }));
      expectOk(await request(s.liuqiang, 'invites:revoke', { inviteId: owners.id }));
      const audits = await t.server.db.query(`select 1 from audit_log where action = 'group.invite.revoke' and target_id = $1`, [g]);
      expect(audits).toHaveLength(2);
      refusal(await preview(s.hexue, owners.token), 'revoked');
      refusal(await accept(s.hexue, owners.token), 'revoked');
      expect(await isMember(g, f.id('hexue'))).toBe(false);
      const foreign = await makeForeignOrg(t.server.db);
      const foreignInvite = await foreignService().create(foreign.memberId, foreign.orgId, { kind: 'qr', groupId: foreign.groupId });
      expectErr(await request(s.admin, 'invites:revoke', { inviteId: foreignInvite.invite.id }), 'not_found');
    });
  });

  const foreignService = () => new InviteService({ db: t.server.db, pushes: noPushes, logger: t.logger, clock });

  describe('joining by token', () => {
    it('QR: preview, join, use counted once; the membership records how and who shared it', async () => {
      const g = await group();
      const qr = await create(s.liuqiang, g);
      const p = expectOk(await preview(s.hexue, qr.token)).preview;
      expect(p).toMatchObject({
        group: { id: g, memberCount: 2 },
        via: 'qr',
        sharedBy: { id: f.id('liuqiang'), name: '刘强' },
        expiresAt: qr.expiresAt,
        next: 'join',
        overflowFrom: null,
      });
      const joined = expectOk(await accept(s.hexue, qr.token));
      expect(joined).toMatchObject({ outcome: 'joined', group: { id: g } });
      expect(await usesOf(qr.id)).toBe(1);
      expect(expectOk(await accept(s.hexue, qr.token))).toEqual({ outcome: 'member', groupId: g });
      expect(await usesOf(qr.id)).toBe(1);
      const row = (await t.server.db.query<{ joined_via: string; shared_by: string }>('select joined_via, shared_by from group_members where group_id = $1 and member_id = $2', [g, f.id('hexue')]))[0]!;
      expect(row).toEqual({ joined_via: 'qr', shared_by: f.id('liuqiang') });
    });

    it('expiry edges: valid the second before, expired at and after', async () => {
      const g = await group();
      const qr = await create(s.chenjing, g);
      const until = Date.parse(qr.expiresAt);
      try {
        offset = until - Date.now() - 1500;
        expect(expectOk(await preview(s.hexue, qr.token)).preview.next).toBe('join');
        offset = until - Date.now() + 1000;
        refusal(await preview(s.hexue, qr.token), 'expired');
        refusal(await accept(s.hexue, qr.token), 'expired');
      } finally {
        offset = 0;
      }
      expect(await isMember(g, f.id('hexue'))).toBe(false);
    });

    it('max uses: counts only newcomers; used up for the next one, not for those it let in', async () => {
      const g = await group();
      const link = await create(s.chenjing, g, { kind: 'link', maxUses: 1 });
      // A member opening it changes nothing.
      expect(expectOk(await accept(s.liuqiang, link.token)).outcome).toBe('member');
      expect(await usesOf(link.id)).toBe(0);
      expect(expectOk(await accept(s.hexue, link.token)).outcome).toBe('joined');
      expect(await usesOf(link.id)).toBe(1);
      refusal(await preview(s.yanglei, link.token), 'used_up');
      refusal(await accept(s.yanglei, link.token), 'used_up');
      expect(expectOk(await preview(s.hexue, link.token)).preview.next).toBe('open');
    });

    it('banned people never get in; removed people may only ask', async () => {
      const g = await group({ members: { [f.id('emily.carter')]: 'member' }, banned: [f.id('guopeng')] });
      const qr = await create(s.chenjing, g);
      refusal(await preview(s.guopeng, qr.token), 'banned');
      refusal(await accept(s.guopeng, qr.token), 'banned');
      expectOk(await request(s.chenjing, 'groups:removeMember', { groupId: g, memberId: f.id('emily.carter'), ban: false }));
      const p = expectOk(await preview(s.emily, qr.token)).preview;
      expect(p).toMatchObject({ next: 'request', requestReason: 'removed' });
      refusal(await accept(s.emily, qr.token), 'removed');
      expect(await isMember(g, f.id('emily.carter'))).toBe(false);
      expect(expectOk(await accept(s.emily, qr.token, { request: true })).outcome).toBe('requested');
      expect(await usesOf(qr.id)).toBe(0);
    });

    it('a code of another organization is told apart (wrong_org), even once expired', async () => {
      const foreign = await makeForeignOrg(t.server.db);
      const theirs = (await foreignService().create(foreign.memberId, foreign.orgId, { kind: 'qr', groupId: foreign.groupId })).invite;
      const before = await joinSnapshot(t.server.db);
      refusal(await preview(s.emily, theirs.token), 'wrong_org');
      refusal(await accept(s.emily, theirs.token), 'wrong_org');
      offset = 8 * DAY;
      try {
        refusal(await preview(s.emily, theirs.token), 'wrong_org');
      } finally {
        offset = 0;
      }
      expect(await joinSnapshot(t.server.db)).toBe(before);
      // Their key is not among ours.
      const ours = expectOk(await request(s.emily, 'invites:keys', {})).keys;
      expect(verifyInviteToken(theirs.token, inviteVerifyKeys(ours), new Date(clock()))).toEqual({ ok: false, reason: 'unknown_key' });
    });

    it('hundreds of hostile tokens through join:preview and join:accept: all refused as invalid, nothing written', async () => {
      const g = await group();
      const qr = await create(s.chenjing, g);
      const bytes = decodeBase64url(qr.token)!;
      let seed = 42;
      const rand = (n: number) => {
        seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
        return seed % n;
      };
      const hostile: string[] = [];
      for (let i = 0; i < 250; i++) {
        const c = bytes.slice();
        c[rand(c.length)]! ^= 1 << rand(8);
        hostile.push(encodeBase64url(c));
      }
      for (let n = 0; n < 110; n += 11) hostile.push(qr.token.slice(0, n));
      hostile.push(`${qr.token}A`, `${qr.token}AA`, 'x', '🙂'.repeat(50), 'javascript:alert(1)', '../../etc/passwd', ' '.repeat(10));
      const before = await joinSnapshot(t.server.db);
      const reasons = new Set<string>();
      for (const h of hostile.filter((x) => x !== qr.token)) {
        const r = await preview(s.hexue, h);
        if (r.ok) expect.fail(`accepted ${h}`);
        reasons.add(r.error.code === 'conflict' ? String(r.error.details?.['reason']) : r.error.code);
      }
      for (const h of hostile.slice(0, 50)) {
        if (h === qr.token) continue;
        const r = await accept(s.hexue, h);
        if (r.ok) expect.fail(`accepted ${h}`);
      }
      // Empty and overlong strings are refused by the contract (bad_request); everything else is 'invalid'.
      expect([...reasons].sort()).toEqual(['bad_request', 'invalid']);
      expect(await joinSnapshot(t.server.db)).toBe(before);
      expect(await isMember(g, f.id('hexue'))).toBe(false);
    }, 120_000);

    it('the directory target goes straight to the join decision', async () => {
      const g = await group();
      await t.server.db.query('update groups set searchable = true where id = $1', [g]);
      const p = expectOk(await request(s.hexue, 'join:preview', { target: { source: 'directory', groupId: g } })).preview;
      expect(p).toMatchObject({ via: 'directory', sharedBy: null, expiresAt: null, overflowFrom: null, next: 'join' });
      expect(expectOk(await request(s.hexue, 'join:accept', { target: { source: 'directory', groupId: g } })).outcome).toBe('joined');
    });
  });

  describe('live codes', () => {
    it('sends joiners to the first group with a seat, opens `<name> 2` when all are full (same type, settings, cap, owner)', async () => {
      const name = `活码测试群 ${Date.now()}`;
      const g = await makeGroup(f, { name, memberCap: 3, members: { [f.id('chenjing')]: 'owner', [f.id('liuqiang')]: 'admin' } });
      await t.server.db.query(`update groups set avatar_color = 'teal', searchable = true, at_all = 'everyone' where id = $1`, [g]);
      const live = await create(s.chenjing, g, { kind: 'live' });
      expect(expectOk(await accept(s.hexue, live.token))).toMatchObject({ outcome: 'joined', group: { id: g } });
      // Full now (3 of 3): the next person is shown an overflow group, created once.
      const p = expectOk(await preview(s.yanglei, live.token)).preview;
      expect(p.overflowFrom).toEqual({ id: g, name });
      expect(p.group).toMatchObject({ name: `${name} 2`, memberCount: 1, memberCap: 3 });
      expect(expectOk(await preview(s.yanglei, live.token)).preview.group.id).toBe(p.group.id);
      const joined = expectOk(await accept(s.yanglei, live.token));
      expect(joined).toMatchObject({ outcome: 'joined', group: { id: p.group.id, name: `${name} 2` } });
      const overflow = (await t.server.db.query<{ type: string; owner_id: string; member_cap: number; avatar_color: string; searchable: boolean; at_all: string }>(
        'select type, owner_id, member_cap, avatar_color, searchable, at_all from groups where id = $1',
        [p.group.id],
      ))[0]!;
      expect(overflow).toEqual({ type: 'internal', owner_id: f.id('chenjing'), member_cap: 3, avatar_color: 'teal', searchable: true, at_all: 'everyone' });
      // Someone already in the chain is sent to their group, not into a new one.
      expect(expectOk(await preview(s.hexue, live.token)).preview).toMatchObject({ next: 'open', group: { id: g }, overflowFrom: null });
      expect(await usesOf(live.id)).toBe(2);
    });

    it('a person banned from (or removed from) any group of the chain does not slip into an overflow group', async () => {
      const g = await makeGroup(f, { memberCap: 2, members: { [f.id('chenjing')]: 'owner', [f.id('liuqiang')]: 'admin' }, banned: [f.id('guopeng')] });
      const live = await create(s.chenjing, g, { kind: 'live' });
      refusal(await preview(s.guopeng, live.token), 'banned');
      refusal(await accept(s.guopeng, live.token), 'banned');
      expect(await t.server.db.query('select 1 from live_code_groups where invite_id = $1', [live.id])).toHaveLength(1);
    });

    it('20 people scanning a full live code at once: exactly one overflow group, everyone in it', async () => {
      const name = `满员活码 ${Date.now()}`;
      const crowd = await makeMembers(f, 28, { prefix: `full${Date.now()}` });
      const members: Record<string, 'owner' | 'admin' | 'member'> = { [f.id('chenjing')]: 'owner', [f.id('liuqiang')]: 'admin' };
      for (const id of crowd) members[id] = 'member';
      const g = await makeGroup(f, { name, memberCap: 30, members });
      const live = await create(s.chenjing, g, { kind: 'live' });
      const scanners = await signedInCrowd(t, f, 20, `scan${Date.now()}`);
      const previews = await Promise.all(scanners.sockets.map((sock) => preview(sock, live.token)));
      const shown = new Set(previews.map((r) => expectOk(r).preview.group.id));
      expect(shown.size).toBe(1);
      const results = await Promise.all(scanners.sockets.map((sock) => accept(sock, live.token)));
      for (const r of results) expect(expectOk(r).outcome).toBe('joined');
      const chain = await t.server.db.query<{ group_id: string; position: number }>('select group_id, position from live_code_groups where invite_id = $1 order by position', [live.id]);
      expect(chain).toHaveLength(2);
      expect(await t.server.db.query('select 1 from groups where name = $1', [`${name} 2`])).toHaveLength(1);
      const overflowMembers = await t.server.db.query<{ n: number }>('select count(*)::int as n from group_members where group_id = $1', [chain[1]!.group_id]);
      expect(overflowMembers[0]!.n).toBe(21);
      expect(await usesOf(live.id)).toBe(20);
    }, 180_000);
  });

  describe('races', () => {
    it('two people for the last use of a link: exactly one gets in', async () => {
      const g = await group();
      const link = await create(s.chenjing, g, { kind: 'link', maxUses: 1 });
      const [a, b] = await Promise.all([accept(s.hexue, link.token), accept(s.yanglei, link.token)]);
      const outcomes = [a, b].map((r) => (r.ok ? r.value.outcome : String(r.error.details?.['reason'])));
      expect(outcomes.sort()).toEqual(['joined', 'used_up']);
      expect(await usesOf(link.id)).toBe(1);
      expect((await t.server.db.query('select 1 from invite_uses where invite_id = $1', [link.id])).length).toBe(1);
    });

    it('two people for the last seat: exactly one gets in, the other hears "full"', async () => {
      const g = await makeGroup(f, { memberCap: 3, members: { [f.id('chenjing')]: 'owner', [f.id('liuqiang')]: 'admin' } });
      const qr = await create(s.chenjing, g);
      const [a, b] = await Promise.all([accept(s.hexue, qr.token), accept(s.yanglei, qr.token)]);
      const outcomes = [a, b].map((r) => (r.ok ? r.value.outcome : String(r.error.details?.['reason'])));
      expect(outcomes.sort()).toEqual(['full', 'joined']);
      expect(await usesOf(qr.id)).toBe(1);
    });

    it('many people for a link with a few uses left: exactly that many get in', async () => {
      const g = await group();
      const link = await create(s.chenjing, g, { kind: 'link', maxUses: 5 });
      const crowd = await signedInCrowd(t, f, 12, `race${Date.now()}`);
      const results = await Promise.all(crowd.sockets.map((sock) => accept(sock, link.token)));
      expect(results.filter((r) => r.ok && r.value.outcome === 'joined')).toHaveLength(5);
      for (const r of results.filter((x) => !x.ok)) refusal(r, 'used_up');
      expect(await usesOf(link.id)).toBe(5);
    }, 120_000);
  });
});

const toU32 = (n: number) => n % 2 ** 32;
