import { useT } from '../i18n';
import { useConnectionState } from '../stores/connection';

export function ConnectionStatus() {
  const { t } = useT();
  const state = useConnectionState();
  return (
    <div className={`connection connection-${state}`} data-testid="connection-status" data-state={state} role="status" aria-live="polite">
      <span className="connection-dot" aria-hidden="true" />
      <span className="connection-text">{t(`connection.${state}`)}</span>
    </div>
  );
}
