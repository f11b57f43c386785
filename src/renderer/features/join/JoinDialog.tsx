import { Fragment, useEffect, useId, useState, type ReactNode } from 'react';
import './join.css';
import { GROUP_MEMBER_CAP, JOIN_REQUEST_MESSAGE_MAX_CHARS } from '@shared/rules/limits';
import type { JoinPreview } from '@shared/contract';
import { Dialog } from '../../app/Dialog';
import { GroupAvatar } from '../../app/GroupAvatar';
import { Spinner } from '../../components/Spinner';
import { useT, type MessageKey, type Translator } from '../../i18n';
import { displayName } from '../../lib/names';
import { useConnectionState } from '../../stores/connection';
import { appMode, openInBrowser } from './bridge';
import { joinStore, useJoin, type JoinStep } from './store';

const formatDate = (d: Date | string, locale: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(d));

/**
 * The join flow's one dialog: whatever step the store is at, in words, with the next step as the
 * primary button. Text that is not a Muster code is rendered as React text (never HTML).
 */
export function JoinDialog() {
  const step = useJoin((s) => s.step);
  if (step.kind === 'idle') return null;
  return <JoinDialogOpen step={step} />;
}

/** A new key per step re-mounts the step's content, so focus lands on its primary button. */
const stepKey = (step: JoinStep): string => (step.kind === 'preview' ? `preview-${step.preview.group.id}-${step.preview.next}` : step.kind);

function JoinDialogOpen({ step }: { step: Exclude<JoinStep, { kind: 'idle' }> }) {
  const tr = useT();
  const { t } = tr;
  const busy = useJoin((s) => s.busy);
  const actionError = useJoin((s) => s.actionError);
  const [message, setMessage] = useState('');
  const messageId = useId();
  const store = joinStore.getState();
  const key = stepKey(step);
  const onClose = () => store.close();
  const title = step.kind === 'notCode' ? t('join.notCode.title') : step.kind === 'full' ? t('join.full.title') : t('join.title');

  const closeButton = (label: MessageKey = 'join.close', autoFocus = false) => (
    <button type="button" className="button" onClick={onClose} autoFocus={autoFocus} data-testid="join-close">
      {t(label)}
    </button>
  );
  const primary = (label: string, onClick: () => void, testId: string) => (
    <button type="button" className="button button-primary" autoFocus disabled={busy} aria-busy={busy} onClick={onClick} data-testid={testId}>
      {busy ? <Spinner /> : null}
      {label}
    </button>
  );

  let body: ReactNode;
  let footer: ReactNode;
  switch (step.kind) {
    case 'loading':
      body = (
        <p className="join-status" role="status">
          <Spinner /> {t('join.loading')}
        </p>
      );
      footer = closeButton('join.cancel');
      break;
    case 'preview': {
      const { preview } = step;
      const requestReason = preview.requestReason ?? 'approval';
      body = (
        <>
          <PreviewCard preview={preview} tr={tr} />
          {preview.next === 'open' ? <p className="join-next">{t('join.next.open')}</p> : null}
          {preview.next === 'pending' ? <p className="join-next notice">{t('join.next.pending')}</p> : null}
          {preview.next === 'confirm_real_name' ? (
            <div className="join-next">
              <p>{t('join.next.confirmName')}</p>
              <p className="join-real-name" data-testid="join-real-name">
                {preview.realName ?? ''}
              </p>
              <p className="muted">{t('join.next.confirmNameHint')}</p>
            </div>
          ) : null}
          {preview.next === 'request' ? (
            <div className="join-next">
              <p className={requestReason === 'approval' ? '' : 'notice'} data-testid="join-request-reason" data-reason={requestReason}>
                {t(`join.next.request.${requestReason}`)}
              </p>
              <label className="field" htmlFor={messageId}>
                <span className="field-label">{t('join.request.label')}</span>
                <textarea
                  id={messageId}
                  className="text-input join-message"
                  rows={3}
                  maxLength={JOIN_REQUEST_MESSAGE_MAX_CHARS}
                  placeholder={t('join.request.placeholder')}
                  value={message}
                  onChange={(e) => setMessage(e.target.value)}
                  data-testid="join-request-message"
                />
                <span className="muted join-count">{t('join.request.left', { count: JOIN_REQUEST_MESSAGE_MAX_CHARS - message.length })}</span>
              </label>
            </div>
          ) : null}
        </>
      );
      footer = (
        <>
          {closeButton(preview.next === 'open' || preview.next === 'pending' ? 'join.close' : 'join.cancel', preview.next === 'pending')}
          {preview.next === 'join' ? primary(t('join.action.join'), () => void store.accept(), 'join-accept') : null}
          {preview.next === 'confirm_real_name'
            ? primary(t('join.action.confirmName'), () => void store.accept({ confirmRealName: true }), 'join-confirm-name')
            : null}
          {preview.next === 'request' ? primary(t('join.action.request'), () => void store.accept({ request: true, message }), 'join-request-send') : null}
          {preview.next === 'open' ? primary(t('join.action.open'), () => void store.accept(), 'join-open-group') : null}
        </>
      );
      break;
    }
    case 'requested':
      body = (
        <p className="join-next" role="status" data-testid="join-requested">
          {t('join.requested', { name: step.request.group.name })}
        </p>
      );
      footer = closeButton('join.close', true);
      break;
    case 'refused':
      body = (
        <p className="join-refusal" role="alert" data-testid="join-refused" data-reason={step.reason}>
          {t(`join.refused.${step.reason}`)}
        </p>
      );
      footer = (
        <>
          {closeButton('join.close', step.reason !== 'removed')}
          {step.reason === 'removed' ? primary(t('join.action.askApproval'), () => store.retry(), 'join-ask-approval') : null}
        </>
      );
      break;
    case 'full': {
      const max = GROUP_MEMBER_CAP.internal;
      body = (
        <div className="join-full" data-testid="join-full" data-can-upgrade={step.canUpgrade}>
          <p>{step.groupName ? t('join.full.body', { name: step.groupName, cap: step.memberCap }) : t('join.full.bodyUnnamed', { cap: step.memberCap })}</p>
          <p className="muted">{step.canUpgrade ? t('join.full.canUpgrade', { max }) : t('join.full.ask')}</p>
        </div>
      );
      footer = (
        <>
          {closeButton('join.close', !step.canUpgrade)}
          {step.canUpgrade ? primary(t('join.action.upgrade', { max }), () => void store.upgrade(), 'join-upgrade') : null}
        </>
      );
      break;
    }
    case 'notCode':
      body = <NotCode parsed={step.parsed} tr={tr} />;
      footer = closeButton('join.close', step.parsed.kind === 'text');
      break;
    case 'offline':
      body = <Offline check={step.check} tr={tr} />;
      footer = closeButton('join.cancel', true);
      break;
    case 'failed':
      body = (
        <p className="join-refusal" role="alert" data-testid="join-failed" data-code={step.error.code}>
          {t('join.failed', { reason: tr.te(step.error) })}
        </p>
      );
      footer = (
        <>
          {closeButton()}
          {primary(t('join.tryAgain'), () => store.retry(), 'join-retry')}
        </>
      );
      break;
  }

  return (
    <Dialog title={title} onClose={onClose} size="small" testId="join-dialog" footer={<Fragment key={key}>{footer}</Fragment>}>
      <div key={key} className="join-body" data-testid="join-step" data-step={step.kind === 'preview' ? `preview-${step.preview.next}` : step.kind}>
        {body}
        {actionError ? (
          <p className="inline-error" role="alert" data-testid="join-error">
            {tr.te(actionError)}
          </p>
        ) : null}
      </div>
    </Dialog>
  );
}

function PreviewCard({ preview, tr }: { preview: JoinPreview; tr: Translator }) {
  const { t, locale } = tr;
  const { group } = preview;
  return (
    <div className="join-card" data-testid="join-preview" data-group-id={group.id}>
      <GroupAvatar name={group.name} color={group.avatarColor} size="large" />
      <div className="join-card-text">
        <p className="join-group-name" data-testid="join-group-name">
          {group.name}
        </p>
        <p className="join-meta">
          <span className={`tag tag-${group.type}`}>{t(`groups.type.${group.type}`)}</span>
          <span data-testid="join-members">{t('join.preview.members', { count: group.memberCount, cap: group.memberCap })}</span>
        </p>
        <p className="join-meta muted">
          <span>{t(`join.preview.via.${preview.via}`)}</span>
          {preview.sharedBy ? <span data-testid="join-shared-by">{t('join.preview.sharedBy', { name: displayName(preview.sharedBy, locale) })}</span> : null}
        </p>
        {preview.expiresAt ? <p className="join-meta muted">{t('join.preview.expires', { date: formatDate(preview.expiresAt, locale) })}</p> : null}
        <p className="join-asks" data-testid="join-asks" data-verification={preview.verification}>
          {t(`join.preview.asks.${preview.verification}`)}
        </p>
        {preview.overflowFrom ? (
          <p className="join-overflow notice" data-testid="join-overflow">
            {t('join.preview.overflow', { from: preview.overflowFrom.name, name: group.name })}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** A code that is not ours: shown as text. A web address may be opened — only through the OS browser. */
function NotCode({ parsed, tr }: { parsed: { kind: 'url'; url: string } | { kind: 'text'; text: string }; tr: Translator }) {
  const { t } = tr;
  const [mode, setMode] = useState<'electron' | 'browser' | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    void appMode().then((m) => live && setMode(m));
    return () => {
      live = false;
    };
  }, []);
  if (parsed.kind === 'text') {
    return (
      <div className="join-notcode">
        <p>{parsed.text ? t('join.notCode.text') : t('join.notCode.empty')}</p>
        {parsed.text ? (
          <pre className="join-raw" data-testid="join-notcode-text">
            {parsed.text}
          </pre>
        ) : null}
      </div>
    );
  }
  return (
    <div className="join-notcode">
      <p>{t('join.notCode.url')}</p>
      <pre className="join-raw" data-testid="join-notcode-text">
        {parsed.url}
      </pre>
      {mode === 'browser' ? (
        // Browser mode: the page is in a browser already; a new tab with no way back to this page.
        <a className="button" href={parsed.url} target="_blank" rel="noopener noreferrer" data-testid="join-open-browser">
          {t('join.notCode.openBrowser')}
        </a>
      ) : mode === 'electron' ? (
        <button
          type="button"
          className="button"
          data-testid="join-open-browser"
          onClick={() => void openInBrowser(parsed.url).then((ok) => setFailed(!ok))}
        >
          {t('join.notCode.openBrowser')}
        </button>
      ) : null}
      {failed ? (
        <p className="inline-error" role="alert">
          {t('join.notCode.openFailed')}
        </p>
      ) : null}
    </div>
  );
}

function Offline({ check, tr }: { check: Extract<JoinStep, { kind: 'offline' }>['check']; tr: Translator }) {
  const { t, locale } = tr;
  const state = useConnectionState();
  const text =
    check?.kind === 'valid'
      ? t('join.offline.valid', { date: formatDate(check.expiresAt, locale) })
      : check?.kind === 'foreign'
        ? t('join.offline.foreign')
        : t('join.offline.unknown');
  return (
    <div className="join-offline" data-testid="join-offline" data-check={check?.kind ?? 'none'}>
      <p className="join-offline-title">
        <strong>{state === 'connecting' ? t('join.offline.waiting') : t('join.offline.title')}</strong>
      </p>
      <p>{text}</p>
      <p className="join-status muted" role="status">
        <Spinner /> {t('join.offline.waiting')}
      </p>
    </div>
  );
}
