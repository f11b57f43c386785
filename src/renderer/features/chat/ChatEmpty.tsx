import { useT } from '../../i18n';

export function ChatEmpty() {
  const { t } = useT();
  return (
    <div className="chat-empty" data-testid="chat-empty">
      <div className="empty-illustration empty-chat" aria-hidden="true" />
      <p className="chat-empty-title">{t('chat.emptyTitle')}</p>
      <p className="muted">{t('chat.emptyBody')}</p>
    </div>
  );
}
