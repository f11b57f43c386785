import type { AppError, ImportRow, ImportRowError, Result, SocketResponse } from '@shared/contract';
import { splitIntoBatches, toCsv } from '@shared/rules/member-csv';

/**
 * Runs a member import batch by batch (`org:import:batch`, each all-or-nothing) and keeps the
 * account of what landed. Pure apart from the request function it is given, so it is tested with
 * a fake server.
 */

export type BatchResponse = SocketResponse<'org:import:batch'>;
export type BatchRequest = (rows: ImportRow[]) => Promise<Result<BatchResponse>>;

export interface CreatedAccount {
  line: number;
  name: string;
  nameEn: string;
  employeeId: string;
  account: string;
  initialPassword: string;
}

export type BatchOutcome =
  | { state: 'pending' }
  | { state: 'running' }
  | { state: 'imported'; created: number }
  /** The server refused some rows: nothing of this batch was written. */
  | { state: 'rejected'; errors: ImportRowError[] }
  /** The request itself failed (offline, forbidden, …): nothing of this batch was written. */
  | { state: 'failed'; error: AppError }
  /** Not sent: an earlier batch could not reach the server. */
  | { state: 'skipped' };

export interface BatchInfo {
  index: number;
  firstLine: number;
  lastLine: number;
  rows: number;
  outcome: BatchOutcome;
}

export interface ImportProgress {
  batches: BatchInfo[];
  /** Rows in batches that have been answered (landed or not). */
  rowsDone: number;
  rowsTotal: number;
  created: CreatedAccount[];
  finished: boolean;
}

export function planBatches(rows: readonly ImportRow[]): { batches: ImportRow[][]; progress: ImportProgress } {
  const batches = splitIntoBatches(rows);
  return {
    batches,
    progress: {
      batches: batches.map((b, index) => ({
        index,
        firstLine: b[0]!.line,
        lastLine: b[b.length - 1]!.line,
        rows: b.length,
        outcome: { state: 'pending' },
      })),
      rowsDone: 0,
      rowsTotal: rows.length,
      created: [],
      finished: false,
    },
  };
}

/**
 * Sends the batches one after the other, reporting progress after each step. A batch the server
 * refuses does not stop the others (each is independent); losing the server does — the rest are
 * marked skipped rather than fired into the void. `shouldStop` lets the user cancel between batches.
 */
export async function runImport(
  rows: readonly ImportRow[],
  send: BatchRequest,
  onProgress: (p: ImportProgress) => void,
  shouldStop: () => boolean = () => false,
): Promise<ImportProgress> {
  const { batches, progress } = planBatches(rows);
  let p = progress;
  const update = (index: number, outcome: BatchOutcome, extra: Partial<ImportProgress> = {}) => {
    p = { ...p, ...extra, batches: p.batches.map((b) => (b.index === index ? { ...b, outcome } : b)) };
    onProgress(p);
  };
  let stopped = false;
  for (const [index, batch] of batches.entries()) {
    if (stopped || shouldStop()) {
      stopped = true;
      update(index, { state: 'skipped' });
      continue;
    }
    update(index, { state: 'running' });
    const r = await send(batch);
    const rowsDone = p.rowsDone + batch.length;
    if (!r.ok) {
      update(index, { state: 'failed', error: r.error }, { rowsDone });
      // Without the server (or without the right to import) the next batches would fail the same way.
      if (r.error.code === 'unavailable' || r.error.code === 'forbidden' || r.error.code === 'unauthorized' || r.error.code === 'session_ended') {
        stopped = true;
      }
      continue;
    }
    if (!r.value.imported) {
      update(index, { state: 'rejected', errors: r.value.errors }, { rowsDone });
      continue;
    }
    const byLine = new Map(batch.map((row) => [row.line, row]));
    const created: CreatedAccount[] = r.value.members.map((m) => {
      const row = byLine.get(m.line);
      return {
        line: m.line,
        name: row?.name ?? '',
        nameEn: row?.nameEn ?? '',
        employeeId: row?.employeeId ?? '',
        account: m.account,
        initialPassword: m.initialPassword,
      };
    });
    update(index, { state: 'imported', created: r.value.created }, { rowsDone, created: [...p.created, ...created] });
  }
  p = { ...p, finished: true };
  onProgress(p);
  return p;
}

export interface ImportSummary {
  landedBatches: number;
  failedBatches: number;
  skippedBatches: number;
  createdMembers: number;
  /** Lines of the file whose batch did not land (to fix and import again). */
  notImportedLines: number;
}

export function summarize(p: ImportProgress): ImportSummary {
  let landedBatches = 0;
  let failedBatches = 0;
  let skippedBatches = 0;
  let notImportedLines = 0;
  for (const b of p.batches) {
    if (b.outcome.state === 'imported') landedBatches++;
    else if (b.outcome.state === 'skipped' || b.outcome.state === 'pending') {
      skippedBatches++;
      notImportedLines += b.rows;
    } else if (b.outcome.state === 'rejected' || b.outcome.state === 'failed') {
      failedBatches++;
      notImportedLines += b.rows;
    }
  }
  return { landedBatches, failedBatches, skippedBatches, createdMembers: p.created.length, notImportedLines };
}

/** The created accounts as a CSV file (UTF-8 with BOM for Excel; formula cells neutralized by toCsv). */
export function createdAccountsCsv(accounts: readonly CreatedAccount[], headers: readonly string[]): string {
  return toCsv([headers, ...accounts.map((a) => [a.line, a.employeeId, a.name, a.nameEn, a.account, a.initialPassword])]);
}
