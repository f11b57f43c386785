import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { createPortal } from 'react-dom';
import type { Invite } from '@shared/contract';
import { useT } from '../../i18n';
import { useSignedIn } from '../../app/services';
import { expiryText, usesText } from './format';
import { joinLinks, qrFileName, qrText } from './links';
import { QUIET_ZONE, downloadCanvasPng, drawQrPng, qrMatrix, qrPath, type QrMatrix } from './qr';

/** The QR code as one crisp SVG path (scales to any size without blur). */
export function QrCode({ matrix, label, className, testId }: { matrix: QrMatrix; label: string; className?: string; testId?: string }) {
  const side = matrix.size + 2 * QUIET_ZONE;
  const path = useMemo(() => qrPath(matrix), [matrix]);
  return (
    <svg className={className} viewBox={`0 0 ${side} ${side}`} role="img" aria-label={label} shapeRendering="crispEdges" data-testid={testId} data-modules={matrix.size}>
      <rect width={side} height={side} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}

type CopyState = { which: 'web' | 'app'; ok: boolean } | null;

/**
 * One invite, ready to share: its QR code, expiry and use count, the link in both forms with copy
 * buttons, save as PNG and print. The print sheet lives outside the app root (a portal) so print
 * CSS can show it alone.
 */
export function InviteCard({ invite, groupName, now, size }: { invite: Invite; groupName: string; now: Date; size: 'large' | 'medium' }) {
  const tr = useT();
  const { t } = tr;
  const { profile } = useSignedIn();
  const links = useMemo(() => joinLinks(profile.serverUrl, invite.token), [profile.serverUrl, invite.token]);
  const matrix = useMemo(() => qrMatrix(qrText(links)), [links]);
  const [copied, setCopied] = useState<CopyState>(null);
  const [saveFailed, setSaveFailed] = useState(false);
  const webRef = useRef<HTMLInputElement>(null);
  const appRef = useRef<HTMLInputElement>(null);
  const expiry = expiryText(tr, invite.expiresAt, now);

  useEffect(() => {
    if (!copied?.ok) return;
    const timer = setTimeout(() => setCopied(null), 2500);
    return () => clearTimeout(timer);
  }, [copied]);

  const copy = async (which: 'web' | 'app') => {
    const input = (which === 'web' ? webRef : appRef).current;
    const text = which === 'web' ? links.web : links.app;
    if (!text) return;
    setCopied({ which, ok: await copyFrom(text, input) });
  };

  const savePng = async () => {
    setSaveFailed(false);
    try {
      const canvas = document.createElement('canvas');
      drawQrPng(canvas, matrix, { title: groupName, subtitle: expiry });
      await downloadCanvasPng(canvas, qrFileName(groupName, invite.kind, new Date()));
    } catch (e) {
      console.warn('saving the QR code failed', e);
      setSaveFailed(true);
    }
  };

  const print = () => {
    const root = document.documentElement;
    root.classList.add('printing-invite');
    const done = () => {
      root.classList.remove('printing-invite');
      window.removeEventListener('afterprint', done);
    };
    window.addEventListener('afterprint', done);
    window.print();
  };

  return (
    <div className={`invite-card invite-card-${size}`} data-testid="invite-card" data-invite-id={invite.id} data-kind={invite.kind}>
      <QrCode matrix={matrix} label={t('invites.qr.label', { name: groupName })} className="invite-qr" testId="invite-qr" />
      <div className="invite-card-side">
        <p className="invite-card-kind">
          <span className={`tag invite-kind invite-kind-${invite.kind}`}>{t(`invites.kind.${invite.kind}`)}</span>
        </p>
        <p className="invite-card-expiry" data-testid="invite-expiry">
          {expiry}
        </p>
        <p className="muted" data-testid="invite-card-uses">
          {usesText(tr, invite)}
        </p>
        {links.web ? (
          <LinkField label={t('invites.link.web')} value={links.web} inputRef={webRef} button={t('invites.copy')} onCopy={() => void copy('web')} testId="invite-link-web" />
        ) : null}
        <LinkField label={t('invites.link.app')} value={links.app} inputRef={appRef} button={t('invites.copyApp')} onCopy={() => void copy('app')} testId="invite-link-app" />
        <p className={copied && !copied.ok ? 'inline-error' : 'invite-copied'} role="status" aria-live="polite" data-testid="invite-copy-status">
          {copied ? (copied.ok ? t('invites.copied') : t('invites.copyFailed')) : ''}
        </p>
        <div className="invite-card-actions">
          <button type="button" className="button" onClick={() => void savePng()} data-testid="invite-save-png">
            {t('invites.savePng')}
          </button>
          <button type="button" className="button" onClick={print} data-testid="invite-print">
            {t('invites.print')}
          </button>
        </div>
        {saveFailed ? (
          <p className="inline-error" role="alert">
            {t('invites.saveFailed')}
          </p>
        ) : null}
      </div>
      {createPortal(
        <div className="invite-print-sheet" data-testid="invite-print-sheet">
          <h1 className="invite-print-name">{groupName}</h1>
          <QrCode matrix={matrix} label={t('invites.qr.label', { name: groupName })} className="invite-print-qr" />
          <p className="invite-print-scan">{t('invites.print.scan')}</p>
          <p className="invite-print-expiry">{expiry}</p>
          {links.web ? <p className="invite-print-link">{links.web}</p> : null}
        </div>,
        document.body,
      )}
    </div>
  );
}

function LinkField({ label, value, inputRef, button, onCopy, testId }: { label: string; value: string; inputRef: RefObject<HTMLInputElement | null>; button: string; onCopy(): void; testId: string }) {
  return (
    <label className="field invite-link-field">
      <span className="field-label">{label}</span>
      <span className="invite-link-row">
        <input ref={inputRef} className="text-input invite-link-input" readOnly value={value} onFocus={(e) => e.currentTarget.select()} data-testid={testId} />
        <button type="button" className="button" onClick={onCopy} data-testid={`${testId}-copy`}>
          {button}
        </button>
      </span>
    </label>
  );
}

/**
 * The async clipboard first; where it is refused (the desktop app grants no clipboard permission)
 * the field's own text is selected and copied the old way — inside the modal, since everything
 * outside it is inert. Returns false when neither worked (the text stays selected for Ctrl+C).
 */
async function copyFrom(text: string, input: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!input) return false;
    input.focus();
    input.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}
