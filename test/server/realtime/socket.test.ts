import { randomUUID } from 'node:crypto';
import { io as connectSocket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GroupSummary, HANDSHAKE_ERRORS, httpRoutes, Message, socketRequests, type TokenBundle } from '@shared/contract';
import { HISTORY_PAGE_DEFAULT, MESSAGE_MAX_CHARS, SEQ_MAX, SOCKET_REQUEST_BURST } from '@shared/rules/limits';
import { SOCKET_MAX_FRAME_BYTES } from '../../../src/server/realtime';
import { ALL_HANDS_GROUP_NAME } from '../../../src/server/seed';
import { backends } from '../support/databases';
import { nextEvent, noEvent, rawRequest, request, startTestServer, type ClientSocket, type TestServer } from '../support/server';

const ACCESS_TTL_MS = 15 * 60 * 1000;

describe.each(backends)('socket.io on $name', (backend) => {
  let t: TestServer;
  /** Server time = real time + skew: lets tests reach token expiry without waiting 15 minutes. */
  let skew = 0;
  let zhangwei: TokenBundle;
  let lina: TokenBundle;
  let emily: TokenBundle;
  let zw: ClientSocket;
  let ln: ClientSocket;
  let allHands: GroupSummary;
  let projectGroupId: string;
  let externalGroupId: string;

  const groupIdByName = async (name: string): Promise<string> =>
    (await t.server.db.query<{ id: string }>('select id from groups where name = $1', [name]))[0]!.id;
  const countMessages = async (groupId: string): Promise<number> =>
    (await t.server.db.query<{ n: number }>('select count(*)::int as n from messages where group_id = $1', [groupId]))[0]!.n;
  const refused = (token: unknown): Promise<string> =>
    new Promise((resolve, reject) => {
      const s = connectSocket(t.server.url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
      s.once('connect', () => {
        s.disconnect();
        reject(new Error('handshake was accepted'));
      });
      s.once('connect_error', (e) => {
        s.disconnect();
        resolve(e.message);
      });
    });

  beforeAll(async () => {
    t = await startTestServer(backend, { clock: () => Date.now() + skew });
    [zhangwei, lina, emily] = await Promise.all([t.signIn('zhangwei'), t.signIn('lina'), t.signIn('emily.carter')]);
    [zw, ln] = await Promise.all([t.connect(zhangwei.accessToken), t.connect(lina.accessToken)]);
    const list = await request(zw, 'groups:list', {});
    if (!list.ok) throw new Error(list.error.message);
    allHands = list.value.groups.find((g) => g.name === ALL_HANDS_GROUP_NAME)!;
    projectGroupId = await groupIdByName('Muster 2.0 项目组 Project');
    externalGroupId = await groupIdByName('星河 × 云帆物流 对接群 Starriver × Yunfan Logistics');
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('handshake', () => {
    it('refuses a missing, malformed or forged token as unauthorized', async () => {
      expect(await refused(undefined)).toBe(HANDSHAKE_ERRORS.unauthorized);
      expect(await refused('')).toBe(HANDSHAKE_ERRORS.unauthorized);
      expect(await refused({ nested: true })).toBe(HANDSHAKE_ERRORS.unauthorized);
      expect(await refused('mat1.abc.def')).toBe(HANDSHAKE_ERRORS.unauthorized);
      const [p, payload, sig] = zhangwei.accessToken.split('.') as [string, string, string];
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
      const asLina = Buffer.from(JSON.stringify({ ...claims, sub: lina.member.id })).toString('base64url');
      expect(await refused(`${p}.${asLina}.${sig}`)).toBe(HANDSHAKE_ERRORS.unauthorized);
    });

    it('refuses an expired token as token_expired', async () => {
      skew = ACCESS_TTL_MS + 5_000;
      try {
        expect(await refused(zhangwei.accessToken)).toBe(HANDSHAKE_ERRORS.expired);
      } finally {
        skew = 0;
      }
    });

    it('closes the socket with auth:expired when the token lapses', async () => {
      skew = ACCESS_TTL_MS - 1_500; // about a second of validity left
      let s: ClientSocket;
      try {
        s = await t.connect(emily.accessToken);
      } finally {
        skew = 0;
      }
      const expired = nextEvent(s, 'auth:expired', 5000);
      const closed = new Promise<string>((resolve) => s.once('disconnect', (reason) => resolve(reason)));
      await expect(expired).resolves.toEqual({});
      expect(await closed).toBe('io server disconnect');
    });

    it('signing out closes that session’s sockets and refuses its access token', async () => {
      const session = await t.signIn('lina');
      const s = await t.connect(session.accessToken);
      const expired = nextEvent(s, 'auth:expired');
      const out = await t.post(httpRoutes.signOut.path, { refreshToken: session.refreshToken });
      expect(out.status).toBe(200);
      await expect(expired).resolves.toEqual({});
      expect(await refused(session.accessToken)).toBe(HANDSHAKE_ERRORS.unauthorized);
      // Lina's other session is untouched.
      expect((await request(ln, 'groups:list', {})).ok).toBe(true);
    });
  });

  describe('groups:list', () => {
    it('lists the member’s groups, newest activity first, with contract-valid summaries', async () => {
      const r = await request(zw, 'groups:list', {});
      if (!r.ok) throw new Error(r.error.message);
      const groups = r.value.groups.map((g) => GroupSummary.parse(g));
      const mine = await t.server.db.query<{ group_id: string }>('select group_id from group_members where member_id = $1', [zhangwei.member.id]);
      expect(new Set(groups.map((g) => g.id))).toEqual(new Set(mine.map((m) => m.group_id)));
      const times = groups.map((g) => Date.parse(g.updatedAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      const all = groups.find((g) => g.name === ALL_HANDS_GROUP_NAME)!;
      // Every employee; the demo's outside contact (a guest) is never in an internal group.
      const total = (await t.server.db.query<{ n: number }>(`select count(*)::int as n from members where kind = 'employee'`))[0]!.n;
      expect(all.memberCount).toBe(total);
      expect(all.lastMessage?.seq).toBe(all.lastSeq);
      expect(all.lastReadSeq).toBeLessThanOrEqual(all.lastSeq);
      expect(groups.find((g) => g.id === projectGroupId)?.myRole).toBe('owner');
      expect(groups.some((g) => g.id === externalGroupId)).toBe(false);
    });
  });

  describe('messages:send', () => {
    it('stores, acknowledges and pushes to the other members in real time', async () => {
      const clientId = randomUUID();
      const pushed = nextEvent(ln, 'message:new');
      const before = await countMessages(allHands.id);
      const r = await request(zw, 'messages:send', { groupId: allHands.id, clientId, body: '大家好 hello 👋' });
      if (!r.ok) throw new Error(r.error.message);
      const message = Message.parse(r.value.message);
      expect(r.value.duplicate).toBe(false);
      expect(message).toMatchObject({ groupId: allHands.id, senderId: zhangwei.member.id, senderName: '张伟', kind: 'text', body: '大家好 hello 👋', clientId });
      expect(await pushed).toEqual(message);
      expect(await countMessages(allHands.id)).toBe(before + 1);

      // seq is the next one; the group's summary moved to the top with this message, read for the sender.
      const list = await request(zw, 'groups:list', {});
      if (!list.ok) throw new Error(list.error.message);
      const top = list.value.groups[0]!;
      expect(top.id).toBe(allHands.id);
      expect(top.lastSeq).toBe(message.seq);
      expect(top.lastMessage?.id).toBe(message.id);
      expect(top.lastReadSeq).toBe(message.seq);
      expect(message.seq).toBe(allHands.lastSeq + 1);
    });

    it('a sequential resend returns the original, duplicate:true, no new row and no new push', async () => {
      const clientId = randomUUID();
      // Listen before sending: the push to lina may arrive before zhangwei's ack.
      const pushed = nextEvent(ln, 'message:new');
      const first = await request(zw, 'messages:send', { groupId: allHands.id, clientId, body: 'once' });
      if (!first.ok) throw new Error(first.error.message);
      await pushed;
      const count = await countMessages(allHands.id);
      const silence = noEvent(ln, 'message:new', 400);
      const again = await request(zw, 'messages:send', { groupId: allHands.id, clientId, body: 'once' });
      expect(again).toEqual({ ok: true, value: { message: first.value.message, duplicate: true } });
      await silence;
      expect(await countMessages(allHands.id)).toBe(count);
    });

    it('concurrent identical sends store exactly one message', async () => {
      const clientId = randomUUID();
      const count = await countMessages(projectGroupId);
      const zw2 = await t.connect(zhangwei.accessToken);
      const results = await Promise.all([
        request(zw, 'messages:send', { groupId: projectGroupId, clientId, body: 'race' }),
        request(zw2, 'messages:send', { groupId: projectGroupId, clientId, body: 'race' }),
        request(zw, 'messages:send', { groupId: projectGroupId, clientId, body: 'race' }),
      ]);
      const values = results.map((r) => {
        if (!r.ok) throw new Error(r.error.message);
        return r.value;
      });
      expect(values.filter((v) => !v.duplicate)).toHaveLength(1);
      expect(new Set(values.map((v) => v.message.id)).size).toBe(1);
      expect(await countMessages(projectGroupId)).toBe(count + 1);
      // seq stays dense: no hole left by the losers' rolled-back increments.
      const seqs = await t.server.db.query<{ seq: number }>('select seq from messages where group_id = $1 order by seq', [projectGroupId]);
      expect(seqs.map((s) => s.seq)).toEqual(seqs.map((_, i) => i + 1));
      zw2.disconnect();
    });

    it('reusing a clientId for a different message is a conflict', async () => {
      const clientId = randomUUID();
      expect((await request(zw, 'messages:send', { groupId: allHands.id, clientId, body: 'one' })).ok).toBe(true);
      const r = await request(zw, 'messages:send', { groupId: allHands.id, clientId, body: 'two' });
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict' } });
    });

    it('not_member for groups the caller is not in, and for unknown groups; nothing is stored', async () => {
      const count = await countMessages(externalGroupId);
      for (const groupId of [externalGroupId, randomUUID()]) {
        expect(await request(zw, 'messages:send', { groupId, clientId: randomUUID(), body: 'hi' })).toMatchObject({ ok: false, error: { code: 'not_member' } });
        expect(await request(zw, 'messages:page', { groupId })).toMatchObject({ ok: false, error: { code: 'not_member' } });
        expect(await request(zw, 'groups:markRead', { groupId, seq: 1 })).toMatchObject({ ok: false, error: { code: 'not_member' } });
      }
      expect(await countMessages(externalGroupId)).toBe(count);
    });
  });

  describe('messages:page', () => {
    const pageOf = async (req: Parameters<typeof request<'messages:page'>>[2]) => {
      const r = await request(zw, 'messages:page', req);
      if (!r.ok) throw new Error(r.error.message);
      r.value.messages.forEach((m) => Message.parse(m));
      return r.value;
    };

    it('latest page, then scroll back with beforeSeq until the start; hasMore is exact', async () => {
      const lastSeq = (await t.server.db.query<{ last_seq: number }>('select last_seq from groups where id = $1', [allHands.id]))[0]!.last_seq;
      expect(lastSeq).toBeGreaterThan(2 * HISTORY_PAGE_DEFAULT);

      const latest = await pageOf({ groupId: allHands.id });
      expect(latest.messages).toHaveLength(HISTORY_PAGE_DEFAULT);
      expect(latest.messages.map((m) => m.seq)).toEqual(Array.from({ length: HISTORY_PAGE_DEFAULT }, (_, i) => lastSeq - HISTORY_PAGE_DEFAULT + 1 + i));
      expect(latest.hasMore).toBe(true);

      const seen = [...latest.messages];
      let before = latest.messages[0]!.seq;
      let hasMore = latest.hasMore;
      while (hasMore) {
        const page = await pageOf({ groupId: allHands.id, beforeSeq: before, limit: 40 });
        expect(page.messages.at(-1)!.seq).toBe(before - 1);
        seen.unshift(...page.messages);
        before = page.messages[0]!.seq;
        hasMore = page.hasMore;
      }
      expect(seen.map((m) => m.seq)).toEqual(Array.from({ length: lastSeq }, (_, i) => i + 1));
      expect(seen[0]!.kind).toBe('system');
      expect(await pageOf({ groupId: allHands.id, beforeSeq: 1 })).toEqual({ messages: [], hasMore: false });
    });

    it('catches up with afterSeq; hasMore tells whether newer ones remain', async () => {
      const lastSeq = (await t.server.db.query<{ last_seq: number }>('select last_seq from groups where id = $1', [allHands.id]))[0]!.last_seq;
      const mid = await pageOf({ groupId: allHands.id, afterSeq: lastSeq - 15, limit: 10 });
      expect(mid.messages.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => lastSeq - 14 + i));
      expect(mid.hasMore).toBe(true);
      const tail = await pageOf({ groupId: allHands.id, afterSeq: lastSeq - 10, limit: 10 });
      expect(tail.messages.map((m) => m.seq).at(-1)).toBe(lastSeq);
      expect(tail.hasMore).toBe(false);
      expect(await pageOf({ groupId: allHands.id, afterSeq: lastSeq })).toEqual({ messages: [], hasMore: false });
      const all = await pageOf({ groupId: allHands.id, afterSeq: 0, limit: 100 });
      expect(all.messages[0]!.seq).toBe(1);
    });

    it('a small group fits one page: hasMore false', async () => {
      const qa = await groupIdByName('测试组 QA');
      const ld = await t.connect(zhangwei.accessToken); // zhangwei is not in QA…
      expect(await request(ld, 'messages:page', { groupId: qa })).toMatchObject({ ok: false, error: { code: 'not_member' } });
      ld.disconnect();
      const zhuli = await t.signIn('zhuli');
      const s = await t.connect(zhuli.accessToken);
      const r = await request(s, 'messages:page', { groupId: qa });
      expect(r.ok && r.value.hasMore).toBe(false);
      expect(r.ok && r.value.messages.length).toBeGreaterThan(0);
      s.disconnect();
    });
  });

  describe('groups:markRead', () => {
    it('moves forward only, clamps to the last message, and tells the member’s other devices', async () => {
      const groupId = projectGroupId;
      const lastSeq = (await t.server.db.query<{ last_seq: number }>('select last_seq from groups where id = $1', [groupId]))[0]!.last_seq;
      await t.server.db.query('update group_members set last_read_seq = 2 where group_id = $1 and member_id = $2', [groupId, lina.member.id]);
      const otherDevice = await t.connect(lina.accessToken);

      const pushed = nextEvent(otherDevice, 'group:read');
      expect(await request(ln, 'groups:markRead', { groupId, seq: 5 })).toEqual({ ok: true, value: { groupId, lastReadSeq: 5 } });
      expect(await pushed).toEqual({ groupId, lastReadSeq: 5 });

      const silence = noEvent(otherDevice, 'group:read', 300);
      expect(await request(ln, 'groups:markRead', { groupId, seq: 3 })).toEqual({ ok: true, value: { groupId, lastReadSeq: 5 } });
      await silence;
      expect(await request(ln, 'groups:markRead', { groupId, seq: lastSeq + 1000 })).toEqual({ ok: true, value: { groupId, lastReadSeq: lastSeq } });
      expect(await request(ln, 'groups:markRead', { groupId, seq: 0 })).toEqual({ ok: true, value: { groupId, lastReadSeq: lastSeq } });
      otherDevice.disconnect();
    });
  });

  describe('hostile clients', () => {
    const D = randomUUID(); // a well-formed id inside nested payloads
    const valid: Record<keyof typeof socketRequests, Record<string, unknown>> = {
      'groups:list': {},
      'messages:send': { groupId: '', clientId: '', body: 'x' },
      'messages:page': { groupId: '' },
      'groups:markRead': { groupId: '', seq: 1 },
      'org:chart': {},
      'org:department:create': { parentId: '', name: 'x' },
      'org:department:update': { id: '', name: 'x' },
      'org:department:move': { id: '', parentId: '' },
      'org:department:reorder': { parentId: '', orderedIds: [] },
      'org:department:delete': { id: '' },
      'org:member:create': { account: 'x', fields: { name: 'x' }, departments: { departmentIds: [D], primaryDepartmentId: D } },
      'org:member:update': { id: '', fields: { title: 'x' } },
      'org:member:setDepartments': { id: '', departments: { departmentIds: [D], primaryDepartmentId: D } },
      'org:member:setRole': { id: '', role: 'employee' },
      'org:member:offboard': { id: '' },
      'org:import:batch': { rows: [{ line: 2, employeeId: 'E1', name: 'x', nameEn: '', mobile: '', departmentPath: 'x', title: '', email: '' }] },
      'org:requests:list': {},
      'org:requests:decide': { id: '', approve: true },
      'groups:create': { name: 'x', type: 'internal', memberIds: [] },
      'groups:detail': { groupId: '' },
      'groups:addMembers': { groupId: '', memberIds: [D] },
      'groups:removeMember': { groupId: '', memberId: '' },
      'groups:unban': { groupId: '', memberId: '' },
      'groups:setRole': { groupId: '', memberId: '', role: 'admin' },
      'groups:transferOwnership': { groupId: '', memberId: '' },
      'groups:update': { groupId: '', name: 'x' },
      'groups:setAnnouncement': { groupId: '', text: 'x' },
      'groups:updateSettings': { groupId: '', settings: { muteAll: false } },
      'groups:muteMember': { groupId: '', memberId: '', muted: true },
      'groups:upgradeCap': { groupId: '' },
      'groups:leave': { groupId: '' },
      'groups:dissolve': { groupId: '' },
      'groups:closeDepartmentSync': { groupId: '' },
      'audit:list': {},
      'audit:export': {},
      'audit:verify': {},
      'invites:keys': {},
      'invites:create': { kind: 'qr', groupId: '' },
      'invites:list': { groupId: '' },
      'invites:revoke': { inviteId: '' },
      'invites:rotateKey': {},
      'join:preview': { target: { source: 'directory', groupId: D } },
      'join:accept': { target: { source: 'directory', groupId: D } },
      'join:requests:list': {},
      'join:requests:mine': {},
      'join:requests:decide': { id: '', approve: true },
      'join:requests:cancel': { id: '' },
      'groups:directory': {},
    };
    const fill = (p: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === '' ? (k === 'groupId' ? allHands.id : randomUUID()) : v]));

    it('every request answers bad_request to malformed payloads, and nothing is written', async () => {
      const count = await countMessages(allHands.id);
      for (const name of Object.keys(socketRequests) as (keyof typeof socketRequests)[]) {
        // A socket per request name: the payloads below are more than one socket's request budget.
        const socket = await t.connect(zhangwei.accessToken);
        const good = fill(valid[name]);
        const payloads: unknown[] = [
          null,
          undefined,
          'a string',
          42,
          [good],
          { ...good, extra: 'field' },
          JSON.parse(`{"__proto__": {"polluted": true}, ${JSON.stringify(good).slice(1, -1) || '"x": 1'}}`),
          { ...good, constructor: { prototype: { polluted: true } } },
        ];
        if ('groupId' in good) payloads.push({ ...good, groupId: 'not-a-uuid' }, { ...good, groupId: 123 }, { ...good, groupId: { $ne: null } });
        if (name === 'messages:send') {
          payloads.push(
            { ...good, clientId: 'abc' },
            { ...good, body: '' },
            { ...good, body: '   \n ' },
            { ...good, body: 'x'.repeat(MESSAGE_MAX_CHARS + 1) },
            { ...good, body: ['x'] },
            { ...good, body: 'nul \u0000 inside' }, // PostgreSQL text cannot store it
          );
        }
        if (name === 'messages:page') {
          payloads.push({ ...good, limit: 0 }, { ...good, limit: 1000 }, { ...good, beforeSeq: 5, afterSeq: 1 }, { ...good, beforeSeq: -1 }, { ...good, limit: 1.5 });
          // Beyond what a stored seq (PostgreSQL integer) can be: refused, not a driver error.
          payloads.push({ ...good, beforeSeq: SEQ_MAX + 1 }, { ...good, afterSeq: SEQ_MAX + 1 }, { ...good, afterSeq: Number.MAX_SAFE_INTEGER });
        }
        if (name === 'groups:markRead') {
          payloads.push({ ...good, seq: -1 }, { ...good, seq: '5' }, { ...good, seq: Number.MAX_VALUE });
          payloads.push({ ...good, seq: 2 ** 31 }, { ...good, seq: 2 ** 53 - 1 });
        }
        for (const p of payloads) {
          const r = await rawRequest(socket, name, p);
          expect(r, `${name} ${JSON.stringify(p)}`).toMatchObject({ ok: false, error: { code: 'bad_request' } });
        }
        // Too many arguments, or only an ack.
        expect(await rawRequest(socket, name, good, 'extra')).toMatchObject({ ok: false, error: { code: 'bad_request' } });
        expect(await rawRequest(socket, name)).toMatchObject({ ok: false, error: { code: 'bad_request' } });
        socket.disconnect();
      }
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(await countMessages(allHands.id)).toBe(count);
    });

    it('unknown requests with an ack are answered bad_request; nothing without an ack is answered; the socket keeps working', async () => {
      expect(await rawRequest(zw, 'no:such:event', { x: 1 })).toEqual({ ok: false, error: { code: 'bad_request', message: 'unknown request no:such:event' } });
      // Names that exist on every object are not requests either.
      for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        expect(await rawRequest(zw, name, {}), name).toMatchObject({ ok: false, error: { code: 'bad_request', message: `unknown request ${name}` } });
      }
      const long = await rawRequest(zw, 'x'.repeat(10_000));
      expect(long).toMatchObject({ ok: false, error: { code: 'bad_request' } });
      expect(!long.ok && long.error.message.length).toBeLessThan(100);

      const count = await countMessages(allHands.id);
      const raw = zw as unknown as { emit(ev: string, ...a: unknown[]): void };
      raw.emit('messages:send', { groupId: allHands.id, clientId: randomUUID(), body: 'no ack' });
      raw.emit('messages:send');
      raw.emit('no:such:event', { x: 1 });
      raw.emit('groups:list', {}, 'not a function');
      expect((await request(zw, 'groups:list', {})).ok).toBe(true);
      expect(await countMessages(allHands.id)).toBe(count);
    });

    it('beyond the per-socket request budget: rate_limited with retryAfterSeconds; other sockets unaffected', async () => {
      const s = await t.connect(emily.accessToken);
      const n = SOCKET_REQUEST_BURST + 40;
      // Cheap requests (refused by validation) so the budget, not the database, is what is measured.
      const results = await Promise.all(Array.from({ length: n }, () => rawRequest(s, 'groups:markRead', { groupId: 'not-a-uuid', seq: 1 })));
      const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
      const served = codes.filter((c) => c === 'bad_request').length;
      const limited = results.filter((r) => !r.ok && r.error.code === 'rate_limited');
      expect(served + limited.length).toBe(n);
      expect(served).toBeGreaterThanOrEqual(SOCKET_REQUEST_BURST);
      expect(served).toBeLessThan(SOCKET_REQUEST_BURST + 10); // only what trickled back in meanwhile
      expect(limited[0]).toMatchObject({ ok: false, error: { code: 'rate_limited', details: { retryAfterSeconds: 1 } } });
      // Unknown requests spend the budget too.
      expect(await rawRequest(s, 'no:such:event', {})).toMatchObject({ ok: false, error: { code: 'rate_limited' } });

      expect((await request(zw, 'groups:list', {})).ok).toBe(true); // a neighbour has its own budget
      skew = 5_000; // a pause refills the bucket
      try {
        expect((await request(s, 'groups:list', {})).ok).toBe(true);
      } finally {
        skew = 0;
      }
      s.disconnect();
    });

    it('an oversized frame closes only that connection; the server keeps serving', async () => {
      const victim = await t.connect(emily.accessToken);
      const closed = new Promise<string>((resolve) => victim.once('disconnect', (reason) => resolve(reason)));
      (victim as unknown as { emit(ev: string, ...a: unknown[]): void }).emit(
        'messages:send',
        { groupId: allHands.id, clientId: randomUUID(), body: 'x'.repeat(SOCKET_MAX_FRAME_BYTES * 2) },
        () => undefined,
      );
      expect(await closed).toMatch(/transport close|transport error/);
      expect((await request(zw, 'groups:list', {})).ok).toBe(true);
      const again = await t.connect(emily.accessToken);
      expect((await request(again, 'groups:list', {})).ok).toBe(true);
      again.disconnect();
    });
  });
});
