import { describe, expect, it } from 'vitest';
import { orgRequests, type ImportRow } from '@shared/contract';
import { IMPORT_BATCH_MAX_ROWS } from '@shared/rules/limits';
import {
  CsvSyntaxError,
  decodeCsvBytes,
  detectCsvEncoding,
  isFormulaLike,
  MEMBER_CSV_COLUMNS,
  memberCsvTemplate,
  neutralizeCell,
  parseCsv,
  parseMemberCsv,
  splitDepartmentPath,
  splitIntoBatches,
  toCsv,
  validateImportRows,
} from '@shared/rules/member-csv';

const HEADER = '工号 Employee ID,姓名 Name,英文名 English name,手机 Mobile,部门 Department,职位 Title,邮箱 Email';
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const hex = (h: string): Uint8Array => Uint8Array.from(h.match(/../g)!.map((b) => parseInt(b, 16)));
const utf16 = (s: string, endian: 'le' | 'be'): Uint8Array => {
  const out = new Uint8Array(2 + s.length * 2);
  out.set(endian === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out[2 + 2 * i] = endian === 'le' ? c & 0xff : c >> 8;
    out[3 + 2 * i] = endian === 'le' ? c >> 8 : c & 0xff;
  }
  return out;
};

const row = (over: Partial<ImportRow> = {}): ImportRow => ({
  line: 2,
  employeeId: 'SR9001',
  name: '张伟',
  nameEn: 'Zhang Wei',
  mobile: '13800138000',
  departmentPath: '研发中心/后端组',
  title: '工程师',
  email: 'zhang.wei@example.com',
  ...over,
});

describe('decodeCsvBytes', () => {
  const text = `${HEADER}\r\nSR9001,张伟,Zhang Wei,13800138000,研发中心/后端组,工程师,zw@example.com\r\n`;

  it('reads UTF-8 without a BOM', () => {
    expect(detectCsvEncoding(utf8(text))).toEqual({ encoding: 'utf-8', bomLength: 0 });
    expect(decodeCsvBytes(utf8(text))).toBe(text);
  });

  it('reads UTF-8 with a BOM (Excel "CSV UTF-8") and drops the BOM', () => {
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(text)]);
    expect(detectCsvEncoding(bytes).encoding).toBe('utf-8');
    expect(decodeCsvBytes(bytes)).toBe(text);
  });

  it('reads UTF-16LE and UTF-16BE with a BOM (Excel "Unicode text")', () => {
    expect(detectCsvEncoding(utf16(text, 'le')).encoding).toBe('utf-16le');
    expect(decodeCsvBytes(utf16(text, 'le'))).toBe(text);
    expect(detectCsvEncoding(utf16(text, 'be')).encoding).toBe('utf-16be');
    expect(decodeCsvBytes(utf16(text, 'be'))).toBe(text);
  });

  it('falls back to GB18030 for what Excel "CSV" writes on Chinese Windows (GBK bytes, invalid UTF-8)', () => {
    // `iconv -f utf-8 -t gb18030` of the text below.
    const gbk = hex(
      'b9a4bac52cd0d5c3fb2cb2bfc3c52ccad6bbfa0d0a5352393030312cd5c5ceb02cd1d0b7a2d6d0d0c42fbaf3b6cbd7e92c31333830303133383030300d0a',
    );
    expect(detectCsvEncoding(gbk).encoding).toBe('gb18030');
    expect(decodeCsvBytes(gbk)).toBe('工号,姓名,部门,手机\r\nSR9001,张伟,研发中心/后端组,13800138000\r\n');
  });

  it('a GBK file parses into rows like the UTF-8 one', () => {
    const gbk = hex(
      'b9a4bac52cd0d5c3fb2cb2bfc3c52ccad6bbfa0d0a5352393030312cd5c5ceb02cd1d0b7a2d6d0d0c42fbaf3b6cbd7e92c31333830303133383030300d0a',
    );
    const parsed = parseMemberCsv(decodeCsvBytes(gbk));
    expect(parsed.ok && parsed.rows).toEqual([
      { line: 2, employeeId: 'SR9001', name: '张伟', nameEn: '', mobile: '13800138000', departmentPath: '研发中心/后端组', title: '', email: '' },
    ]);
  });
});

describe('parseCsv (RFC 4180)', () => {
  it('splits records on CRLF, LF and a lone CR alike', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      expect(parseCsv(`a,b${eol}c,d${eol}`)).toEqual([
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['c', 'd'] },
      ]);
    }
  });

  it('keeps delimiters, doubled quotes and line breaks inside quotes; lines count physical lines', () => {
    const records = parseCsv('name,title\r\n"Wang, Fang","He said ""hi"""\r\n"two\r\nlines",x\nlast,"a\nb"');
    expect(records).toEqual([
      { line: 1, cells: ['name', 'title'] },
      { line: 2, cells: ['Wang, Fang', 'He said "hi"'] },
      { line: 3, cells: ['two\r\nlines', 'x'] },
      { line: 5, cells: ['last', 'a\nb'] },
    ]);
  });

  it('skips empty and trailing empty lines, keeps empty cells', () => {
    expect(parseCsv('a,,c\r\n\r\n\r\nd,e,\r\n\r\n')).toEqual([
      { line: 1, cells: ['a', '', 'c'] },
      { line: 4, cells: ['d', 'e', ''] },
    ]);
  });

  it('is lenient where Excel is: a quote inside an unquoted cell is literal', () => {
    expect(parseCsv('5" screen,x')).toEqual([{ line: 1, cells: ['5" screen', 'x'] }]);
  });

  it('an unterminated quote is a syntax error naming the line it opened on', () => {
    expect(() => parseCsv('a,b\r\nc,"open\r\nmore')).toThrow(CsvSyntaxError);
    try {
      parseCsv('a,b\r\nc,"open\r\nmore');
    } catch (e) {
      expect((e as CsvSyntaxError).line).toBe(2);
    }
  });

  it('sniffs ; and tab delimited files', () => {
    expect(parseCsv('a;b;c\r\n1;2;3')).toEqual([
      { line: 1, cells: ['a', 'b', 'c'] },
      { line: 2, cells: ['1', '2', '3'] },
    ]);
    expect(parseCsv('a\tb\tc, still c\r\n1\t2\t3')).toEqual([
      { line: 1, cells: ['a', 'b', 'c, still c'] },
      { line: 2, cells: ['1', '2', '3'] },
    ]);
  });
});

describe('parseMemberCsv', () => {
  it('maps the template header (and the Chinese-only or English-only variants, any order) to rows', () => {
    const variants = [
      HEADER,
      '工号,姓名,英文名,手机,部门,职位,邮箱',
      'Employee ID,Name,English name,Mobile,Department,Title,Email',
      ' EMPLOYEE ID , name ,english  name,mobile,department,title,email',
    ];
    for (const header of variants) {
      const parsed = parseMemberCsv(`${header}\r\n SR9001 ,张伟,Zhang Wei,13800138000,研发中心/后端组,工程师,zw@example.com\r\n`);
      expect(parsed).toEqual({
        ok: true,
        delimiter: ',',
        errors: [],
        rows: [
          { line: 2, employeeId: 'SR9001', name: '张伟', nameEn: 'Zhang Wei', mobile: '13800138000', departmentPath: '研发中心/后端组', title: '工程师', email: 'zw@example.com' },
        ],
      });
    }
    const reordered = parseMemberCsv('部门,姓名,工号\r\n产品部,王芳,SR9002\r\n');
    expect(reordered.ok && reordered.rows[0]).toMatchObject({ employeeId: 'SR9002', name: '王芳', departmentPath: '产品部', mobile: '' });
  });

  it('reads the template it writes (BOM included) as a file with no rows', () => {
    expect(parseMemberCsv(memberCsvTemplate())).toEqual({ ok: true, rows: [], errors: [], delimiter: ',' });
  });

  it('file-level problems: empty, unknown column, duplicate column, missing required columns, syntax', () => {
    expect(parseMemberCsv('\r\n\r\n')).toMatchObject({ ok: false, problem: { code: 'empty' } });
    expect(parseMemberCsv('工号,姓名,部门,生日\r\n')).toMatchObject({ ok: false, problem: { code: 'unknown_column', column: '生日' } });
    expect(parseMemberCsv('工号,姓名,部门,Name\r\n')).toMatchObject({ ok: false, problem: { code: 'duplicate_column', column: 'Name' } });
    expect(parseMemberCsv('姓名,手机\r\n')).toMatchObject({
      ok: false,
      problem: { code: 'missing_columns', columns: ['工号 Employee ID', '部门 Department'] },
    });
    expect(parseMemberCsv('工号,姓名,部门\r\n"SR1,x,y\r\n')).toMatchObject({ ok: false, problem: { code: 'syntax', line: 2 } });
  });

  it('a row with more cells than columns is a row error, not a row; empty-cell lines are skipped', () => {
    const parsed = parseMemberCsv('工号,姓名,部门,\r\nSR1,王芳,产品部\r\n,,,\r\nSR2,Wang, Fang,产品部\r\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.rows.map((r) => r.employeeId)).toEqual(['SR1']);
    expect(parsed.errors).toEqual([expect.objectContaining({ line: 4, field: 'row', code: 'malformed' })]);
  });
});

describe('validateImportRows', () => {
  it('a good row has no errors (mobile with +86 is a phone, not a formula)', () => {
    expect(validateImportRows([row(), row({ line: 3, employeeId: 'SR9002', mobile: '+86 13900139000', email: '' })])).toEqual([]);
  });

  it('every kind of bad row gets its own error with line, field and code', () => {
    const errors = validateImportRows([
      row({ line: 2, name: '' }),
      row({ line: 3, employeeId: 'A2', mobile: '1380013800' }),
      row({ line: 4, employeeId: 'A3', mobile: '1.38001E+10' }),
      row({ line: 5, employeeId: 'A4', email: 'not-an-email' }),
      row({ line: 6, employeeId: 'A5', departmentPath: '' }),
      row({ line: 7, employeeId: '' }),
      row({ line: 8, employeeId: 'A7', title: 'x'.repeat(65) }),
      row({ line: 9, employeeId: 'A8', name: "=cmd|' /C calc'!A0" }),
      row({ line: 10, employeeId: 'a2' }),
      row({ line: 11, employeeId: 'A 10' }),
      row({ line: 12, employeeId: 'A11', departmentPath: ' / ' }),
      row({ line: 13, employeeId: 'A12', title: '@SUM(1+1)' }),
    ]);
    expect(errors.map(({ line, field, code }) => ({ line, field, code }))).toEqual([
      { line: 2, field: 'name', code: 'missing' },
      { line: 3, field: 'mobile', code: 'malformed' },
      { line: 4, field: 'mobile', code: 'malformed' },
      { line: 5, field: 'email', code: 'malformed' },
      { line: 6, field: 'departmentPath', code: 'missing' },
      { line: 7, field: 'employeeId', code: 'missing' },
      { line: 8, field: 'title', code: 'too_long' },
      { line: 9, field: 'name', code: 'malformed' },
      { line: 10, field: 'employeeId', code: 'duplicate_in_file' },
      { line: 11, field: 'employeeId', code: 'malformed' },
      { line: 12, field: 'departmentPath', code: 'missing' },
      { line: 13, field: 'title', code: 'malformed' },
    ]);
    expect(errors[2]!.message).toContain('scientific notation');
    expect(errors[7]!.message).toContain('formula');
    expect(errors[8]!.message).toContain('also on line 3');
  });
});

describe('formula cells', () => {
  it('recognises what spreadsheets evaluate', () => {
    for (const v of ["=cmd|' /C calc'!A0", '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1', '  =1']) expect(isFormulaLike(v)).toBe(true);
    for (const v of ['张伟', 'a=b', 'x-1', '1+1', '']) expect(isFormulaLike(v)).toBe(false);
  });

  it('toCsv neutralizes them with a leading quote, quotes what needs it, CRLF and a UTF-8 BOM', () => {
    const csv = toCsv([
      ['seq', 'label'],
      [1, "=cmd|' /C calc'!A0"],
      [2, '=HYPERLINK("http://x","a,b")'],
      [3, 'line\nbreak'],
      [4, null],
    ]);
    expect(csv.startsWith('\uFEFF')).toBe(true);
    expect(csv.slice(1)).toBe(
      `seq,label\r\n1,'=cmd|' /C calc'!A0\r\n2,"'=HYPERLINK(""http://x"",""a,b"")"\r\n3,"line\nbreak"\r\n4,\r\n`,
    );
    // And reading it back yields the inert text.
    expect(parseCsv(csv).map((r) => r.cells[1])).toEqual(['label', "'=cmd|' /C calc'!A0", '\'=HYPERLINK("http://x","a,b")', 'line\nbreak', '']);
    expect(neutralizeCell('@x')).toBe("'@x");
    expect(neutralizeCell('ok')).toBe('ok');
  });

  it('the template is one header line with the columns in order, BOM first', () => {
    expect(memberCsvTemplate()).toBe(`\uFEFF${MEMBER_CSV_COLUMNS.map((c) => c.header).join(',')}\r\n`);
    expect(memberCsvTemplate()).toBe(`\uFEFF${HEADER}\r\n`);
  });
});

describe('batches', () => {
  it('10,000 rows parse and split into 50 batches of 200 that the contract accepts; 201 rows do not pass', () => {
    const lines = [HEADER];
    for (let i = 0; i < 10_000; i++) {
      const id = `SR${String(i).padStart(5, '0')}`;
      lines.push(`${id},员工${i},Employee ${i},138${String(i).padStart(8, '0')},研发中心/后端组,工程师,e${i}@example.com`);
    }
    const started = performance.now();
    const parsed = parseMemberCsv(lines.join('\r\n'));
    if (!parsed.ok) throw new Error(parsed.problem.message);
    expect(parsed.rows).toHaveLength(10_000);
    expect(validateImportRows(parsed.rows)).toEqual([]);
    const batches = splitIntoBatches(parsed.rows);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(batches).toHaveLength(50);
    expect(batches.every((b) => b.length === IMPORT_BATCH_MAX_ROWS)).toBe(true);
    expect(batches[49]!.at(-1)!.line).toBe(10_001);
    const schema = orgRequests['org:import:batch'].request;
    expect(batches.every((b) => schema.safeParse({ rows: b }).success)).toBe(true);
    const tooMany = schema.safeParse({ rows: parsed.rows.slice(0, 201) });
    expect(tooMany.success).toBe(false);
    expect(tooMany.error?.issues[0]?.message).toBe('at most 200 rows a batch');
  });

  it('also cuts a batch before it outgrows a socket frame', () => {
    const big = Array.from({ length: 200 }, (_, i) => row({ line: i + 2, employeeId: `E${i}`, title: '很'.repeat(64), departmentPath: '部'.repeat(300) }));
    const batches = splitIntoBatches(big);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.flat()).toEqual(big);
    for (const b of batches) expect(new TextEncoder().encode(JSON.stringify({ rows: b })).length).toBeLessThan(48 * 1024 + 100);
  });
});

describe('department paths', () => {
  it('split on / or ／ with spaces trimmed', () => {
    expect(splitDepartmentPath(' 研发中心 / 平台部 ')).toEqual(['研发中心', '平台部']);
    expect(splitDepartmentPath('R&D Center／Backend/')).toEqual(['R&D Center', 'Backend']);
  });
});
