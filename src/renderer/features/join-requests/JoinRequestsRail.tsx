import { useLiveQuery } from 'dexie-react-hooks';
import { useStore } from 'zustand';
import type { JoinRequest } from '@shared/contract';
import { useT } from '../../i18n';
import { useSignedIn } from '../../app/services';
import { uiStore } from '../../stores/ui';
import { JoinRequestsInbox } from './JoinRequestsInbox';
import { badgeText, joinRequestsStore, pendingTotal } from './store';
import { useJoinRequestsSync } from './useJoinRequestsSync';
import './join-requests.css';

/**
 * The nav rail's "Requests" entry with the unhandled count (where a DingTalk user looks for 群通知),
 * the inbox it opens, and the requester's notices. Shown to those who may decide, and to anyone the
 * moment a request for them arrives (made an admin meanwhile). Its own Tab stop, after the sections.
 */
export function JoinRequestsRail() {
  const { t, tp } = useT();
  const mayDecide = useJoinRequestsSync();
  const count = useStore(joinRequestsStore, (s) => pendingTotal(s.inbox));
  const open = useStore(joinRequestsStore, (s) => s.open);
  const label = count > 0 ? tp('joinRequests.navLabel', count) : t('joinRequests.navLabelNone');

  return (
    <>
      {mayDecide || count > 0 ? (
        <button
          type="button"
          className="nav-item jr-rail-item"
          data-testid="nav-join-requests"
          aria-label={label}
          title={label}
          aria-haspopup="dialog"
          // Arrow keys move between the sections above; this entry is not one of them.
          onKeyDown={(e) => e.stopPropagation()}
          onClick={() => joinRequestsStore.getState().setOpen(true)}
        >
          <span className="nav-icon jr-nav-icon" aria-hidden="true" />
          <span className="nav-label">{t('joinRequests.nav')}</span>
          {count > 0 ? (
            <span className="jr-badge" data-testid="join-requests-badge" aria-hidden="true">
              {badgeText(count)}
            </span>
          ) : null}
        </button>
      ) : null}
      {open ? <JoinRequestsInbox onClose={() => joinRequestsStore.getState().setOpen(false)} /> : null}
      <DecisionNotices />
    </>
  );
}

/** The requester hears the decision: approved (with Open once the group is in the list) or rejected. */
function DecisionNotices() {
  const notices = useStore(joinRequestsStore, (s) => s.notices);
  const last = notices.at(-1);
  if (!last) return null;
  return (
    <div className="jr-toasts">
      <DecisionNotice key={last.id} request={last} />
    </div>
  );
}

function DecisionNotice({ request }: { request: JoinRequest }) {
  const { t } = useT();
  const { db } = useSignedIn();
  const approved = request.status === 'approved';
  // The approval's `group:added` push may come a moment after the decision.
  const listed = useLiveQuery(async () => (approved ? (await db.groups.get(request.group.id)) !== undefined : false), [db, approved, request.group.id]);
  const dismiss = () => joinRequestsStore.getState().dismissNotice(request.id);
  return (
    <div className={`jr-toast jr-toast-${request.status}`} role="status" data-testid="join-decided-notice" data-status={request.status}>
      <span className="jr-toast-text">{t(approved ? 'joinRequests.notice.approved' : 'joinRequests.notice.rejected', { group: request.group.name })}</span>
      <span className="jr-toast-actions">
        {approved ? (
          <button
            type="button"
            className="button button-link"
            disabled={!listed}
            onClick={() => {
              uiStore.getState().setSection('messages');
              uiStore.getState().selectGroup(request.group.id);
              dismiss();
            }}
            data-testid="join-decided-open"
          >
            {listed ? t('joinRequests.notice.open') : t('joinRequests.notice.adding')}
          </button>
        ) : null}
        <button type="button" className="button button-link" onClick={dismiss} data-testid="join-decided-dismiss">
          {t('shell.dismiss')}
        </button>
      </span>
    </div>
  );
}
