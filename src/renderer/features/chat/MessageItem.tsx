import { memo } from 'react';
import type { LocalMessage } from '../../db';
import { useT } from '../../i18n';
import { Avatar } from '../../components/Avatar';
import { formatClock, formatFull } from '../../lib/time';
import type { NameBook } from '../../lib/names';
import { systemText } from './system';

interface Props {
  message: LocalMessage;
  /** The sender as shown (the member's English name in English, when known). */
  senderName: string;
  /** Names the people in a system message in the UI language. */
  names: NameBook;
  mine: boolean;
  offline: boolean;
  onRetry(): void;
  onDiscard(): void;
}

export const MessageItem = memo(function MessageItem({ message: m, senderName, names, mine, offline, onRetry, onDiscard }: Props) {
  const { t, te, locale } = useT();
  const common = {
    'data-testid': 'message',
    'data-seq': m.id !== null ? String(m.seq) : '',
    'data-client-id': m.clientId ?? '',
    'data-state': m.state,
    'data-mine': String(mine),
  };

  if (m.kind === 'system') {
    return (
      <div className="message message-system" {...common} data-event={m.system?.type ?? ''}>
        <span className="message-body" data-testid="message-body">
          {systemText(m, locale, names)}
        </span>
        <time className="visually-hidden" data-testid="message-time" dateTime={m.createdAt}>
          {formatClock(m.createdAt, locale)}
        </time>
        <span className="visually-hidden" data-testid="message-sender">
          {senderName}
        </span>
      </div>
    );
  }

  const status =
    m.state === 'sending' ? (offline ? t('chat.state.waiting') : t('chat.state.sending')) : m.state === 'failed' ? t('chat.state.failed') : null;

  return (
    <div className={`message${mine ? ' is-mine' : ''} state-${m.state}`} {...common}>
      <Avatar name={senderName} />
      <div className="message-content">
        <div className="message-meta">
          <span className="message-sender" data-testid="message-sender">
            {senderName}
          </span>
          <time className="message-time" data-testid="message-time" dateTime={m.createdAt} title={formatFull(m.createdAt, locale)}>
            {formatClock(m.createdAt, locale)}
          </time>
        </div>
        <div className="message-row">
          <div className="message-body" data-testid="message-body">
            {m.body}
          </div>
          {status ? (
            <span className={`message-status status-${m.state}`} data-testid="message-status" data-offline={String(offline)} title={status}>
              <span className="status-icon" aria-hidden="true" />
              {/* Pending: said in words, not only a spinner (offline, a message can wait for long).
                  A failed message says so in words in its own row below; here only for screen readers. */}
              <span className={m.state === 'failed' ? 'visually-hidden' : 'status-text'}>{status}</span>
            </span>
          ) : null}
        </div>
        {m.state === 'failed' ? (
          <div className="message-failed" role="alert">
            <span>
              {t('chat.state.failed')}
              {m.error ? ` · ${te({ code: m.error, details: m.errorReason ? { reason: m.errorReason } : undefined })}` : ''}
            </span>
            <button type="button" className="button button-link" data-testid="retry-button" onClick={onRetry}>
              {t('chat.retry')}
            </button>
            <button type="button" className="button button-link button-danger" data-testid="discard-button" onClick={onDiscard}>
              {t('chat.discard')}
            </button>
          </div>
        ) : null}
      </div>
    </div>
  );
});
