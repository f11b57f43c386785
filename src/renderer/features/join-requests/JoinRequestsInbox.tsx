import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import type { AppError, JoinRequest } from '@shared/contract';
import { useT, type MessageKey } from '../../i18n';
import { Avatar } from '../../components/Avatar';
import { Spinner } from '../../components/Spinner';
import { Dialog } from '../../app/Dialog';
import { GroupAvatar } from '../../app/GroupAvatar';
import { useSignedIn } from '../../app/services';
import { displayName } from '../../lib/names';
import { formatFull } from '../../lib/time';
import { decideErrorText, reasonText, viaText } from './format';
import { joinRequestsStore, upsertRequest } from './store';

type Show = 'pending' | 'all';

/**
 * The inbox of those who decide (group owners and admins; super admins see every group's): who asks,
 * for which group, their message, how they came and who shared the code, and why it needs a
 * decision. Live: pushes move requests in and out while it is open.
 */
export function JoinRequestsInbox({ onClose }: { onClose(): void }) {
  const tr = useT();
  const { t, locale } = tr;
  const { engine } = useSignedIn();
  const inbox = useStore(joinRequestsStore, (s) => s.inbox);
  const loaded = useStore(joinRequestsStore, (s) => s.loaded);
  const loadError = useStore(joinRequestsStore, (s) => s.loadError);
  const [show, setShow] = useState<Show>('pending');
  const [all, setAll] = useState<JoinRequest[] | null>(null);
  const [allError, setAllError] = useState<AppError | null>(null);
  const [deciding, setDeciding] = useState<string | null>(null);
  const [errors, setErrors] = useState<Record<string, AppError>>({});
  const [notice, setNotice] = useState<string | null>(null);
  const latest = useRef(0);

  const refresh = useCallback(() => {
    const call = ++latest.current;
    return engine.request('join:requests:list', { status: show }).then((r) => {
      if (call !== latest.current) return; // overtaken by a newer call
      if (show === 'pending') {
        if (r.ok) joinRequestsStore.getState().listed(r.value.requests, r.value.pendingCount);
        else joinRequestsStore.getState().failed(r.error);
      } else if (r.ok) {
        setAll(r.value.requests);
        setAllError(null);
      } else setAllError(r.error);
    });
  }, [engine, show]);

  useEffect(() => {
    void refresh();
  }, [refresh]);
  // The history view follows the pushes too (a request decided by another admin changes in place).
  useEffect(() => engine.onJoinRequest((request) => setAll((list) => (list ? upsertRequest(list, request) : list))), [engine]);

  const decide = async (request: JoinRequest, approve: boolean) => {
    setDeciding(request.id);
    setNotice(null);
    setErrors((e) => Object.fromEntries(Object.entries(e).filter(([id]) => id !== request.id)));
    const r = await engine.request('join:requests:decide', { id: request.id, approve });
    setDeciding(null);
    if (!r.ok) {
      // Decided elsewhere meanwhile, or gone: the inbox must stop offering it.
      if (r.error.code === 'not_found' || r.error.details?.['reason'] === 'already_decided') void refresh();
      setErrors((e) => ({ ...e, [request.id]: r.error }));
      return;
    }
    joinRequestsStore.getState().pushed(r.value.request);
    setAll((list) => (list ? upsertRequest(list, r.value.request) : list));
    const name = displayName(r.value.request.requester, locale);
    setNotice(t(approve ? 'joinRequests.approved' : 'joinRequests.rejected', { name, group: r.value.request.group.name }));
  };

  const list = show === 'pending' ? (loaded ? inbox.pending : null) : all;
  const error = show === 'pending' ? loadError : allError;

  return (
    <Dialog title={t('joinRequests.title')} onClose={onClose} size="large" testId="join-requests-inbox">
      <div className="jr-head">
        <p className="muted jr-intro">{t('joinRequests.intro')}</p>
        <div className="jr-controls">
          <label className="jr-show">
            <span>{t('joinRequests.show')}</span>
            <select className="jr-select" value={show} onChange={(e) => setShow(e.target.value as Show)} data-testid="join-requests-show">
              <option value="pending">{t('joinRequests.showPending')}</option>
              <option value="all">{t('joinRequests.showAll')}</option>
            </select>
          </label>
          <button type="button" className="button" onClick={() => void refresh()} data-testid="join-requests-refresh">
            {t('joinRequests.refresh')}
          </button>
        </div>
      </div>
      {notice ? (
        <p className="jr-notice" role="status" data-testid="join-requests-notice">
          {notice}
        </p>
      ) : null}
      {error && list !== null ? (
        <p className="inline-error" role="alert">
          {tr.te(error)}
        </p>
      ) : null}
      {list === null ? (
        error ? (
          <div className="jr-state" role="alert" data-testid="join-requests-error">
            <p>{tr.te(error)}</p>
            <button type="button" className="button" onClick={() => void refresh()}>
              {t('joinRequests.retry')}
            </button>
          </div>
        ) : (
          <div className="jr-state" role="status">
            <Spinner /> {t('joinRequests.loading')}
          </div>
        )
      ) : list.length === 0 ? (
        <p className="jr-empty" data-testid="join-requests-empty">
          {t(show === 'pending' ? 'joinRequests.empty' : 'joinRequests.emptyAll')}
        </p>
      ) : (
        <ul className="jr-list" data-testid="join-requests-list" aria-live="polite">
          {list.map((r) => {
            const requester = displayName(r.requester, locale);
            const rowError = errors[r.id];
            return (
              <li key={r.id} className="jr-item" data-testid="inbox-request" data-request-id={r.id} data-status={r.status}>
                <Avatar name={requester} />
                <div className="jr-main">
                  <p className="jr-who">
                    <strong data-testid="inbox-requester">{requester}</strong> <span className="muted">{t('joinRequests.wants')}</span>{' '}
                    <span className="jr-group">
                      <GroupAvatar name={r.group.name} color={r.group.avatarColor} size="small" />
                      <strong data-testid="inbox-group">{r.group.name}</strong>
                    </span>
                  </p>
                  {r.message ? (
                    <blockquote className="jr-message" aria-label={t('joinRequests.messageLabel')} data-testid="inbox-message">
                      {r.message}
                    </blockquote>
                  ) : (
                    <p className="muted jr-message-none">{t('joinRequests.noMessage')}</p>
                  )}
                  <p className="muted jr-meta">
                    <span data-testid="inbox-via">{viaText(tr, r)}</span> · <span>{reasonText(tr, r)}</span> · <time dateTime={r.createdAt}>{formatFull(r.createdAt, locale)}</time>
                  </p>
                  {r.status !== 'pending' ? (
                    <p className="jr-decided">
                      <span className={`tag jr-status jr-status-${r.status}`}>{t(`joinRequests.status.${r.status}` as MessageKey)}</span>
                      {r.decidedBy && r.decidedAt ? (
                        <span className="muted">
                          {' '}
                          {t('joinRequests.decidedBy', { status: t(`joinRequests.status.${r.status}` as MessageKey), name: displayName(r.decidedBy, locale), time: formatFull(r.decidedAt, locale) })}
                        </span>
                      ) : null}
                    </p>
                  ) : null}
                  {rowError ? (
                    <p className="inline-error" role="alert" data-testid="inbox-error">
                      {decideErrorText(tr, rowError)}
                    </p>
                  ) : null}
                </div>
                {r.status === 'pending' ? (
                  <div className="jr-actions">
                    <button type="button" className="button" disabled={deciding !== null} onClick={() => void decide(r, false)} data-testid="inbox-reject">
                      {t('joinRequests.reject')}
                    </button>
                    <button type="button" className="button button-primary" disabled={deciding !== null} aria-busy={deciding === r.id} onClick={() => void decide(r, true)} data-testid="inbox-approve">
                      {deciding === r.id ? <Spinner /> : null}
                      {t('joinRequests.approve')}
                    </button>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
    </Dialog>
  );
}
