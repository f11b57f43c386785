import { useId, useState, type KeyboardEvent } from 'react';
import type { AppError } from '@shared/contract';
import { MESSAGE_MAX_CHARS } from '@shared/rules/limits';
import { useT } from '../../i18n';
import { useSignedIn } from '../../app/services';
import { uiStore, useUi } from '../../stores/ui';
import { draftState } from './draft';

export function Composer({ groupId, onSent }: { groupId: string; onSent(): void }) {
  const { t, te } = useT();
  const { engine } = useSignedIn();
  const draft = useUi((s) => s.drafts[groupId] ?? '');
  const [error, setError] = useState<AppError | null>(null);
  const counterId = useId();

  const { length, tooLong, showCounter, canSend } = draftState(draft);

  async function send() {
    if (!canSend) return;
    const text = draft;
    // Clear first: a second Enter while the write is in flight must not send the text twice.
    uiStore.getState().setDraft(groupId, '');
    setError(null);
    const r = await engine.send(groupId, text);
    if (r.ok) onSent();
    else {
      uiStore.getState().setDraft(groupId, text);
      setError(r.error);
    }
  }

  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key !== 'Enter' || e.shiftKey) return;
    // An IME (Chinese pinyin, Japanese…) uses Enter to commit the composition: never send then.
    // keyCode 229 covers browsers that end the composition before the keydown.
    if (e.nativeEvent.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    void send();
  }

  return (
    <div className="composer">
      <label className="visually-hidden" htmlFor={`${counterId}-input`}>
        {t('chat.composerLabel')}
      </label>
      <textarea
        id={`${counterId}-input`}
        className="composer-input"
        data-testid="composer-input"
        rows={2}
        placeholder={t('chat.composerPlaceholder')}
        value={draft}
        onChange={(e) => uiStore.getState().setDraft(groupId, e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={showCounter ? counterId : undefined}
        aria-invalid={tooLong}
        autoFocus
      />
      <div className="composer-bar">
        <div className="composer-info">
          {error ? (
            <span className="inline-error" role="alert">
              {te(error)}
            </span>
          ) : null}
          {showCounter ? (
            <span id={counterId} className={`composer-counter${tooLong ? ' is-over' : ''}`} data-testid="composer-counter" aria-live="polite">
              {tooLong ? t('chat.tooLong', { count: length - MESSAGE_MAX_CHARS }) : t('chat.counter', { count: length, max: MESSAGE_MAX_CHARS })}
            </span>
          ) : null}
        </div>
        <button type="button" className="button button-primary" data-testid="composer-send" disabled={!canSend} onClick={() => void send()}>
          {t('chat.send')}
        </button>
      </div>
    </div>
  );
}
