import { useId, useState, type FormEvent } from 'react';
import { Dialog } from '../../app/Dialog';
import { useT } from '../../i18n';
import { entryStore } from './entry';
import { startJoin } from './store';

/** "Paste a link": a field; Enter (or Continue) hands the text to the join flow, which parses it strictly. */
export function PasteDialog() {
  const { t } = useT();
  const [text, setText] = useState('');
  const [empty, setEmpty] = useState(false);
  const inputId = useId();
  const hintId = useId();
  const close = () => entryStore.getState().close();

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (!text.trim()) {
      setEmpty(true);
      return;
    }
    close();
    startJoin(text, 'paste');
  };

  return (
    <Dialog
      title={t('join.paste.title')}
      onClose={close}
      size="small"
      testId="join-paste-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={close}>
            {t('join.cancel')}
          </button>
          <button type="submit" form={`${inputId}-form`} className="button button-primary" data-testid="join-paste-submit">
            {t('join.paste.submit')}
          </button>
        </>
      }
    >
      <form id={`${inputId}-form`} className="join-paste" onSubmit={submit} noValidate>
        <label className="field" htmlFor={inputId}>
          <span className="field-label">{t('join.paste.label')}</span>
          <input
            id={inputId}
            className="text-input"
            type="text"
            autoFocus
            autoComplete="off"
            spellCheck={false}
            aria-describedby={hintId}
            aria-invalid={empty}
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              setEmpty(false);
            }}
            data-testid="join-paste-input"
          />
        </label>
        <p id={hintId} className="muted join-hint">
          {t('join.paste.hint')}
        </p>
        {empty ? (
          <p className="inline-error" role="alert" data-testid="join-paste-error">
            {t('join.paste.empty')}
          </p>
        ) : null}
      </form>
    </Dialog>
  );
}
