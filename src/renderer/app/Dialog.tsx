import { useEffect, useId, useRef, type ReactNode } from 'react';
import { useT } from '../i18n';

interface DialogProps {
  title: string;
  /** Esc, the close button and a click on the backdrop call it. */
  onClose(): void;
  children: ReactNode;
  /** Buttons at the bottom (the primary one last, as on Windows and macOS alike). */
  footer?: ReactNode;
  size?: 'small' | 'medium' | 'large';
  testId?: string;
}

/**
 * A modal dialog on the native <dialog> element: showModal() makes everything else inert (the focus
 * stays inside: a focus trap without counting tabbables) and Esc fires `cancel`, which we route to
 * onClose so React owns the open state. Focus returns to where it was when the dialog closes.
 */
export function Dialog({ title, onClose, children, footer, size = 'medium', testId }: DialogProps) {
  const { t } = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  useEffect(() => {
    onCloseRef.current = onClose;
  });

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', onCancel);
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      previous?.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      className={`dialog dialog-${size}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onMouseDown={(e) => {
        // A press on the backdrop (the dialog element itself, outside its box) closes it.
        if (e.target === ref.current) onCloseRef.current();
      }}
    >
      <div className="dialog-box">
        <header className="dialog-header">
          <h2 id={titleId} className="dialog-title">
            {title}
          </h2>
          <button type="button" className="button button-quiet dialog-close" aria-label={t('dialog.close')} onClick={() => onCloseRef.current()}>
            ×
          </button>
        </header>
        <div className="dialog-body">{children}</div>
        {footer ? <footer className="dialog-footer">{footer}</footer> : null}
      </div>
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onClose(): void;
  children?: ReactNode;
  testId?: string;
}

/** "Are you sure?" for destructive actions: Cancel is focused first, so Enter never destroys by accident. */
export function ConfirmDialog({ title, body, confirmLabel, danger, busy, error, onConfirm, onClose, children, testId }: ConfirmProps) {
  const { t } = useT();
  return (
    <Dialog
      title={title}
      onClose={onClose}
      size="small"
      testId={testId ?? 'confirm-dialog'}
      footer={
        <>
          <button type="button" className="button" autoFocus onClick={onClose} data-testid="confirm-cancel">
            {t('dialog.cancel')}
          </button>
          <button
            type="button"
            className={`button ${danger ? 'button-danger-solid' : 'button-primary'}`}
            disabled={busy}
            aria-busy={busy}
            onClick={onConfirm}
            data-testid="confirm-ok"
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div className="confirm-body">{body}</div>
      {children}
      {error ? (
        <p className="inline-error" role="alert" data-testid="confirm-error">
          {error}
        </p>
      ) : null}
    </Dialog>
  );
}
