import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportRow, ImportRowError, Result, SocketResponse } from '@shared/contract';
import { parseMemberCsv, splitIntoBatches } from '@shared/rules/member-csv';
import { verifyChain } from '../../../src/server/audit';
import { decodePasswordHash, DEFAULT_KDF, TEST_ONLY_WEAK_KDF } from '../../../src/server/auth';
import { INITIAL_PASSWORD_MAX_N, initialPasswordKdf } from '../../../src/server/org/import';
import { backends } from '../support/databases';
import { rawRequest, request, startTestServer, type ClientSocket, type TestServer } from '../support/server';

const ok = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
};

let nextLine = 2;
const row = (employeeId: string, over: Partial<ImportRow> = {}): ImportRow => ({
  line: nextLine++,
  employeeId,
  name: `员工${employeeId}`,
  nameEn: `Employee ${employeeId}`,
  mobile: '13800138000',
  departmentPath: '研发中心/后端组',
  title: '工程师',
  email: `${employeeId.toLowerCase()}@example.com`,
  ...over,
});

describe.each(backends)('org:import:batch on $name', (backend) => {
  let t: TestServer;
  let admin: ClientSocket;
  let zw: ClientSocket;
  let em: ClientSocket;

  /** Everything an import writes: a refused batch must leave all of it unchanged. */
  const snapshot = async () =>
    (
      await t.server.db.query<{ s: string }>(
        `select concat_ws('/', (select count(*) from members), (select count(*) from member_departments), (select count(*) from audit_log),
                (select count(*) from groups), (select count(*) from group_members), (select chart_version from orgs where slug = 'demo')) as s`,
      )
    )[0]!.s;
  const importBatch = (rows: ImportRow[], s = admin) => request(s, 'org:import:batch', { rows });
  /** Full batches: the test harness's 5 s ack timeout is tight on a loaded 2-core machine (the client waits 10 s). */
  const importFullBatch = (rows: ImportRow[]): Promise<Result<SocketResponse<'org:import:batch'>>> =>
    (admin.timeout(30_000) as unknown as { emitWithAck(ev: string, p: unknown): Promise<Result<SocketResponse<'org:import:batch'>>> }).emitWithAck(
      'org:import:batch',
      { rows },
    );
  const deptId = async (name: string) => (await t.server.db.query<{ id: string }>('select id from departments where name = $1', [name]))[0]!.id;
  const memberByEmployeeId = async (employeeId: string) =>
    (
      await t.server.db.query<{ id: string; account: string; name: string; name_en: string | null; mobile: string | null; email: string | null }>(
        'select id, account, name, name_en, mobile, email, title, role, kind from members where employee_id = $1',
        [employeeId],
      )
    )[0];
  const errorsOf = (r: Awaited<ReturnType<typeof importBatch>>): ImportRowError[] => {
    const v = ok(r);
    if (v.imported) throw new Error('expected the batch to be refused');
    return v.errors;
  };

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 1000, burst: 1000 } });
    const [a, z, e] = await Promise.all([t.signIn('admin'), t.signIn('zhangwei'), t.signIn('emily.carter')]);
    [admin, zw, em] = await Promise.all([t.connect(a.accessToken), t.connect(z.accessToken), t.connect(e.accessToken)]);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('refuses a department head and an employee with forbidden naming org.member.import; nothing written', async () => {
    const before = await snapshot();
    for (const s of [zw, em]) {
      const r = await importBatch([row('F0001')], s);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatchObject({ code: 'forbidden', details: { permission: 'org.member.import' } });
    }
    expect(await snapshot()).toBe(before);
  });

  it('refuses 201 rows with a clear bad_request; 200 go through', async () => {
    const before = await snapshot();
    const rows = Array.from({ length: 201 }, (_, i) => row(`B${String(i).padStart(4, '0')}`));
    const r = await importBatch(rows);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('bad_request');
      expect(r.error.message).toContain('at most 200 rows a batch');
    }
    expect(await snapshot()).toBe(before);

    const started = performance.now();
    const v = ok(await importFullBatch(rows.slice(0, 200)));
    const ms = performance.now() - started;
    expect(v).toMatchObject({ imported: true, created: 200 });
    expect((await t.server.db.query<{ n: number }>(`select count(*)::int as n from members where employee_id like 'B%'`))[0]!.n).toBe(200);
    // A figure for the report (weak test KDF: this is the database's share).
    console.info(`[${backend.name}] 200-row import batch: ${ms.toFixed(0)} ms`);
  });

  it('imports a batch: members with accounts and initial passwords that sign in, departments, audit, org:changed', async () => {
    const version = (await t.server.db.query<{ v: number }>(`select chart_version::int as v from orgs where slug = 'demo'`))[0]!.v;
    // Earlier batches' pushes may still be on their way to this socket: wait for this batch's version.
    const changed = new Promise<number>((resolve) => {
      const listener = (p: { version: number }) => {
        if (p.version !== version + 1) return;
        em.off('org:changed', listener);
        resolve(p.version);
      };
      em.on('org:changed', listener);
    });
    const auditBefore = (await t.server.db.query<{ n: number }>('select count(*)::int as n from audit_log'))[0]!.n;
    const rows = [
      row('N0001', { name: '钱多多', nameEn: 'Qian Duoduo', mobile: '+86 13912345678', departmentPath: '研发中心/后端组' }),
      row('N0002', { name: '孙悟', nameEn: '', mobile: '', email: '', title: '', departmentPath: ' R&D Center / frontend ' }),
      row('n0003', { name: 'Ada Lovelace', departmentPath: '产品部' }),
    ];
    const v = ok(await importBatch(rows));
    if (!v.imported) throw new Error(JSON.stringify(v.errors));
    expect(v.created).toBe(3);
    expect(v.members.map((m) => [m.line, m.account])).toEqual([
      [rows[0]!.line, 'n0001'],
      [rows[1]!.line, 'n0002'],
      [rows[2]!.line, 'n0003'],
    ]);
    expect(new Set(v.members.map((m) => m.initialPassword)).size).toBe(3);

    expect(await memberByEmployeeId('N0001')).toMatchObject({
      account: 'n0001',
      name: '钱多多',
      name_en: 'Qian Duoduo',
      mobile: '+86 13912345678',
      email: 'n0001@example.com',
      title: '工程师',
      role: 'employee',
      kind: 'employee',
    });
    expect(await memberByEmployeeId('N0002')).toMatchObject({ name_en: null, mobile: null, email: null, title: null });
    const deps = await t.server.db.query<{ employee_id: string; name: string; is_primary: boolean }>(
      `select m.employee_id, d.name, md.is_primary from member_departments md join members m on m.id = md.member_id
        join departments d on d.id = md.department_id where m.employee_id in ('N0001', 'N0002', 'n0003') order by m.employee_id`,
    );
    expect(deps).toEqual([
      { employee_id: 'N0001', name: '后端组', is_primary: true },
      { employee_id: 'N0002', name: '前端组', is_primary: true },
      { employee_id: 'n0003', name: '产品部', is_primary: true },
    ]);

    // The one-time password is the member's password.
    const signedIn = await t.signIn('n0002', v.members[1]!.initialPassword);
    expect(signedIn.member).toMatchObject({ name: '孙悟', departmentId: await deptId('前端组') });

    // Audited: the batch, then one entry per member, by the admin; the chain verifies.
    type Entry = { action: string; target_type: string; target_id: string; actor_name: string; after: { source?: string; employeeId?: string } };
    const entries = await t.server.db.query<Entry>(
      'select action, target_type, target_id, actor_name, after from audit_log where seq > $1 order by seq',
      [auditBefore],
    );
    const orgId = (await t.server.db.query<{ id: string }>(`select id from orgs where slug = 'demo'`))[0]!.id;
    expect(entries.filter((e) => e.action.startsWith('org.member.')).map((e) => [e.action, e.target_type])).toEqual([
      ['org.member.import', 'org'],
      ['org.member.create', 'member'],
      ['org.member.create', 'member'],
      ['org.member.create', 'member'],
    ]);
    expect(entries[1]).toMatchObject({ target_id: v.members[0]!.id, actor_name: '系统管理员', after: { source: 'import', employeeId: 'N0001' } });
    expect(await verifyChain(t.server.db, orgId)).toMatchObject({ firstBad: null });

    // Live: the org chart changed for everyone.
    expect(await changed).toBe(version + 1);
  });

  it('every kind of bad row gets its own error (line, field, code); nothing is written', async () => {
    ok(await importBatch([row('K0001')]));
    const before = await snapshot();
    const rows = [
      row('K0100', { name: '' }),
      row('K0101', { mobile: '1380013800' }),
      row('K0102', { email: 'nobody@' }),
      row('K0103'),
      row('k0103'),
      row('k0001'),
      row('K0104', { departmentPath: '研发中心/平台部' }),
      row('K0105', { departmentPath: '不存在' }),
      row('K0106', { title: '职'.repeat(65) }),
      row('K0107', { name: "=cmd|' /C calc'!A0" }),
      row('K0108', { nameEn: '@SUM(A1:A9)' }),
      row('', { email: '' }),
      row('K0109', { departmentPath: '' }),
      row('K 0110', { email: '' }),
      row('K0111', { mobile: '1.38001E+10' }),
    ];
    const errors = errorsOf(await importBatch(rows));
    const l = (i: number) => rows[i]!.line;
    expect(errors.map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: l(0), field: 'name', code: 'missing' },
      { line: l(1), field: 'mobile', code: 'malformed' },
      { line: l(2), field: 'email', code: 'malformed' },
      { line: l(4), field: 'employeeId', code: 'duplicate_in_file' },
      { line: l(5), field: 'employeeId', code: 'duplicate_in_org' },
      { line: l(6), field: 'departmentPath', code: 'unknown_department' },
      { line: l(7), field: 'departmentPath', code: 'unknown_department' },
      { line: l(8), field: 'title', code: 'too_long' },
      { line: l(9), field: 'name', code: 'malformed' },
      { line: l(10), field: 'nameEn', code: 'malformed' },
      { line: l(11), field: 'employeeId', code: 'missing' },
      { line: l(12), field: 'departmentPath', code: 'missing' },
      { line: l(13), field: 'employeeId', code: 'malformed' },
      { line: l(14), field: 'mobile', code: 'malformed' },
    ]);
    const message = (i: number) => errors.find((e) => e.line === l(i))!.message;
    expect(message(4)).toContain(`also on line ${l(3)}`);
    // Employee ids are compared without case: they become lower-case accounts.
    expect(message(5)).toContain('the employee id k0001 already belongs to 员工K0001 (k0001)');
    expect(message(6)).toContain('no department "平台部" under "研发中心"');
    expect(message(7)).toContain('no department "不存在" at the top level');
    expect(message(9)).toContain('formula');
    expect(message(14)).toContain('scientific notation');
    expect(await snapshot()).toBe(before);
  });

  it('is all-or-nothing: one bad row among good ones and nothing is written', async () => {
    const before = await snapshot();
    const rows = [row('A0001'), row('A0002'), row('A0003', { mobile: '12345' }), row('A0004')];
    const errors = errorsOf(await importBatch(rows));
    expect(errors).toEqual([expect.objectContaining({ line: rows[2]!.line, field: 'mobile', code: 'malformed' })]);
    expect(await snapshot()).toBe(before);
    expect(await memberByEmployeeId('A0001')).toBeUndefined();
  });

  it('a second batch with an employee id from the first is duplicate_in_org', async () => {
    ok(await importBatch([row('D0001'), row('D0002')]));
    const before = await snapshot();
    const second = [row('D0003'), row('D0002')];
    expect(errorsOf(await importBatch(second))).toEqual([
      expect.objectContaining({ line: second[1]!.line, field: 'employeeId', code: 'duplicate_in_org' }),
    ]);
    expect(await snapshot()).toBe(before);
  });

  it('two batches racing with the same employee id: one lands, the other is told duplicate_in_org', async () => {
    const a = [row('C0001'), row('C0002')];
    const b = [row('C0003'), row('c0001')];
    const [ra, rb] = await Promise.all([importBatch(a), importBatch(b)]);
    const results = [ok(ra), ok(rb)];
    expect(results.filter((r) => r.imported)).toHaveLength(1);
    const refused = results.find((r) => !r.imported);
    if (!refused || refused.imported) throw new Error('expected one refused batch');
    expect(refused.errors).toEqual([expect.objectContaining({ field: 'employeeId', code: 'duplicate_in_org' })]);
    const n = (await t.server.db.query<{ n: number }>(`select count(*)::int as n from members where lower(employee_id) like 'c000%'`))[0]!.n;
    expect(n).toBe(2);
  });

  it('an employee id whose account is taken gets the next free account; department paths may name the root', async () => {
    const v = ok(await importBatch([row('ADMIN', { departmentPath: '总部/研发中心' }), row('Admin-2', { departmentPath: 'Headquarters' })]));
    if (!v.imported) throw new Error(JSON.stringify(v.errors));
    // `admin` belongs to the super admin; `admin-2` is reserved for the row whose own id it is.
    expect(v.members.map((m) => m.account)).toEqual(['admin-3', 'admin-2']);
    const d = await t.server.db.query<{ name: string }>(
      `select d.name from member_departments md join departments d on d.id = md.department_id where md.member_id = any($1::uuid[]) order by d.name`,
      [v.members.map((m) => m.id)],
    );
    expect(d.map((x) => x.name).sort()).toEqual(['总部', '研发中心'].sort());
  });

  it('hostile payloads are bad_request and write nothing', async () => {
    const before = await snapshot();
    const good = row('H0001');
    for (const payload of [
      {},
      { rows: [] },
      { rows: 'x' },
      { rows: [{ ...good, extra: 1 }] },
      { rows: [{ ...good, line: 0 }] },
      { rows: [{ ...good, name: 5 }] },
      { rows: [{ ...good, name: 'x'.repeat(201) }] },
      { rows: [good], orgId: '00000000-0000-0000-0000-000000000000' },
      { rows: [{ ...good, name: 'a\u0000b' }] },
      { rows: [good, { ...row('H0002'), line: good.line }] },
    ]) {
      const r = await rawRequest(admin, 'org:import:batch', payload);
      expect(r.ok, JSON.stringify(payload).slice(0, 80)).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad_request');
    }
    expect(await snapshot()).toBe(before);
  });

  it('a parsed file of several batches lands batch by batch', async () => {
    const lines = ['工号,姓名,部门,手机'];
    for (let i = 0; i < 450; i++) lines.push(`M${String(i).padStart(4, '0')},成员${i},研发中心/测试组,139${String(i).padStart(8, '0')}`);
    const parsed = parseMemberCsv(lines.join('\r\n'));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    const batches = splitIntoBatches(parsed.rows);
    expect(batches.map((b) => b.length)).toEqual([200, 200, 50]);
    const created: number[] = [];
    for (const b of batches) {
      const v = ok(await importFullBatch(b));
      created.push(v.imported ? v.created : -1);
    }
    expect(created).toEqual([200, 200, 50]);
    expect((await t.server.db.query<{ n: number }>(`select count(*)::int as n from members where employee_id like 'M%'`))[0]!.n).toBe(450);
  });

  it('department sync: a leaf department reaching 3 visible members gets its department group', async () => {
    const rdId = await deptId('研发中心');
    const orgId = (await t.server.db.query<{ id: string }>(`select id from orgs where slug = 'demo'`))[0]!.id;
    await t.server.db.query(`insert into departments (org_id, parent_id, name, name_en, sort) values ($1, $2, '平台部', 'Platform', 99)`, [orgId, rdId]);
    const platformId = await deptId('平台部');
    const groupOf = async () =>
      t.server.db.query<{ id: string; owner_id: string; n: number }>(
        `select g.id, g.owner_id, (select count(*)::int from group_members gm where gm.group_id = g.id) as n
           from groups g where g.department_id = $1 and g.type = 'department' and g.status = 'active'`,
        [platformId],
      );
    ok(await importBatch([row('P0001', { departmentPath: '研发中心/平台部' }), row('P0002', { departmentPath: '研发中心/平台部' })]));
    expect(await groupOf()).toEqual([]);
    const v = ok(await importBatch([row('P0003', { departmentPath: 'R&D Center/Platform' })]));
    if (!v.imported) throw new Error(JSON.stringify(v.errors));
    const groups = await groupOf();
    expect(groups).toHaveLength(1);
    expect(groups[0]!.n).toBe(3);
    // No head: a longest-standing member (the first batch's two joined together) owns it.
    expect([(await memberByEmployeeId('P0001'))!.id, (await memberByEmployeeId('P0002'))!.id]).toContain(groups[0]!.owner_id);
  });
});

describe.each(backends)('imported initial passwords on $name', (backend) => {
  // A server cost above the import's cap: the imported hash is cheaper, the first sign-in upgrades it.
  const serverKdf = { ...TEST_ONLY_WEAK_KDF, N: INITIAL_PASSWORD_MAX_N * 2 };
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer(backend, { kdf: serverKdf });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('are hashed at the capped cost, and re-hashed at the server cost on first sign-in', async () => {
    expect(initialPasswordKdf(DEFAULT_KDF)).toEqual({ ...DEFAULT_KDF, N: 4096 });
    expect(initialPasswordKdf(TEST_ONLY_WEAK_KDF)).toEqual(TEST_ONLY_WEAK_KDF);
    const admin = await t.connect((await t.signIn('admin')).accessToken);
    const v = ok(await request(admin, 'org:import:batch', { rows: [row('U0001')] }));
    if (!v.imported) throw new Error(JSON.stringify(v.errors));
    const id = v.members[0]!.id;
    const hash = async () => (await t.server.db.query<{ h: string }>('select password_hash as h from members where id = $1', [id]))[0]!.h;
    expect(decodePasswordHash(await hash())?.kdf.N).toBe(INITIAL_PASSWORD_MAX_N);
    await t.signIn('u0001', v.members[0]!.initialPassword);
    expect(decodePasswordHash(await hash())?.kdf.N).toBe(serverKdf.N);
    await t.signIn('u0001', v.members[0]!.initialPassword);
  });
});
