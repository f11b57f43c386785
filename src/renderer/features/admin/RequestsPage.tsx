import { useMemo, useState } from 'react';
import type { ExternalGroupRequest } from '@shared/contract';
import { useT, type MessageKey, type Translator } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { useSignedIn } from '../../app/services';
import type { AdminChart } from './useAdminChart';
import type { RequestsState } from './useRequests';
import { adminErrorText } from './errors';
import { ErrorNote, errorMsg, type Msg } from './ui';

/** External-group requests from department heads, waiting for a super admin's decision. */
export function RequestsPage({ chart, requests }: { chart: AdminChart; requests: RequestsState }) {
  const tr = useT();
  const { t, tp, locale } = tr;
  const { engine } = useSignedIn();
  const [deciding, setDeciding] = useState<string | null>(null);
  const [error, setError] = useState<Msg | null>(null);
  const [notice, setNotice] = useState<Msg | null>(null);
  const byId = useMemo(() => new Map((chart.members ?? []).map((m) => [m.id, m])), [chart.members]);
  const fmt = useMemo(() => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }), [locale]);

  const decide = async (req: ExternalGroupRequest, approve: boolean) => {
    setDeciding(req.id);
    setError(null);
    const r = await engine.request('org:requests:decide', { id: req.id, approve });
    setDeciding(null);
    if (!r.ok) return setError(() => errorMsg(r.error));
    setNotice(() => (x: Translator) => x.t(approve ? 'admin.requests.approved' : 'admin.requests.rejected', { name: req.name }));
    await requests.refresh();
  };

  const names = (ids: readonly string[]) => {
    const shown = ids.slice(0, 6).map((id) => {
      const m = byId.get(id);
      return m ? displayName(m, locale) : '?';
    });
    return ids.length > 6 ? `${shown.join(', ')} …` : shown.join(', ');
  };

  return (
    <div className="admin-requests">
      <div className="admin-page-head">
        <h2 className="admin-heading">{t('admin.requests.title')}</h2>
        <div className="admin-actions">
          <label className="admin-inline-field">
            <span>{t('admin.requests.show')}</span>
            <select value={requests.status} onChange={(e) => requests.setStatus(e.target.value as 'pending' | 'all')} data-testid="admin-requests-status">
              <option value="pending">{t('admin.requests.pending')}</option>
              <option value="all">{t('admin.requests.all')}</option>
            </select>
          </label>
          <button type="button" className="button" onClick={() => void requests.refresh()} data-testid="admin-requests-refresh">
            {t('admin.refresh')}
          </button>
        </div>
      </div>
      <p className="muted admin-hint">{t('admin.requests.intro')}</p>
      {notice ? (
        <p className="admin-notice" role="status">
          {notice(tr)}
        </p>
      ) : null}
      <ErrorNote text={error?.(tr) ?? (requests.error ? adminErrorText(tr, requests.error) : null)} testId="admin-requests-error" />
      {requests.requests === null ? (
        requests.error ? null : (
          <div className="admin-loading" role="status">
            <Spinner />
            {t('admin.requests.loading')}
          </div>
        )
      ) : requests.requests.length === 0 ? (
        <div className="admin-empty-state" data-testid="admin-requests-empty">
          <p>{requests.status === 'pending' ? t('admin.requests.none') : t('admin.requests.noneAtAll')}</p>
        </div>
      ) : (
        <ul className="admin-request-list" data-testid="admin-requests-list">
          {requests.requests.map((r) => (
            <li key={r.id} className="admin-request" data-testid="admin-request" data-status={r.status}>
              <div className="admin-request-main">
                <strong>{r.name}</strong>
                <span className={`tag${r.status === 'pending' ? '' : ' tag-training'}`}>{t(`admin.requests.status.${r.status}` as MessageKey)}</span>
                <p className="muted">
                  {t('admin.requests.by', { name: displayName(r.requester, locale), time: fmt.format(new Date(r.createdAt)) })} ·{' '}
                  {tp('admin.requests.people', r.memberIds.length)}
                </p>
                {r.memberIds.length > 0 ? <p className="muted admin-hint">{names(r.memberIds)}</p> : null}
              </div>
              {r.status === 'pending' ? (
                <div className="admin-actions">
                  <button type="button" className="button" disabled={deciding !== null} onClick={() => void decide(r, false)} data-testid="admin-request-reject">
                    {t('admin.requests.reject')}
                  </button>
                  <button type="button" className="button button-primary" disabled={deciding !== null} onClick={() => void decide(r, true)} data-testid="admin-request-approve">
                    {deciding === r.id ? <Spinner /> : null}
                    {t('admin.requests.approve')}
                  </button>
                </div>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
