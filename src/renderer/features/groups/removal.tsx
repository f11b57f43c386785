import { useEffect } from 'react';
import { createStore, useStore } from 'zustand';
import { useT } from '../../i18n';
import { useSignedIn } from '../../app/services';
import { uiStore } from '../../stores/ui';
import type { ExternalGroupRequest } from '@shared/contract';
import type { GroupRemoval } from '../../sync';

/** The last group that was taken away while it was open, and why (shown where the chat was). */
export const removalStore = createStore<{ notice: GroupRemoval | null; decision: ExternalGroupRequest | null }>(() => ({ notice: null, decision: null }));

/**
 * Closes the open chat when this member loses that group (removed, banned, dissolved, left,
 * offboarded, moved out of the department) and keeps the reason for the notice.
 */
export function useGroupRemovalWatcher(): void {
  const { engine } = useSignedIn();
  useEffect(
    () =>
      engine.onGroupRemoval((removal) => {
        if (uiStore.getState().selectedGroupId !== removal.groupId) return;
        uiStore.getState().selectGroup(null);
        removalStore.setState({ notice: removal });
      }),
    [engine],
  );
  useEffect(() => engine.onRequestDecided((decision) => removalStore.setState({ decision })), [engine]);
  // A newly opened group makes the old notice moot.
  useEffect(
    () =>
      uiStore.subscribe((s, prev) => {
        if (s.selectedGroupId && s.selectedGroupId !== prev.selectedGroupId) removalStore.setState({ notice: null });
      }),
    [],
  );
}

export function RemovalNotice() {
  const { t } = useT();
  const notice = useStore(removalStore, (s) => s.notice);
  if (!notice) return null;
  const name = notice.name ?? t('groups.removed.unnamed');
  return (
    <div className="notice removal-notice" role="alert" data-testid="group-removed-notice" data-reason={notice.reason}>
      <span>{t(`groups.removed.${notice.reason}`, { name })}</span>
      <button type="button" className="button button-link" onClick={() => removalStore.setState({ notice: null })}>
        {t('shell.dismiss')}
      </button>
    </div>
  );
}

/** A super admin decided this member's external-group request (approved: the group is in the list). */
export function DecisionNotice() {
  const { t } = useT();
  const decision = useStore(removalStore, (s) => s.decision);
  if (!decision || decision.status === 'pending') return null;
  return (
    <div className="notice removal-notice" role="status" data-testid="request-decided-notice" data-status={decision.status}>
      <span>{t(decision.status === 'approved' ? 'groups.request.approved' : 'groups.request.rejected', { name: decision.name })}</span>
      {decision.status === 'approved' && decision.groupId ? (
        <button
          type="button"
          className="button button-link"
          onClick={() => {
            uiStore.getState().setSection('messages');
            uiStore.getState().selectGroup(decision.groupId);
            removalStore.setState({ decision: null });
          }}
        >
          {t('groups.request.open')}
        </button>
      ) : null}
      <button type="button" className="button button-link" onClick={() => removalStore.setState({ decision: null })}>
        {t('shell.dismiss')}
      </button>
    </div>
  );
}
