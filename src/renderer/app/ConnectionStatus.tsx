import { useT } from '../i18n';
import { offlineReason, useConnectionState, useDeviceOnline } from '../stores/connection';

export function ConnectionStatus() {
  const { t } = useT();
  const state = useConnectionState();
  const reason = offlineReason(state, useDeviceOnline());
  // Offline with the device on a network means the server is the problem, not the network.
  const text = reason === 'server' ? t('connection.unreachable') : t(`connection.${state}`);
  return (
    <div
      className={`connection connection-${state}`}
      data-testid="connection-status"
      data-state={state}
      data-reason={reason ?? undefined}
      title={text}
      role="status"
      aria-live="polite"
    >
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">{text}</span>
    </div>
  );
}
