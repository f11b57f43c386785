import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry, Result } from '@shared/contract';
import { parseCsv } from '@shared/rules/member-csv';
import { appendAudit, appendAuditMany, AUDIT_CSV_HEADER, entryHash, exportAudit, verifyChain, type AuditRecord } from '../../../src/server/audit';
import { migrate, openDatabase, type Db, type StorageOptions } from '../../../src/server/storage';
import { backends, type Backend } from '../support/databases';
import { request, startTestServer, type ClientSocket, type TestServer } from '../support/server';

const root = fileURLToPath(new URL('../../..', import.meta.url));

const ok = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.value;
};

const ACTOR_A = { id: '11111111-1111-4111-8111-111111111111', name: '张伟', nameEn: 'Zhang Wei' };
const ACTOR_B = { id: '22222222-2222-4222-8222-222222222222', name: '李娜', nameEn: 'Li Na' };

/** An organization of its own with `n` entries: each tamper test breaks its own chain. */
const orgWithChain = async (db: Db, slug: string, n: number): Promise<string> => {
  const orgId = (await db.query<{ id: string }>(`insert into orgs (slug, name) values ($1, $2) returning id`, [slug, `Org ${slug}`]))[0]!.id;
  for (let i = 1; i <= n; i++) {
    await db.transaction((tx) =>
      appendAudit(tx, {
        orgId,
        actor: i % 2 ? ACTOR_A : ACTOR_B,
        action: i % 3 ? 'group.member.add' : 'org.department.rename',
        targetType: i % 3 ? 'group' : 'department',
        targetId: `target-${i}`,
        targetLabel: `对象 ${i}`,
        before: i === 1 ? null : { n: i - 1, nested: { z: 1, a: [1, 'two'] } },
        after: { n: i, name: `名字 ${i}` },
      }),
    );
  }
  return orgId;
};

/** Runs `npm run audit:verify`'s script as the CLI does. */
const runVerify = (env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/audit-verify.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', MUSTER_DATA_DIR: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe.each(backends)('audit log on $name', (backend) => {
  let t: TestServer;
  let admin: ClientSocket;
  let zw: ClientSocket;
  let em: ClientSocket;
  let orgId: string;
  /** Seqs of the entries this suite wrote into the demo org, in order. */
  const mine: number[] = [];

  const append = async (r: Omit<AuditRecord, 'orgId'>): Promise<number> => {
    await t.server.db.transaction((tx) => appendAudit(tx, { orgId, ...r }));
    const seq = (await t.server.db.query<{ s: number }>('select max(seq)::int as s from audit_log where org_id = $1', [orgId]))[0]!.s;
    mine.push(seq);
    return seq;
  };

  /** When this suite's first entry was written. */
  const firstAt = async (): Promise<string> =>
    (await t.server.db.query<{ at: Date }>('select at from audit_log where org_id = $1 and seq = $2', [orgId, mine[0]]))[0]!.at.toISOString();

  beforeAll(async () => {
    t = await startTestServer(backend, { socketRateLimit: { perSecond: 1000, burst: 1000 } });
    orgId = (await t.server.db.query<{ id: string }>(`select id from orgs where slug = 'demo'`))[0]!.id;
    const [a, z, e] = await Promise.all([t.signIn('admin'), t.signIn('zhangwei'), t.signIn('emily.carter')]);
    [admin, zw, em] = await Promise.all([t.connect(a.accessToken), t.connect(z.accessToken), t.connect(e.accessToken)]);
    const g1 = { targetType: 'group', targetId: 'g-1', targetLabel: '周报小组' } as const;
    await append({ actor: ACTOR_A, action: 'group.member.add', ...g1, before: null, after: { added: ['李娜'] } });
    await append({ actor: ACTOR_B, action: 'group.member.remove', ...g1, before: { members: 3 }, after: { members: 2 } });
    // Cells Excel would run as formulas: a label, an after value, labels starting + and -.
    await append({
      actor: ACTOR_A,
      action: 'group.rename',
      targetType: 'group',
      targetId: 'g-2',
      targetLabel: "=cmd|' /C calc'!A0",
      before: { name: 'x' },
      after: { name: '@SUM(1+1)' },
    });
    await append({ actor: null, action: 'group_member.sync', targetType: 'group_member', targetId: 'gm-1', targetLabel: '+1 department' });
    await append({
      actor: ACTOR_B,
      action: 'org.department.rename',
      targetType: 'department',
      targetId: 'd-1',
      targetLabel: '-平台部',
      before: { name: '平台' },
      after: { name: '平台部' },
    });
  });
  afterAll(async () => {
    await t?.stop();
  });

  describe('audit:list', () => {
    const list = async (payload: Parameters<typeof request<'audit:list'>>[2]) => ok(await request(admin, 'audit:list', payload));
    const seqs = (entries: AuditEntry[]) => entries.map((e) => e.seq);

    it('lists newest first, pages back by seq', async () => {
      const first = await list({ limit: 2 });
      expect(seqs(first.entries)).toEqual([mine[4], mine[3]]);
      expect(first.hasMore).toBe(true);
      const second = await list({ limit: 2, beforeSeq: first.entries[1]!.seq });
      expect(seqs(second.entries)).toEqual([mine[2], mine[1]]);
      const all = await list({ limit: 200 });
      expect(all.hasMore).toBe(false);
      expect(seqs(all.entries)).toEqual([...seqs(all.entries)].sort((a, b) => b - a));
      expect(all.entries[0]).toMatchObject({
        seq: mine[4],
        actor: ACTOR_B,
        action: 'org.department.rename',
        targetType: 'department',
        targetId: 'd-1',
        targetLabel: '-平台部',
        before: { name: '平台' },
        after: { name: '平台部' },
      });
      expect(all.entries[0]!.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(all.entries.find((e) => e.seq === mine[3])!.actor).toBeNull();
    });

    it('filters by actor, action prefix (not a LIKE pattern), target and time range', async () => {
      expect(seqs((await list({ filter: { actorId: ACTOR_A.id } })).entries)).toEqual([mine[2], mine[0]]);
      // From this suite's first entry on: the demo seed writes entries of its own before.
      const from = await firstAt();
      expect(seqs((await list({ filter: { action: 'group.member', from } })).entries)).toEqual([mine[1], mine[0]]);
      // `_` is a LIKE wildcard: `group_member` must not match `group.member.*`.
      expect(seqs((await list({ filter: { action: 'group_', from } })).entries)).toEqual([mine[3]]);
      expect(seqs((await list({ filter: { targetType: 'group', targetId: 'g-1' } })).entries)).toEqual([mine[1], mine[0]]);
      const at = (await list({ limit: 1 })).entries[0]!.at;
      expect(seqs((await list({ filter: { from: at, actorId: ACTOR_B.id } })).entries)).toEqual([mine[4]]);
      expect((await list({ filter: { to: '2000-01-01T00:00:00Z' } })).entries).toEqual([]);
      expect((await list({ filter: { from: '2100-01-01T00:00:00Z' } })).entries).toEqual([]);
    });

    it('is for super admins only: forbidden naming org.audit.read', async () => {
      for (const s of [zw, em]) {
        for (const name of ['audit:list', 'audit:export', 'audit:verify'] as const) {
          const r = await request(s, name, {} as never);
          expect(r.ok).toBe(false);
          if (!r.ok) expect(r.error).toMatchObject({ code: 'forbidden', details: { permission: 'org.audit.read' } });
        }
      }
    });

    it('refuses bad filters with bad_request', async () => {
      const payloads = [{ filter: { actorId: 'nope' } }, { filter: { from: 'yesterday' } }, { limit: 1000 }, { beforeSeq: 0 }, { filter: { extra: 1 } }, { x: 1 }];
      for (const payload of payloads) {
        const r = await request(admin, 'audit:list', payload as never);
        expect(r.ok).toBe(false);
        if (!r.ok) expect(r.error.code).toBe('bad_request');
      }
    });
  });

  describe('audit:export', () => {
    it('exports the filtered log as CSV with formula-looking cells neutralized', async () => {
      const v = ok(await request(admin, 'audit:export', { filter: { targetType: 'group', from: await firstAt() } }));
      expect(v.rows).toBe(3);
      expect(v.truncated).toBe(false);
      expect(v.csv.startsWith('\uFEFF')).toBe(true);
      expect(v.csv).toContain('\r\n');
      const records = parseCsv(v.csv).map((r) => r.cells);
      expect(records[0]).toEqual(AUDIT_CSV_HEADER);
      expect(records.slice(1).map((r) => Number(r[0]))).toEqual([mine[2], mine[1], mine[0]]);
      const rename = records[1]!;
      // The label and the after-JSON would be formulas in Excel: both start with ' now.
      expect(rename[8]).toBe("'=cmd|' /C calc'!A0");
      expect(rename[10]).toBe('{"name":"@SUM(1+1)"}'); // JSON starts with {, harmless
      expect(rename.slice(2, 6)).toEqual(['张伟', 'Zhang Wei', ACTOR_A.id, 'group.rename']);
      const all = parseCsv(ok(await request(admin, 'audit:export', {})).csv).map((r) => r.cells);
      expect(all.find((r) => r[0] === String(mine[3]))![8]).toBe("'+1 department");
      expect(all.find((r) => r[0] === String(mine[4]))![8]).toBe("'-平台部");
      for (const r of all.slice(1)) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    });

    it('caps a huge export to the newest rows and says so', async () => {
      const r = await exportAudit(t.server.db, orgId, {}, 2);
      expect(r).toMatchObject({ rows: 2, truncated: true });
      expect(parseCsv(r.csv).slice(1).map((x) => Number(x.cells[0]))).toEqual([mine[4], mine[3]]);
    });
  });

  describe('audit:verify and the chain', () => {
    it('an untouched chain verifies', async () => {
      const n = (await t.server.db.query<{ n: number }>('select count(*)::int as n from audit_log where org_id = $1', [orgId]))[0]!.n;
      expect(ok(await request(admin, 'audit:verify', {}))).toEqual({ entries: n, firstBad: null, reason: null });
    });

    it("tampering with an entry's after is found at that entry", async () => {
      const org = await orgWithChain(t.server.db, 'tamper-after', 6);
      expect(await verifyChain(t.server.db, org)).toEqual({ entries: 6, firstBad: null, reason: null });
      await t.server.db.query(`update audit_log set after = '{"n": 4, "name": "改过"}' where org_id = $1 and seq = 4`, [org]);
      const r = await verifyChain(t.server.db, org);
      expect(r).toMatchObject({ firstBad: 4, entries: 4 });
      expect(r.reason).toContain('hash mismatch');
    });

    it('an edit with its hash recomputed breaks the next link (prev-hash mismatch); any field counts', async () => {
      const org = await orgWithChain(t.server.db, 'tamper-rehash', 5);
      type Row = { at: Date; actor_id: string | null; actor_name: string | null; actor_name_en: string | null; action: string };
      type Target = { target_type: string; target_id: string; target_label: string; before: unknown; prev_hash: string };
      const r2 = (
        await t.server.db.query<Row & Target>(
          `select at, actor_id, actor_name, actor_name_en, action, target_type, target_id, target_label, before, prev_hash
             from audit_log where org_id = $1 and seq = 2`,
          [org],
        )
      )[0]!;
      const forged = { n: 2, name: '伪造' };
      const hash = entryHash({
        orgId: org, seq: 2, at: r2.at.toISOString(), actorId: r2.actor_id, actorName: r2.actor_name, actorNameEn: r2.actor_name_en, action: r2.action,
        targetType: r2.target_type, targetId: r2.target_id, targetLabel: r2.target_label, before: r2.before, after: forged, prevHash: r2.prev_hash,
      });
      await t.server.db.query('update audit_log set after = $2::jsonb, hash = $3 where org_id = $1 and seq = 2', [org, JSON.stringify(forged), hash]);
      const r = await verifyChain(t.server.db, org);
      expect(r.firstBad).toBe(3);
      expect(r.reason).toContain('prev-hash mismatch');

      const org2 = await orgWithChain(t.server.db, 'tamper-actor', 5);
      await t.server.db.query(`update audit_log set actor_name = '王五' where org_id = $1 and seq = 3`, [org2]);
      expect(await verifyChain(t.server.db, org2)).toMatchObject({ firstBad: 3 });
    });

    it('deleting an entry is a gap named by the missing seq', async () => {
      const org = await orgWithChain(t.server.db, 'tamper-delete', 6);
      await t.server.db.query('delete from audit_log where org_id = $1 and seq = 3', [org]);
      const r = await verifyChain(t.server.db, org);
      expect(r.firstBad).toBe(3);
      expect(r.reason).toBe('gap in seq: entry 3 is missing (the chain goes from 2 to 4)');
      const first = await orgWithChain(t.server.db, 'tamper-delete-first', 3);
      await t.server.db.query('delete from audit_log where org_id = $1 and seq = 1', [first]);
      expect(await verifyChain(t.server.db, first)).toMatchObject({ firstBad: 1 });
    });

    it('swapping two entries’ seq is found at the lower one', async () => {
      const org = await orgWithChain(t.server.db, 'tamper-swap', 6);
      await t.server.db.transaction(async (tx) => {
        await tx.query('update audit_log set seq = 1000 where org_id = $1 and seq = 2', [org]);
        await tx.query('update audit_log set seq = 2 where org_id = $1 and seq = 5', [org]);
        await tx.query('update audit_log set seq = 5 where org_id = $1 and seq = 1000', [org]);
      });
      const r = await verifyChain(t.server.db, org);
      expect(r.firstBad).toBe(2);
      expect(r.reason).toContain('prev-hash mismatch');
    });

    it('audit:verify over the socket names the first bad entry of the caller’s org', async () => {
      const target = mine[1]!;
      await t.server.db.query(`update audit_log set target_label = 'edited' where org_id = $1 and seq = $2`, [orgId, target]);
      const r = ok(await request(admin, 'audit:verify', {}));
      expect(r.firstBad).toBe(target);
      expect(r.reason).toContain('hash mismatch');
      await t.server.db.query(`update audit_log set target_label = '周报小组' where org_id = $1 and seq = $2`, [orgId, target]);
      expect(ok(await request(admin, 'audit:verify', {})).firstBad).toBeNull();
    });

    it('appendAuditMany writes one chain with appendAudit, tricky JSON included', async () => {
      const org = await orgWithChain(t.server.db, 'bulk', 2);
      const tricky = [
        { q: 'say "hi"', bs: 'C:\\dir\\', nul: 'NULL', braces: '{a,b}', emoji: '👍🏽', zh: '张伟', num: [1e21, 0.1, -0, 2 ** 53] },
        null,
        [[], {}, [null, true, false]],
        'plain string',
        12.5,
      ];
      await t.server.db.transaction((tx) =>
        appendAuditMany(
          tx,
          tricky.map((after, i) => ({ orgId: org, actor: ACTOR_B, action: 'bulk', targetType: 'member' as const, targetId: `m${i}`, targetLabel: `'m${i}"`, before: { i }, after })),
        ),
      );
      await t.server.db.transaction((tx) => appendAudit(tx, { orgId: org, actor: null, action: 'after-bulk', targetType: 'org', targetId: org, targetLabel: 'x' }));
      expect(await verifyChain(t.server.db, org)).toEqual({ entries: 8, firstBad: null, reason: null });
      const rows = await t.server.db.query<{ seq: number; target_id: string; after: unknown }>(
        'select seq::int as seq, target_id, after from audit_log where org_id = $1 and seq between 3 and 7 order by seq',
        [org],
      );
      expect(rows.map((r) => [r.seq, r.target_id])).toEqual([[3, 'm0'], [4, 'm1'], [5, 'm2'], [6, 'm3'], [7, 'm4']]);
      expect(rows[0]!.after).toEqual(JSON.parse(JSON.stringify(tricky[0])));
      expect(rows[1]!.after).toBeNull();
      await expect(t.server.db.transaction((tx) => appendAuditMany(tx, [
        { orgId: org, actor: null, action: 'x', targetType: 'org', targetId: 'a', targetLabel: 'a' },
        { orgId, actor: null, action: 'x', targetType: 'org', targetId: 'b', targetLabel: 'b' },
      ]))).rejects.toThrow('one organization at a time');
    });

    it('verifies long chains page by page', async () => {
      const org = await orgWithChain(t.server.db, 'long-chain', 1);
      // 2,100 more entries written straight through appendAudit in one transaction (fast).
      await t.server.db.transaction(async (tx) => {
        for (let i = 0; i < 2100; i++) {
          await appendAudit(tx, { orgId: org, actor: null, action: 'x', targetType: 'org', targetId: org, targetLabel: `e${i}` });
        }
      });
      expect(await verifyChain(t.server.db, org)).toEqual({ entries: 2101, firstBad: null, reason: null });
      await t.server.db.query('delete from audit_log where org_id = $1 and seq = 1500', [org]);
      expect(await verifyChain(t.server.db, org)).toMatchObject({ firstBad: 1500 });
    }, 60_000);
  });
});

describe.each(backends)('npm run audit:verify on $name', (backend: Backend) => {
  /** A database the CLI can open from another process (PGlite: a data directory). */
  const withDatabase = async (fn: (storage: StorageOptions, env: Record<string, string>) => Promise<void>) => {
    if (backend.name === 'pglite') {
      const dir = await mkdtemp(join(tmpdir(), 'muster-audit-cli-'));
      try {
        const dataDir = join(dir, 'data');
        await fn({ dataDir }, { MUSTER_DATA_DIR: dataDir });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    } else {
      const database = await backend.create();
      try {
        await fn(database.storage, { DATABASE_URL: database.storage.databaseUrl! });
      } finally {
        await database.dispose();
      }
    }
  };

  it('prints one line per org, exits 0 on intact chains and 1 with the first bad seq on a tampered one', async () => {
    await withDatabase(async (storage, env) => {
      let db = await openDatabase(storage);
      try {
        await migrate(db);
        await orgWithChain(db, 'alpha', 4);
        await orgWithChain(db, 'beta', 5);
      } finally {
        await db.close();
      }
      const clean = await runVerify(env);
      expect(clean.stderr).toBe('');
      expect(clean.code).toBe(0);
      expect(clean.stdout).toContain('OK      alpha (Org alpha): 4 entries, chain intact');
      expect(clean.stdout).toContain('OK      beta (Org beta): 5 entries, chain intact');

      db = await openDatabase(storage);
      try {
        await db.query(`update audit_log set after = '{"n": 0}' where seq = 3 and org_id = (select id from orgs where slug = 'beta')`);
      } finally {
        await db.close();
      }
      const broken = await runVerify(env);
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain('OK      alpha');
      expect(broken.stdout).toContain('BROKEN  beta (Org beta): first bad entry seq 3 — hash mismatch');
      expect(broken.stderr).toContain('1 organization(s) with a broken audit chain');
    });
  }, 120_000);
});

describe('npm run audit:verify on a PGlite directory', () => {
  it('a missing data directory is a clear error, exit 1, nothing created', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'muster-audit-cli-'));
    try {
      const r = await runVerify({ MUSTER_DATA_DIR: join(dir, 'nothing-here') });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Audit verification failed: no PGlite data directory at ${join(dir, 'nothing-here')}`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(join(dir, 'nothing-here'))).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
