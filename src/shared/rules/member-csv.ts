/**
 * Member import from CSV (issue 5 point 6): the template, decoding what Excel writes, an RFC 4180
 * parser, mapping to `ImportRow`s, row validation, batching, and the CSV writer every export uses.
 * Pure: runs in the renderer (preview before upload) and on the server, which validates every row
 * again (`validateImportRows`) — the client's parse is never trusted.
 *
 * Formula-looking cells (`=`, `+`, `-`, `@`, tab, CR at the start — e.g. `=cmd|' /C calc'!A0`):
 * - on **import** they are refused (a `malformed` row error), never stored, so no other tool that
 *   reads the database can be tricked by them later; a mobile written `+86…` is a phone number,
 *   not a formula, and is accepted;
 * - on every **export** (`toCsv`) any such cell is prefixed with `'`, so Excel shows it as text and
 *   never evaluates it (OWASP "CSV injection").
 */
import { Email, Mobile, type ImportRow, type ImportRowError } from '../contract/org';
import { DEPARTMENT_NAME_MAX_CHARS, EMPLOYEE_ID_MAX_CHARS, IMPORT_BATCH_MAX_ROWS, MEMBER_NAME_MAX_CHARS, TITLE_MAX_CHARS } from './limits';

export type ImportField = Exclude<ImportRowError['field'], 'row'>;

/** The columns, in template order. `header` is what the template writes; `aliases` what the parser also accepts. */
export const MEMBER_CSV_COLUMNS: readonly { field: ImportField; header: string; required: boolean; aliases: readonly string[] }[] = [
  {
    field: 'employeeId',
    header: '工号 Employee ID',
    required: true,
    aliases: ['工号', '员工编号', 'employee id', 'employee no', 'employee number', 'employeeid', 'employee_id'],
  },
  { field: 'name', header: '姓名 Name', required: true, aliases: ['姓名', '名字', 'name', 'full name'] },
  { field: 'nameEn', header: '英文名 English name', required: false, aliases: ['英文名', 'english name', 'name (english)', 'nameen', 'name_en'] },
  {
    field: 'mobile',
    header: '手机 Mobile',
    required: false,
    aliases: ['手机', '手机号', '手机号码', 'mobile', 'mobile phone', 'phone', 'cell phone'],
  },
  { field: 'departmentPath', header: '部门 Department', required: true, aliases: ['部门', '部门路径', 'department', 'department path', 'dept'] },
  { field: 'title', header: '职位 Title', required: false, aliases: ['职位', '职务', 'title', 'job title', 'position'] },
  { field: 'email', header: '邮箱 Email', required: false, aliases: ['邮箱', '电子邮箱', '电子邮件', 'email', 'e-mail', 'email address'] },
];

/** Department paths start below the root: `研发中心/平台部` (a full-width ／ is accepted too). */
export const DEPARTMENT_PATH_SEPARATOR = '/';
export const splitDepartmentPath = (path: string): string[] =>
  path
    .split(/[/／]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

/**
 * A socket.io frame is at most 64 KiB on the server (realtime SOCKET_MAX_FRAME_BYTES): batches are
 * also cut by their JSON size, leaving room for the envelope. Typical rows (~200 bytes) still make
 * full 200-row batches.
 */
export const IMPORT_BATCH_MAX_JSON_BYTES = 48 * 1024;

const UTF8_BOM = '\uFEFF';

// ------------------------------------------------------------------ formula cells

/** True for a cell a spreadsheet would run as a formula (leading whitespace does not hide it). */
export const isFormulaLike = (value: string): boolean => /^[\t\r\n]/.test(value) || /^\s*[=+\-@]/.test(value);

/** Makes a cell inert for Excel / LibreOffice / Numbers: a leading `'` turns it into text. */
export const neutralizeCell = (value: string): string => (isFormulaLike(value) ? `'${value}` : value);

// ------------------------------------------------------------------ writer

export type CsvCell = string | number | boolean | null | undefined;

const quoteCell = (cell: CsvCell): string => {
  const text = neutralizeCell(cell === null || cell === undefined ? '' : String(cell));
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * CSV text Excel opens correctly: UTF-8 with a BOM (without it Excel on Chinese Windows reads
 * GBK and garbles Chinese), CRLF line ends, quotes where needed, every formula-looking cell
 * neutralized.
 */
export const toCsv = (rows: readonly (readonly CsvCell[])[], opts: { bom?: boolean } = {}): string =>
  (opts.bom === false ? '' : UTF8_BOM) + rows.map((r) => r.map(quoteCell).join(',') + '\r\n').join('');

/** The import template: the header row only (bilingual, so either language's users recognise it). */
const TEMPLATE_HEADERS = MEMBER_CSV_COLUMNS.map((c) => c.header);
export const memberCsvTemplate = (): string => toCsv([TEMPLATE_HEADERS]);
export const MEMBER_CSV_TEMPLATE_FILE_NAME = 'muster-members-template.csv';

// ------------------------------------------------------------------ decoding

export type CsvEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

interface TextDecoderLike {
  decode(input: Uint8Array): string;
}
type TextDecoderCtor = new (label: string, options?: { fatal?: boolean; ignoreBOM?: boolean }) => TextDecoderLike;
// src/shared has no DOM or Node typings; TextDecoder exists in both browsers and Node ≥ 20 (with full ICU for gb18030).
const Decoder = (globalThis as unknown as { TextDecoder: TextDecoderCtor }).TextDecoder;

/** What a file's bytes are: a BOM decides; else valid UTF-8; else GB18030 (Excel "CSV" on Chinese Windows writes GBK, a subset). */
export const detectCsvEncoding = (bytes: Uint8Array): { encoding: CsvEncoding; bomLength: number } => {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', bomLength: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', bomLength: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', bomLength: 2 };
  try {
    new Decoder('utf-8', { fatal: true }).decode(bytes);
    return { encoding: 'utf-8', bomLength: 0 };
  } catch {
    // Invalid UTF-8. (A few very short GBK strings happen to be valid UTF-8 — the known "联通" case;
    // files with a header row in Chinese practically never are.)
    return { encoding: 'gb18030', bomLength: 0 };
  }
};

/** The file's text, without a BOM. */
export const decodeCsvBytes = (bytes: Uint8Array): string => {
  const { encoding, bomLength } = detectCsvEncoding(bytes);
  return new Decoder(encoding, { ignoreBOM: true }).decode(bytes.subarray(bomLength));
};

// ------------------------------------------------------------------ RFC 4180 parser

export interface CsvRecord {
  /** 1-based line of the file where the record starts (a quoted cell may span lines). */
  line: number;
  cells: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'CsvSyntaxError';
  }
}

/**
 * The delimiter of the header line: `,` (CSV), `;` (Excel in locales with a decimal comma) or tab
 * (Excel's "Unicode text", UTF-16LE) — whichever occurs most outside quotes.
 */
export const sniffDelimiter = (text: string): ',' | ';' | '\t' => {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && (ch === ',' || ch === ';' || ch === '\t')) counts[ch]++;
  }
  return counts[';'] > counts[','] && counts[';'] >= counts['\t'] ? ';' : counts['\t'] > counts[','] ? '\t' : ',';
};

/**
 * RFC 4180: fields separated by the delimiter, records by CRLF, LF or a lone CR; a quoted field may
 * hold delimiters, line breaks and doubled quotes. Lenient where Excel is: a quote inside an
 * unquoted field is literal, text after a closing quote is kept. Empty lines are skipped (Excel
 * leaves trailing ones). An unterminated quote is a `CsvSyntaxError` naming the line it opened on.
 */
export const parseCsv = (text: string, delimiter: string = sniffDelimiter(text)): CsvRecord[] => {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let recordLine = 1;
  let i = text.startsWith(UTF8_BOM) ? 1 : 0;
  const n = text.length;
  const endRecord = () => {
    cells.push(cell);
    if (cells.length > 1 || cells[0] !== '') records.push({ line: recordLine, cells });
    cells = [];
    cell = '';
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '"' && cell === '') {
      // A quoted field (or the quoted start of one).
      const openedOn = line;
      i++;
      for (;;) {
        if (i >= n) throw new CsvSyntaxError(`a quoted cell opened on line ${openedOn} is never closed`, openedOn);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\r') {
          line++;
          if (text[i + 1] === '\n') {
            cell += '\r\n';
            i += 2;
            continue;
          }
        } else if (c === '\n') line++;
        cell += c;
        i++;
      }
      // Anything after the closing quote up to the delimiter is kept as is (Excel does the same).
      continue;
    }
    if (ch === delimiter) {
      cells.push(cell);
      cell = '';
      i++;
    } else if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
    } else {
      cell += ch;
      i++;
    }
  }
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
};

// ------------------------------------------------------------------ file -> rows

export type MemberCsvProblem =
  | { code: 'empty'; message: string }
  | { code: 'syntax'; line: number; message: string }
  | { code: 'missing_columns'; columns: string[]; message: string }
  | { code: 'unknown_column'; column: string; message: string }
  | { code: 'duplicate_column'; column: string; message: string };

export type MemberCsvParse =
  | {
      ok: true;
      rows: ImportRow[];
      /** Rows that could not be read as a member (a value under no header column). Not in `rows`. */
      errors: ImportRowError[];
      delimiter: ',' | ';' | '\t';
    }
  | { ok: false; problem: MemberCsvProblem };

const headerKey = (h: string): string => h.replace(UTF8_BOM, '').trim().replace(/\s+/g, ' ').toLowerCase();

const HEADER_INDEX: ReadonlyMap<string, ImportField> = new Map(
  MEMBER_CSV_COLUMNS.flatMap((c) => [c.header, ...c.aliases].map((h) => [headerKey(h), c.field] as const)),
);

/** Which field a header cell names: the template's bilingual header, or its Chinese or English part alone. */
export const fieldOfHeader = (header: string): ImportField | undefined => HEADER_INDEX.get(headerKey(header));

/** Parses a decoded CSV file into import rows (values trimmed; empty lines skipped). */
export const parseMemberCsv = (text: string): MemberCsvParse => {
  const delimiter = sniffDelimiter(text.startsWith(UTF8_BOM) ? text.slice(1) : text);
  let records: CsvRecord[];
  try {
    records = parseCsv(text, delimiter);
  } catch (e) {
    if (e instanceof CsvSyntaxError) return { ok: false, problem: { code: 'syntax', line: e.line, message: e.message } };
    throw e;
  }
  const [header, ...body] = records;
  if (!header) {
    const message = 'The file is empty: start from the template, one member a line below the header.';
    return { ok: false, problem: { code: 'empty', message } };
  }

  const columns: (ImportField | null)[] = [];
  for (const raw of header.cells) {
    if (raw.trim() === '') {
      columns.push(null); // Excel writes trailing empty header cells for formatted columns
      continue;
    }
    const field = fieldOfHeader(raw);
    if (!field) {
      return {
        ok: false,
        problem: {
          code: 'unknown_column',
          column: raw.trim(),
          message: `Unknown column "${raw.trim()}" in the header: use the template's columns (${TEMPLATE_HEADERS.join(', ')})`,
        },
      };
    }
    if (columns.includes(field)) {
      const message = `The column "${raw.trim()}" appears twice in the header`;
      return { ok: false, problem: { code: 'duplicate_column', column: raw.trim(), message } };
    }
    columns.push(field);
  }
  const missing = MEMBER_CSV_COLUMNS.filter((c) => c.required && !columns.includes(c.field)).map((c) => c.header);
  if (missing.length > 0) {
    const message = `The header lacks required column(s): ${missing.join(', ')}`;
    return { ok: false, problem: { code: 'missing_columns', columns: missing, message } };
  }

  const rows: ImportRow[] = [];
  const errors: ImportRowError[] = [];
  for (const rec of body) {
    if (rec.cells.every((c) => c.trim() === '')) continue; // a line of empty cells (",,,,,,")
    // A value under no header (past the last column, or under an empty header cell) would be lost.
    const stray = rec.cells.some((c, idx) => !columns[idx] && c.trim() !== '');
    if (stray) {
      errors.push({
        line: rec.line,
        field: 'row',
        code: 'malformed',
        message: `line ${rec.line} has a value under no column of the header (a comma inside a value needs quotes: "Wang, Fang")`,
      });
      continue;
    }
    const row: ImportRow = { line: rec.line, employeeId: '', name: '', nameEn: '', mobile: '', departmentPath: '', title: '', email: '' };
    columns.forEach((field, idx) => {
      if (field) row[field] = (rec.cells[idx] ?? '').trim();
    });
    rows.push(row);
  }
  return { ok: true, rows, errors, delimiter };
};

// ------------------------------------------------------------------ validation

/** The most characters a cell of each field may hold (server-side schema limits). */
export const IMPORT_FIELD_MAX_CHARS: Readonly<Record<ImportField, number>> = {
  employeeId: EMPLOYEE_ID_MAX_CHARS,
  name: MEMBER_NAME_MAX_CHARS,
  nameEn: MEMBER_NAME_MAX_CHARS,
  mobile: 20,
  // A path of a few levels of department names.
  departmentPath: 8 * (DEPARTMENT_NAME_MAX_CHARS + 1),
  title: TITLE_MAX_CHARS,
  email: 254,
};

const FIELD_LABEL: Readonly<Record<ImportField, string>> = {
  employeeId: 'employee id',
  name: 'name',
  nameEn: 'English name',
  mobile: 'mobile',
  departmentPath: 'department',
  title: 'title',
  email: 'email',
};

const EMPLOYEE_ID = /^[A-Za-z0-9._-]+$/;

/** Employee ids become (lower-case) accounts: two ids differing only in case are the same person. */
export const employeeIdKey = (employeeId: string): string => employeeId.trim().toLowerCase();

const rowError = (line: number, field: ImportRowError['field'], code: ImportRowError['code'], message: string): ImportRowError => ({
  line,
  field,
  code,
  message,
});

/**
 * Checks that need nothing but the rows themselves: required cells, lengths, formats, formula
 * cells, and employee ids repeated in the file. At most one error per cell, in row order. The
 * server adds what needs the database (employee id already in the org, unknown department).
 */
export const validateImportRows = (rows: readonly ImportRow[]): ImportRowError[] => {
  const errors: ImportRowError[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const fieldError = (field: ImportField): ImportRowError | null => {
      const value = row[field].trim();
      const label = FIELD_LABEL[field];
      const required = field === 'employeeId' || field === 'name' || field === 'departmentPath';
      if (value === '') return required ? rowError(row.line, field, 'missing', `line ${row.line}: the ${label} is missing`) : null;
      const max = IMPORT_FIELD_MAX_CHARS[field];
      if ([...value].length > max) {
        return rowError(row.line, field, 'too_long', `line ${row.line}: the ${label} is longer than ${max} characters`);
      }
      if (field === 'mobile') {
        if (Mobile.safeParse(value).success) return null;
        const hint = /^\d(\.\d+)?e\+?\d+$/i.test(value)
          ? ' — Excel turned the number into scientific notation; format the column as Text and type it again'
          : ': 11 digits starting 13–19, or + country code and number';
        return rowError(row.line, field, 'malformed', `line ${row.line}: the mobile "${value}" is not a phone number${hint}`);
      }
      if (isFormulaLike(value)) {
        return rowError(
          row.line,
          field,
          'malformed',
          `line ${row.line}: the ${label} starts with "${value[0] ?? ''}" and would run as a spreadsheet formula; remove that character`,
        );
      }
      if (field === 'employeeId' && !EMPLOYEE_ID.test(value)) {
        return rowError(row.line, field, 'malformed', `line ${row.line}: the employee id "${value}" may hold only letters, digits, . _ -`);
      }
      if (field === 'email' && !Email.safeParse(value).success) {
        return rowError(row.line, field, 'malformed', `line ${row.line}: "${value}" is not an email address`);
      }
      if (field === 'departmentPath') {
        const parts = splitDepartmentPath(value);
        if (parts.length === 0) return rowError(row.line, field, 'missing', `line ${row.line}: the department is missing`);
        const long = parts.find((p) => [...p].length > DEPARTMENT_NAME_MAX_CHARS);
        if (long) {
          const message = `line ${row.line}: the department name "${long.slice(0, 20)}…" is over ${DEPARTMENT_NAME_MAX_CHARS} characters`;
          return rowError(row.line, field, 'too_long', message);
        }
      }
      return null;
    };
    for (const c of MEMBER_CSV_COLUMNS) {
      const e = fieldError(c.field);
      if (e) errors.push(e);
    }
    const id = row.employeeId.trim();
    if (id !== '') {
      const key = employeeIdKey(id);
      const first = firstLineOf.get(key);
      if (first === undefined) firstLineOf.set(key, row.line);
      else {
        const message = `line ${row.line}: the employee id ${id} is also on line ${first}`;
        errors.push(rowError(row.line, 'employeeId', 'duplicate_in_file', message));
      }
    }
  }
  return errors;
};

// ------------------------------------------------------------------ batches

const utf8Length = (s: string): number => {
  let bytes = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4; // a surrogate pair: one 4-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
};

/**
 * Splits rows into the all-or-nothing batches `org:import:batch` takes: at most `maxRows` rows
 * (IMPORT_BATCH_MAX_ROWS) and at most `maxBytes` of JSON each, in file order.
 */
export const splitIntoBatches = <R extends ImportRow>(
  rows: readonly R[],
  maxRows: number = IMPORT_BATCH_MAX_ROWS,
  maxBytes: number = IMPORT_BATCH_MAX_JSON_BYTES,
): R[][] => {
  const batches: R[][] = [];
  let current: R[] = [];
  let bytes = 2; // {"rows":[ … ]} framing is small and fixed; "[]" counted here
  for (const row of rows) {
    const size = utf8Length(JSON.stringify(row)) + 1;
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      batches.push(current);
      current = [];
      bytes = 2;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};
