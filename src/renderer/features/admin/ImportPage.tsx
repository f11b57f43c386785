import { useMemo, useRef, useState, type DragEvent } from 'react';
import type { ImportRow, ImportRowError } from '@shared/contract';
import { IMPORT_BATCH_MAX_ROWS, IMPORT_FILE_MAX_BYTES } from '@shared/rules/limits';
import {
  MEMBER_CSV_COLUMNS,
  MEMBER_CSV_TEMPLATE_FILE_NAME,
  decodeCsvBytes,
  detectCsvEncoding,
  memberCsvTemplate,
  parseMemberCsv,
  splitIntoBatches,
  validateImportRows,
  type CsvEncoding,
  type MemberCsvProblem,
} from '@shared/rules/member-csv';
import { useT, type MessageKey } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { useSignedIn } from '../../app/services';
import type { AdminChart } from './useAdminChart';
import { createdAccountsCsv, planBatches, runImport, summarize, type ImportProgress } from './import-run';
import { adminErrorText, importRowErrorText } from './errors';
import { CopyButton, downloadText, ErrorNote, type Msg } from './ui';

interface Loaded {
  fileName: string;
  encoding: CsvEncoding;
  rows: ImportRow[];
  /** Problems found here, before anything is sent (the server checks everything again). */
  problems: ImportRowError[];
}

type Stage =
  | { kind: 'pick'; fileProblem: Msg | null }
  | { kind: 'reading' }
  | { kind: 'preview'; loaded: Loaded }
  | { kind: 'importing' | 'done'; loaded: Loaded; progress: ImportProgress };

/** Rows of the preview table shown at once. */
const PREVIEW_ROWS = 100;

/**
 * CSV member import (issue 5 point 6): template, pick or drop a file, decode (UTF-8 ± BOM,
 * GB18030/GBK), preview with the problems found here, then batch by batch with progress, per-row
 * errors, which batches landed, and the created accounts with their one-time passwords.
 */
export function ImportPage({ chart }: { chart: AdminChart }) {
  const tr = useT();
  const { t, te } = tr;
  const { engine } = useSignedIn();
  const [stage, setStage] = useState<Stage>({ kind: 'pick', fileProblem: null });
  const [dragging, setDragging] = useState(false);
  const stopRef = useRef(false);
  const inputRef = useRef<HTMLInputElement>(null);

  const problemText = (p: MemberCsvProblem): Msg => (x) => {
    const t = x.t;
    switch (p.code) {
      case 'empty':
        return t('admin.import.problem.empty');
      case 'syntax':
        return t('admin.import.problem.syntax', { line: p.line });
      case 'missing_columns':
        return t('admin.import.problem.missingColumns', { columns: p.columns.join(', ') });
      case 'unknown_column':
        return t('admin.import.problem.unknownColumn', { column: p.column });
      case 'duplicate_column':
        return t('admin.import.problem.duplicateColumn', { column: p.column });
    }
  };

  const load = async (file: File) => {
    if (file.size > IMPORT_FILE_MAX_BYTES) {
      return setStage({ kind: 'pick', fileProblem: (x) => x.t('admin.import.problem.tooBig', { max: Math.round(IMPORT_FILE_MAX_BYTES / 1024 / 1024) }) });
    }
    setStage({ kind: 'reading' });
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await file.arrayBuffer());
    } catch {
      return setStage({ kind: 'pick', fileProblem: (x) => x.t('admin.import.problem.unreadable') });
    }
    const encoding = detectCsvEncoding(bytes).encoding;
    let parsed;
    try {
      parsed = parseMemberCsv(decodeCsvBytes(bytes));
    } catch {
      return setStage({ kind: 'pick', fileProblem: (x) => x.t('admin.import.problem.unreadable') });
    }
    if (!parsed.ok) return setStage({ kind: 'pick', fileProblem: problemText(parsed.problem) });
    if (parsed.rows.length === 0 && parsed.errors.length === 0) return setStage({ kind: 'pick', fileProblem: (x) => x.t('admin.import.problem.noRows') });
    const problems = [...parsed.errors, ...validateImportRows(parsed.rows)].sort((a, b) => a.line - b.line);
    setStage({ kind: 'preview', loaded: { fileName: file.name, encoding, rows: parsed.rows, problems } });
  };

  const start = async (loaded: Loaded) => {
    stopRef.current = false;
    setStage({ kind: 'importing', loaded, progress: planBatches(loaded.rows).progress });
    const final = await runImport(
      loaded.rows,
      (rows) => engine.request('org:import:batch', { rows }),
      (progress) => setStage({ kind: 'importing', loaded, progress }),
      () => stopRef.current,
    );
    setStage({ kind: 'done', loaded, progress: final });
    if (final.created.length > 0) void chart.refresh();
  };

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setDragging(false);
    const file = e.dataTransfer.files[0];
    if (file) void load(file);
  };

  const reset = () => {
    setStage({ kind: 'pick', fileProblem: null });
    if (inputRef.current) inputRef.current.value = '';
  };

  return (
    <div className="admin-import">
      <div className="admin-page-head">
        <h2 className="admin-heading">{t('admin.import.title')}</h2>
        <button type="button" className="button" data-testid="admin-import-template" onClick={() => downloadText(MEMBER_CSV_TEMPLATE_FILE_NAME, memberCsvTemplate())}>
          {t('admin.import.template')}
        </button>
      </div>
      {stage.kind === 'pick' || stage.kind === 'reading' ? (
        <>
          <ol className="admin-steps">
            <li>{t('admin.import.step1')}</li>
            <li>{t('admin.import.step2', { max: IMPORT_BATCH_MAX_ROWS })}</li>
            <li>{t('admin.import.step3')}</li>
          </ol>
          <p className="muted admin-hint">
            {t('admin.import.columns')} {MEMBER_CSV_COLUMNS.map((c) => `${c.header}${c.required ? ' *' : ''}`).join(' · ')}
          </p>
          <label
            className={`admin-drop${dragging ? ' is-dragging' : ''}`}
            data-testid="admin-import-drop"
            onDragOver={(e) => {
              e.preventDefault();
              setDragging(true);
            }}
            onDragLeave={() => setDragging(false)}
            onDrop={onDrop}
          >
            <input
              ref={inputRef}
              type="file"
              accept=".csv,.txt,text/csv"
              className="visually-hidden"
              data-testid="admin-import-file"
              onChange={(e) => {
                const file = e.target.files?.[0];
                if (file) void load(file);
              }}
            />
            {stage.kind === 'reading' ? (
              <span role="status">
                <Spinner /> {t('admin.import.reading')}
              </span>
            ) : (
              <>
                <span className="admin-drop-title">{t('admin.import.drop')}</span>
                <span className="muted">{t('admin.import.encodings')}</span>
              </>
            )}
          </label>
          <ErrorNote text={stage.kind === 'pick' ? (stage.fileProblem?.(tr) ?? null) : null} testId="admin-import-file-problem" />
        </>
      ) : null}
      {stage.kind === 'preview' ? <Preview loaded={stage.loaded} onCancel={reset} onImport={() => void start(stage.loaded)} /> : null}
      {stage.kind === 'importing' || stage.kind === 'done' ? (
        <Progress
          loaded={stage.loaded}
          progress={stage.progress}
          running={stage.kind === 'importing'}
          onStop={() => {
            stopRef.current = true;
          }}
          onAgain={reset}
          errorText={(e) => adminErrorText({ t, te }, e)}
        />
      ) : null}
    </div>
  );
}

function RowErrors({ errors, testId }: { errors: readonly ImportRowError[]; testId: string }) {
  const { t } = useT();
  return (
    <ul className="admin-row-errors" data-testid={testId}>
      {errors.map((e, i) => (
        <li key={`${e.line}-${e.field}-${i}`} data-testid="admin-import-row-error" data-line={e.line} data-field={e.field} data-code={e.code}>
          <span className="admin-line">{t('admin.import.line', { line: e.line })}</span>
          <span>{importRowErrorText({ t }, e)}</span>
        </li>
      ))}
    </ul>
  );
}

function Preview({ loaded, onCancel, onImport }: { loaded: Loaded; onCancel(): void; onImport(): void }) {
  const { t, tp } = useT();
  const batches = useMemo(() => splitIntoBatches(loaded.rows).length, [loaded.rows]);
  const badLines = new Set(loaded.problems.map((p) => p.line));
  const fields = MEMBER_CSV_COLUMNS.map((c) => c.field);
  return (
    <div className="admin-preview" data-testid="admin-import-preview">
      <p data-testid="admin-import-summary">
        {t('admin.import.previewSummary', {
          file: loaded.fileName,
          encoding: t(`admin.import.encoding.${loaded.encoding}` as MessageKey),
          rows: loaded.rows.length,
          batches,
        })}
      </p>
      {loaded.problems.length > 0 ? (
        <div className="admin-problems" role="alert">
          <p className="inline-error" data-testid="admin-import-problems-title">
            {tp('admin.import.problems', badLines.size)}
          </p>
          <RowErrors errors={loaded.problems} testId="admin-import-problems" />
        </div>
      ) : (
        <p className="admin-ok" data-testid="admin-import-ready">
          {t('admin.import.ready')}
        </p>
      )}
      <div className="admin-table-wrap admin-preview-table">
        <table className="admin-table">
          <thead>
            <tr>
              <th scope="col">{t('admin.import.lineHeader')}</th>
              {fields.map((f) => (
                <th key={f} scope="col">
                  {t(`admin.field.${f}` as MessageKey)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {loaded.rows.slice(0, PREVIEW_ROWS).map((r) => (
              <tr key={r.line} className={badLines.has(r.line) ? 'has-problem' : undefined} data-testid="admin-import-preview-row">
                <td>{r.line}</td>
                {fields.map((f) => (
                  <td key={f}>{r[f]}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {loaded.rows.length > PREVIEW_ROWS ? <p className="muted">{t('admin.import.previewMore', { count: loaded.rows.length - PREVIEW_ROWS })}</p> : null}
      </div>
      <div className="admin-dialog-actions">
        <button type="button" className="button" onClick={onCancel} data-testid="admin-import-cancel">
          {t('admin.import.chooseAnother')}
        </button>
        <button type="button" className="button button-primary" onClick={onImport} disabled={loaded.problems.length > 0 || loaded.rows.length === 0} data-testid="admin-import-start">
          {tp('admin.import.start', loaded.rows.length)}
        </button>
      </div>
      {loaded.problems.length > 0 ? <p className="muted admin-hint">{t('admin.import.fixFirst')}</p> : null}
    </div>
  );
}

function Progress(props: {
  loaded: Loaded;
  progress: ImportProgress;
  running: boolean;
  onStop(): void;
  onAgain(): void;
  errorText(e: Parameters<typeof adminErrorText>[1]): string;
}) {
  const { t, tp } = useT();
  const { progress } = props;
  const summary = summarize(progress);
  const pct = progress.rowsTotal ? Math.round((progress.rowsDone / progress.rowsTotal) * 100) : 0;
  const headers = [
    t('admin.import.lineHeader'),
    t('admin.field.employeeId'),
    t('admin.field.name'),
    t('admin.field.nameEn'),
    t('admin.field.account'),
    t('admin.members.initialPassword'),
  ];
  return (
    <div className="admin-progress" data-testid="admin-import-progress" data-state={props.running ? 'running' : 'done'}>
      <div className="admin-progress-head">
        <progress max={progress.rowsTotal} value={progress.rowsDone} aria-label={t('admin.import.progressLabel')} data-testid="admin-import-bar" />
        <span aria-live="polite">{t('admin.import.progress', { done: progress.rowsDone, total: progress.rowsTotal, pct })}</span>
        {props.running ? (
          <button type="button" className="button" onClick={props.onStop} data-testid="admin-import-stop">
            {t('admin.import.stop')}
          </button>
        ) : null}
      </div>
      {!props.running ? (
        <div
          className={summary.failedBatches + summary.skippedBatches === 0 ? 'admin-ok' : 'notice'}
          role="status"
          data-testid="admin-import-result"
          data-landed={summary.landedBatches}
          data-failed={summary.failedBatches + summary.skippedBatches}
        >
          <p>
            {tp('admin.import.resultBatches', progress.batches.length, { landed: summary.landedBatches })}{' '}
            {tp('admin.import.resultCreated', summary.createdMembers)}
          </p>
          {summary.notImportedLines > 0 ? <p>{tp('admin.import.resultNotImported', summary.notImportedLines)}</p> : null}
        </div>
      ) : null}
      <ol className="admin-batches" data-testid="admin-import-batches">
        {progress.batches.map((b) => (
          <li key={b.index} data-testid="admin-import-batch" data-state={b.outcome.state} className={`admin-batch is-${b.outcome.state}`}>
            <div className="admin-batch-head">
              <span>{tp('admin.import.batch', b.rows, { n: b.index + 1, first: b.firstLine, last: b.lastLine })}</span>
              <span className="admin-batch-state">
                {b.outcome.state === 'running' ? <Spinner /> : null}
                {t(`admin.import.state.${b.outcome.state}` as MessageKey)}
              </span>
            </div>
            {b.outcome.state === 'rejected' ? <RowErrors errors={b.outcome.errors} testId="admin-import-server-errors" /> : null}
            {b.outcome.state === 'failed' ? (
              <p className="inline-error" data-testid="admin-import-batch-error">
                {props.errorText(b.outcome.error)}
              </p>
            ) : null}
          </li>
        ))}
      </ol>
      {progress.created.length > 0 ? (
        <section className="admin-created" data-testid="admin-import-created">
          <h3 className="admin-subheading">{t('admin.import.createdTitle')}</h3>
          <p className="notice">{t('admin.members.passwordOnce')}</p>
          <div className="admin-dialog-actions admin-actions-start">
            <button
              type="button"
              className="button"
              data-testid="admin-import-download-accounts"
              onClick={() => downloadText('muster-new-accounts.csv', createdAccountsCsv(progress.created, headers))}
            >
              {t('admin.import.downloadAccounts')}
            </button>
            <CopyButton
              text={progress.created.map((c) => `${c.account}\t${c.initialPassword}`).join('\n')}
              testId="admin-import-copy-all"
              label={t('admin.import.copyAll')}
            />
          </div>
          <div className="admin-table-wrap">
            <table className="admin-table">
              <thead>
                <tr>
                  {headers.map((h) => (
                    <th key={h} scope="col">
                      {h}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {progress.created.map((c) => (
                  <tr key={c.account} data-testid="admin-import-created-row" data-account={c.account}>
                    <td>{c.line}</td>
                    <td>{c.employeeId}</td>
                    <td>{c.name}</td>
                    <td>{c.nameEn}</td>
                    <td>{c.account}</td>
                    <td>
                      <code className="admin-secret">{c.initialPassword}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      {!props.running ? (
        <div className="admin-dialog-actions admin-actions-start">
          <button type="button" className="button button-primary" onClick={props.onAgain} data-testid="admin-import-again">
            {t('admin.import.another')}
          </button>
        </div>
      ) : null}
    </div>
  );
}
