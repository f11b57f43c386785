import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { AuditTargetType, type AuditEntry, type AuditFilter } from '@shared/contract';
import { useT, type MessageKey, type Translator } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { useSignedIn } from '../../app/services';
import type { AdminChart } from './useAdminChart';
import { auditFileName, changeLines, EMPTY_AUDIT_FILTER, toAuditFilter, verifyProblem, type AuditFilterForm } from './audit-format';
import { adminEn } from './i18n';
import { downloadText, ErrorNote, errorMsg, type Msg } from './ui';

const PAGE = 50;

/** Actions the server records, offered as suggestions in the action filter (any text is accepted). */
const KNOWN_ACTIONS = Object.keys(adminEn)
  .filter((k) => k.startsWith('admin.action.'))
  .map((k) => k.slice('admin.action.'.length));

type Verify = { state: 'idle' } | { state: 'running' } | { state: 'done'; entries: number; firstBad: number | null; reason: string | null };

/** The hash-chained audit log: filters, a paged table, CSV export, and a chain check. */
export function AuditPage({ chart }: { chart: AdminChart }) {
  const tr = useT();
  const { t, locale } = tr;
  const { engine } = useSignedIn();
  const [form, setForm] = useState<AuditFilterForm>(EMPTY_AUDIT_FILTER);
  const [applied, setApplied] = useState<AuditFilter>({});
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [hasMore, setHasMore] = useState(false);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Msg | null>(null);
  const [formProblem, setFormProblem] = useState(false);
  const [exporting, setExporting] = useState(false);
  const [exportNote, setExportNote] = useState<Msg | null>(null);
  const [verify, setVerify] = useState<Verify>({ state: 'idle' });
  const call = useRef(0);

  // State is only set when the answer is in (never synchronously in the effect); a newer call wins.
  const load = useCallback(
    (filter: AuditFilter, beforeSeq?: number) => {
      const mine = ++call.current;
      return engine.request('audit:list', beforeSeq ? { filter, beforeSeq, limit: PAGE } : { filter, limit: PAGE }).then((r) => {
        if (mine !== call.current) return; // a newer filter was applied meanwhile
        setLoading(false);
        if (!r.ok) return setError(() => errorMsg(r.error));
        setError(null);
        setEntries((cur) => (beforeSeq && cur ? [...cur, ...r.value.entries] : r.value.entries));
        setHasMore(r.value.hasMore);
      });
    },
    [engine],
  );

  useEffect(() => {
    void load(applied);
  }, [load, applied]);

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const checked = toAuditFilter(form);
    if (!checked.ok) return setFormProblem(true);
    setFormProblem(false);
    setLoading(true);
    setApplied(checked.filter);
  };

  const exportCsv = async () => {
    setExporting(true);
    setExportNote(null);
    const r = await engine.request('audit:export', { filter: applied });
    setExporting(false);
    if (!r.ok) return setExportNote(() => errorMsg(r.error));
    downloadText(auditFileName(new Date()), r.value.csv);
    const rows = r.value.rows;
    setExportNote(() => (x: Translator) => x.t('admin.audit.exported', { count: rows }));
  };

  const runVerify = async () => {
    setVerify({ state: 'running' });
    const r = await engine.request('audit:verify', {});
    if (!r.ok) {
      setVerify({ state: 'idle' });
      return setError(() => errorMsg(r.error));
    }
    setVerify({ state: 'done', ...r.value });
  };

  const people = useMemo(
    () =>
      [...(chart.members ?? [])].sort((a, b) => displayName(a, locale).localeCompare(displayName(b, locale), locale)),
    [chart.members, locale],
  );
  const filtered = Object.keys(applied).length > 0;
  const actionLabel = (action: string) => (`admin.action.${action}` in adminEn ? t(`admin.action.${action}` as MessageKey) : action);
  const fmt = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'medium' }), [locale]);
  // Org roles, kinds and statuses read in the UI language; other values as recorded.
  const valueLabel = (key: string, value: string): string => {
    const group = key === 'role' || key === 'kind' || key === 'status' ? key : null;
    const k = group ? `admin.${group}.${value}` : '';
    return group && k in adminEn ? t(k as MessageKey) : value;
  };

  return (
    <div className="admin-audit">
      <div className="admin-page-head">
        <h2 className="admin-heading">{t('admin.audit.title')}</h2>
        <div className="admin-actions">
          <button type="button" className="button" onClick={() => void runVerify()} disabled={verify.state === 'running'} data-testid="admin-audit-verify">
            {verify.state === 'running' ? <Spinner /> : null}
            {t('admin.audit.verify')}
          </button>
          <button type="button" className="button" onClick={() => void exportCsv()} disabled={exporting} data-testid="admin-audit-export">
            {exporting ? <Spinner /> : null}
            {t('admin.audit.export')}
          </button>
        </div>
      </div>
      {verify.state === 'done' ? (
        verify.firstBad === null ? (
          <p className="admin-ok" role="status" data-testid="admin-audit-verify-result" data-ok="true">
            {t('admin.audit.verifyOk', { count: verify.entries })}
          </p>
        ) : (
          <p className="inline-error admin-alert" role="alert" data-testid="admin-audit-verify-result" data-ok="false" data-first-bad={verify.firstBad}>
            {t('admin.audit.verifyBad', { seq: verify.firstBad })} {t(`admin.audit.verify.${verifyProblem(verify.reason)}` as MessageKey)}
          </p>
        )
      ) : null}
      {exportNote ? (
        <p className="muted" role="status" data-testid="admin-audit-export-note">
          {exportNote(tr)}
        </p>
      ) : null}
      <form className="admin-toolbar admin-audit-filters" onSubmit={apply} aria-label={t('admin.audit.filters')}>
        <label className="admin-inline-field">
          <span>{t('admin.audit.actor')}</span>
          <select value={form.actorId} onChange={(e) => setForm({ ...form, actorId: e.target.value })} data-testid="admin-audit-actor">
            <option value="">{t('admin.audit.anyone')}</option>
            {people.map((m) => (
              <option key={m.id} value={m.id}>
                {displayName(m, locale)} ({m.account})
              </option>
            ))}
          </select>
        </label>
        <label className="admin-inline-field">
          <span>{t('admin.audit.action')}</span>
          <input list="admin-audit-actions" value={form.action} onChange={(e) => setForm({ ...form, action: e.target.value })} data-testid="admin-audit-action" placeholder="org.member.create" />
          <datalist id="admin-audit-actions">
            {KNOWN_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {actionLabel(a)}
              </option>
            ))}
          </datalist>
        </label>
        <label className="admin-inline-field">
          <span>{t('admin.audit.targetType')}</span>
          <select value={form.targetType} onChange={(e) => setForm({ ...form, targetType: e.target.value })} data-testid="admin-audit-target-type">
            <option value="">{t('admin.audit.anyTarget')}</option>
            {AuditTargetType.options.map((tt) => (
              <option key={tt} value={tt}>
                {t(`admin.target.${tt}` as MessageKey)}
              </option>
            ))}
          </select>
        </label>
        <label className="admin-inline-field">
          <span>{t('admin.audit.from')}</span>
          <input type="date" value={form.from} onChange={(e) => setForm({ ...form, from: e.target.value })} data-testid="admin-audit-from" />
        </label>
        <label className="admin-inline-field">
          <span>{t('admin.audit.to')}</span>
          <input type="date" value={form.to} onChange={(e) => setForm({ ...form, to: e.target.value })} data-testid="admin-audit-to" />
        </label>
        <button type="submit" className="button button-primary" data-testid="admin-audit-apply">
          {t('admin.audit.apply')}
        </button>
        <button
          type="button"
          className="button button-quiet"
          onClick={() => {
            setForm(EMPTY_AUDIT_FILTER);
            setFormProblem(false);
            setApplied({});
          }}
          disabled={!filtered && form === EMPTY_AUDIT_FILTER}
        >
          {t('admin.audit.reset')}
        </button>
      </form>
      <ErrorNote text={formProblem ? t('admin.audit.badRange') : (error?.(tr) ?? null)} testId="admin-audit-error" />
      {entries === null ? (
        loading ? (
          <div className="admin-loading" role="status">
            <Spinner />
            {t('admin.audit.loading')}
          </div>
        ) : null
      ) : entries.length === 0 ? (
        <div className="admin-empty-state" data-testid="admin-audit-empty">
          <p>{filtered ? t('admin.audit.noMatch') : t('admin.audit.none')}</p>
        </div>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table admin-audit-table" data-testid="admin-audit-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t('admin.audit.time')}</th>
                <th scope="col">{t('admin.audit.actor')}</th>
                <th scope="col">{t('admin.audit.action')}</th>
                <th scope="col">{t('admin.audit.target')}</th>
                <th scope="col">{t('admin.audit.change')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-testid="admin-audit-row" data-action={e.action} data-seq={e.seq}>
                  <td className="muted">{e.seq}</td>
                  <td className="admin-nowrap">{fmt.format(new Date(e.at))}</td>
                  <td>{e.actor ? displayName(e.actor, locale) : <span className="muted">{t('admin.audit.system')}</span>}</td>
                  <td>
                    <span>{actionLabel(e.action)}</span>
                    <code className="admin-code muted">{e.action}</code>
                  </td>
                  <td>
                    <span className="tag">{t(`admin.target.${e.targetType}` as MessageKey)}</span> {e.targetLabel}
                  </td>
                  <td>
                    <ul className="admin-changes">
                      {changeLines(e).slice(0, 8).map((c, i) => (
                        <li key={`${c.key}-${i}`}>
                          {c.key ? <span className="admin-change-key">{`admin.field.${c.key}` in adminEn ? t(`admin.field.${c.key}` as MessageKey) : c.key}: </span> : null}
                          {c.before !== null ? <del>{valueLabel(c.key, c.before)}</del> : null}
                          {c.before !== null && c.after !== null ? ' → ' : null}
                          {c.after !== null ? <ins>{valueLabel(c.key, c.after)}</ins> : null}
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {hasMore ? (
            <button
              type="button"
              className="button admin-more"
              disabled={loading}
              data-testid="admin-audit-more"
              onClick={() => {
                setLoading(true);
                void load(applied, entries[entries.length - 1]?.seq);
              }}
            >
              {loading ? <Spinner /> : null}
              {t('admin.audit.more')}
            </button>
          ) : (
            <p className="muted admin-end">{t('admin.audit.end')}</p>
          )}
        </div>
      )}
    </div>
  );
}
