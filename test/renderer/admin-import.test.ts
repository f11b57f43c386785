import { describe, expect, it } from 'vitest';
import { err, ok, type ImportRow, type ImportRowError, type Result } from '@shared/contract';
import { IMPORT_BATCH_MAX_ROWS } from '@shared/rules/limits';
import { createdAccountsCsv, runImport, summarize, type BatchResponse, type ImportProgress } from '../../src/renderer/features/admin/import-run';
import { adminErrorText, importRowErrorText } from '../../src/renderer/features/admin/errors';
import { translator } from '../../src/renderer/i18n';

const row = (line: number, patch: Partial<ImportRow> = {}): ImportRow => ({
  line,
  employeeId: `E${line}`,
  name: `成员${line}`,
  nameEn: '',
  mobile: '13800000000',
  departmentPath: '研发中心',
  title: '',
  email: '',
  ...patch,
});
const rows = (n: number) => Array.from({ length: n }, (_, i) => row(i + 2));

/** A fake `org:import:batch`: answers by batch number. */
function fakeServer(answer: (batch: ImportRow[], n: number) => Result<BatchResponse>) {
  const seen: ImportRow[][] = [];
  return {
    seen,
    send: async (batch: ImportRow[]) => {
      seen.push(batch);
      return answer(batch, seen.length);
    },
  };
}
const imported = (batch: ImportRow[]): Result<BatchResponse> =>
  ok({
    imported: true,
    created: batch.length,
    members: batch.map((r) => ({ line: r.line, id: crypto.randomUUID(), account: r.employeeId.toLowerCase(), initialPassword: `pw-${r.line}` })),
  });

describe('member import, batch by batch', () => {
  it('splits 450 rows into batches of at most 200, in file order, and reports progress after each', async () => {
    const server = fakeServer(imported);
    const progress: ImportProgress[] = [];
    const final = await runImport(rows(450), server.send, (p) => progress.push(p));
    expect(server.seen.map((b) => b.length)).toEqual([IMPORT_BATCH_MAX_ROWS, IMPORT_BATCH_MAX_ROWS, 50]);
    expect(server.seen.flat().map((r) => r.line)).toEqual(rows(450).map((r) => r.line));
    expect(final.batches.map((b) => [b.firstLine, b.lastLine])).toEqual([
      [2, 201],
      [202, 401],
      [402, 451],
    ]);
    // progress only grows, and the bar reaches the total exactly at the end
    const done = progress.map((p) => p.rowsDone);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(final).toMatchObject({ rowsDone: 450, rowsTotal: 450, finished: true });
    expect(final.created).toHaveLength(450);
    expect(final.created[0]).toMatchObject({ line: 2, employeeId: 'E2', name: '成员2', account: 'e2', initialPassword: 'pw-2' });
    expect(summarize(final)).toEqual({ landedBatches: 3, failedBatches: 0, skippedBatches: 0, createdMembers: 450, notImportedLines: 0 });
  });

  it('a refused batch lands nothing but does not stop the others; the summary says which did not land', async () => {
    const rowErrors: ImportRowError[] = [{ line: 250, field: 'departmentPath', code: 'unknown_department', message: 'no such department' }];
    const server = fakeServer((batch, n) => (n === 2 ? ok({ imported: false, errors: rowErrors }) : imported(batch)));
    const final = await runImport(rows(450), server.send, () => undefined);
    expect(server.seen).toHaveLength(3);
    expect(final.batches.map((b) => b.outcome.state)).toEqual(['imported', 'rejected', 'imported']);
    expect(final.batches[1]!.outcome).toEqual({ state: 'rejected', errors: rowErrors });
    expect(final.created.map((c) => c.line)).not.toContain(250);
    expect(summarize(final)).toEqual({ landedBatches: 2, failedBatches: 1, skippedBatches: 0, createdMembers: 250, notImportedLines: 200 });
  });

  it('losing the server stops the import: the rest is marked "not sent", never fired into the void', async () => {
    const server = fakeServer((batch, n) => (n === 2 ? err('unavailable', 'gone', { reason: 'disconnected' }) : imported(batch)));
    const final = await runImport(rows(450), server.send, () => undefined);
    expect(server.seen).toHaveLength(2);
    expect(final.batches.map((b) => b.outcome.state)).toEqual(['imported', 'failed', 'skipped']);
    expect(summarize(final)).toMatchObject({ landedBatches: 1, failedBatches: 1, skippedBatches: 1, notImportedLines: 250 });
  });

  it('a refusal of the right to import stops at once, and a user stop is honoured between batches', async () => {
    const forbidden = fakeServer(() => err('forbidden', 'no', { permission: 'org.member.import' }));
    const f = await runImport(rows(450), forbidden.send, () => undefined);
    expect(forbidden.seen).toHaveLength(1);
    expect(f.batches.map((b) => b.outcome.state)).toEqual(['failed', 'skipped', 'skipped']);

    let stop = false;
    const server = fakeServer((batch) => {
      stop = true; // the user presses "stop" while the first batch is running
      return imported(batch);
    });
    const s = await runImport(rows(450), server.send, () => undefined, () => stop);
    expect(server.seen).toHaveLength(1);
    expect(s.batches.map((b) => b.outcome.state)).toEqual(['imported', 'skipped', 'skipped']);
  });

  it('the created accounts download opens in Excel as text: BOM, CRLF, formula-looking cells neutralized', () => {
    const csv = createdAccountsCsv(
      [{ line: 2, employeeId: 'E2', name: '=cmd|\'/C calc\'!A0', nameEn: 'Li, Na', account: 'e2', initialPassword: '+pw' }],
      ['Line', 'Employee ID', 'Name', 'English name', 'Account', 'Password'],
    );
    expect(csv.startsWith('\uFEFF')).toBe(true);
    const [header, line] = csv.slice(1).split('\r\n');
    expect(header).toBe('Line,Employee ID,Name,English name,Account,Password');
    expect(line).toBe(`2,E2,'=cmd|'/C calc'!A0,"Li, Na",e2,'+pw`);
  });
});

describe('admin error texts', () => {
  const en = translator('en');
  const zh = translator('zh-CN');

  it('every import row error reads as a sentence in both languages, never as its code', () => {
    const codes: ImportRowError['code'][] = ['missing', 'malformed', 'duplicate_in_file', 'duplicate_in_org', 'unknown_department', 'too_long'];
    const fields: ImportRowError['field'][] = ['employeeId', 'name', 'nameEn', 'mobile', 'departmentPath', 'title', 'email', 'row'];
    for (const code of codes) {
      for (const field of fields) {
        for (const tr of [en, zh]) {
          const text = importRowErrorText(tr, { code, field });
          // no key, no placeholder, no snake_case code (plain English words like "missing" are fine)
          expect(text).not.toMatch(/admin\.|\{|[a-z]+_[a-z]+/);
          if (tr === zh) expect(text).not.toMatch(/missing|malformed|duplicate|unknown|too/);
        }
      }
    }
    expect(importRowErrorText(en, { code: 'malformed', field: 'mobile' })).toMatch(/^Mobile isn’t valid\. An 11-digit/);
    expect(importRowErrorText(zh, { code: 'duplicate_in_org', field: 'employeeId' })).toBe('工号已被企业内其他成员使用。');
  });

  it('the server’s refusals of chart edits say what to do, in the reader’s language', () => {
    const subtree = { code: 'conflict' as const, details: { reason: 'into_own_subtree', field: 'parentId' } };
    expect(adminErrorText(en, subtree)).toMatch(/can’t move into itself or one of its own sub-departments/);
    expect(adminErrorText(zh, subtree)).toMatch(/不能移动到自身或其下级部门/);
    expect(adminErrorText(en, { code: 'conflict', details: { reason: 'last_super_admin' } })).toMatch(/at least one super admin/);
  });

  it('a duplicate or invalid field is named; a missing permission is named; anything else falls back to the code’s text', () => {
    expect(adminErrorText(en, { code: 'conflict', details: { reason: 'duplicate', field: 'employeeId' } })).toBe(
      'Employee ID: this value is already used by someone in the organization.',
    );
    expect(adminErrorText(zh, { code: 'conflict', details: { reason: 'duplicate', field: 'account' } })).toBe('账号：该值已被组织内其他人使用。');
    expect(adminErrorText(en, { code: 'bad_request', details: { issues: [{ path: ['fields', 'mobile'], message: 'x' }] } })).toMatch(/^Mobile isn’t valid\./);
    expect(adminErrorText(en, { code: 'forbidden', details: { permission: 'org.member.manage' } })).toBe('You don’t have permission to manage members.');
    expect(adminErrorText(en, { code: 'conflict', details: { reason: 'something_new' } })).toBe(en.te({ code: 'conflict' }));
  });
});
