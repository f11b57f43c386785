import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { AppError } from '@shared/contract';
import { useT, type Translator } from '../../i18n';
import { adminErrorText } from './errors';

/**
 * A message kept in state as a function of the translator, not as text: switching the language
 * re-renders notices and errors already on screen in the new language.
 */
export type Msg = (tr: Translator) => string;
export const errorMsg =
  (error: Pick<AppError, 'code' | 'details'>): Msg =>
  (tr) =>
    adminErrorText(tr, error);


/**
 * Small pieces the admin pages share: a modal dialog (native <dialog>: focus stays inside, Esc
 * closes), a copy button, and Blob downloads.
 */

export function Dialog(props: {
  title: string;
  testId: string;
  onClose(): void;
  children: ReactNode;
  /** Wider dialogs for forms with two columns. */
  wide?: boolean;
  /** While work is running the dialog may not be dismissed with Esc. */
  busy?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const { onClose, busy } = props;
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`admin-dialog${props.wide ? ' is-wide' : ''}`}
      data-testid={props.testId}
      aria-labelledby={`${props.testId}-title`}
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onClose();
      }}
    >
      <h2 id={`${props.testId}-title`} className="admin-dialog-title">
        {props.title}
      </h2>
      {props.children}
    </dialog>
  );
}

/** Copies text; falls back to a hidden textarea where the async clipboard is not available. */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let done = false;
    try {
      done = document.execCommand('copy');
    } catch {
      done = false;
    }
    area.remove();
    return done;
  }
}

export function CopyButton({ text, testId, label }: { text: string; testId: string; label?: string }) {
  const { t } = useT();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const timer = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(timer);
  }, [state]);
  return (
    <button
      type="button"
      className="button"
      data-testid={testId}
      data-state={state}
      onClick={() => void copyText(text).then((ok) => setState(ok ? 'copied' : 'failed'))}
    >
      {state === 'copied' ? t('admin.copied') : state === 'failed' ? t('admin.copyFailed') : (label ?? t('admin.copy'))}
    </button>
  );
}

/** Saves text as a file through a Blob URL (browser download / Electron's save dialog). */
export function downloadText(fileName: string, text: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ErrorNote({ text, testId }: { text: string | null; testId: string }) {
  if (!text) return null;
  return (
    <p className="inline-error" role="alert" data-testid={testId}>
      {text}
    </p>
  );
}
