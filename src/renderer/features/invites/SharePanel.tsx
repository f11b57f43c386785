import { useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { AppError, Invite, InviteKind } from '@shared/contract';
import { QR_INVITE_DAYS } from '@shared/rules/limits';
import { useT, type MessageKey } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { ConfirmDialog, Dialog } from '../../app/Dialog';
import { useSignedIn } from '../../app/services';
import { displayName } from '../../lib/names';
import { DEFAULT_LINK_DAYS, DEFAULT_LINK_MAX_USES, EXPIRY_DAY_CHOICES, MAX_USES_CHOICES, activeInvites, expiryText, formatDateTime, inviteErrorText, maxUsesLabel, mayRevoke, usesText } from './format';
import { InviteCard } from './InviteCard';
import { useInvites, useMinuteClock } from './useInvites';
import './invites.css';

export interface ShareGroup {
  id: string;
  name: string;
  /** The group's "only admins may invite" setting (the error text names it). */
  onlyAdminsInvite: boolean;
}

type Tab = 'qr' | 'link' | 'list';
const TABS: readonly Tab[] = ['qr', 'link', 'list'];

/**
 * The group's share panel (issue 6 point 8): a QR code (7 days) or a live code, an invite link with
 * its expiry and max uses, and the list of active invites with their use counts. Shown to those the
 * permission table lets invite; the server decides again on every request.
 */
export function SharePanel({ group, canManage, onClose }: { group: ShareGroup; canManage: boolean; onClose(): void }) {
  const tr = useT();
  const { t } = tr;
  const state = useInvites(group.id);
  const now = useMinuteClock();
  const [tab, setTab] = useState<Tab>('qr');
  const [qrKind, setQrKind] = useState<'qr' | 'live'>('qr');
  // The invite each tab shows, once one was created or picked from the list (else the newest active one).
  const [shown, setShown] = useState<{ qr: string | null; link: string | null }>({ qr: null, link: null });
  const [revoking, setRevoking] = useState<Invite | null>(null);
  const [revokeBusy, setRevokeBusy] = useState(false);
  const [revokeError, setRevokeError] = useState<AppError | null>(null);
  const [notice, setNotice] = useState<MessageKey | null>(null);
  const tabRefs = useRef(new Map<Tab, HTMLButtonElement>());
  const baseId = useId();

  const active = useMemo(() => activeInvites(state.invites ?? [], now), [state.invites, now]);
  const pick = (kind: InviteKind, id: string | null) => active.find((i) => i.kind === kind && (id === null || i.id === id)) ?? null;
  const qrInvite = pick(qrKind, shown.qr) ?? pick(qrKind, null);
  const linkInvite = pick('link', shown.link) ?? pick('link', null);

  function onTabKeyDown(e: KeyboardEvent<HTMLElement>) {
    const i = TABS.indexOf(tab);
    const next =
      e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i - 1 + TABS.length) % TABS.length] : e.key === 'Home' ? TABS[0] : e.key === 'End' ? TABS.at(-1) : undefined;
    if (!next) return;
    e.preventDefault();
    setTab(next);
    tabRefs.current.get(next)?.focus();
  }

  const showInvite = (invite: Invite) => {
    if (invite.kind === 'link') {
      setShown((s) => ({ ...s, link: invite.id }));
      setTab('link');
    } else {
      setQrKind(invite.kind);
      setShown((s) => ({ ...s, qr: invite.id }));
      setTab('qr');
    }
  };

  const tabLabel = (id: Tab) => (id === 'list' && state.invites ? `${t('invites.tab.list')} (${active.length})` : t(`invites.tab.${id}`));

  return (
    <Dialog title={t('invites.title', { name: group.name })} onClose={onClose} size="large" testId="share-panel">
      <div className="share-tabs" role="tablist" aria-label={t('invites.tabs')} onKeyDown={onTabKeyDown}>
        {TABS.map((id) => (
          <button
            key={id}
            ref={(el) => {
              if (el) tabRefs.current.set(id, el);
              else tabRefs.current.delete(id);
            }}
            type="button"
            role="tab"
            id={`${baseId}-tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`${baseId}-panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className={`share-tab${tab === id ? ' is-active' : ''}`}
            data-testid={`share-tab-${id}`}
            onClick={() => {
              setTab(id);
              if (id === 'list') void state.refresh(); // use counts move as people join
            }}
          >
            {tabLabel(id)}
          </button>
        ))}
      </div>

      {notice ? (
        <p className="notice share-notice" role="status" data-testid="share-notice">
          {t(notice)}
        </p>
      ) : null}

      <div role="tabpanel" id={`${baseId}-panel-${tab}`} aria-labelledby={`${baseId}-tab-${tab}`} className="share-panel-body" data-testid={`share-panel-${tab}`}>
        {state.invites === null ? (
          state.loadError ? (
            <div className="share-state" role="alert" data-testid="share-load-error">
              <p>{inviteErrorText(tr, state.loadError, 'list', group.onlyAdminsInvite)}</p>
              <button type="button" className="button" onClick={() => void state.refresh()}>
                {t('invites.retry')}
              </button>
            </div>
          ) : (
            <div className="share-state" role="status">
              <Spinner /> {t('invites.loading')}
            </div>
          )
        ) : tab === 'qr' ? (
          <QrTab
            group={group}
            kind={qrKind}
            onKind={(k) => setQrKind(k)}
            invite={qrInvite}
            now={now}
            create={async () => {
              const r = await state.create({ kind: qrKind, groupId: group.id });
              if (r.ok) setShown((s) => ({ ...s, qr: r.invite.id }));
              return r.ok ? null : r.error;
            }}
          />
        ) : tab === 'link' ? (
          <LinkTab
            group={group}
            invite={linkInvite}
            now={now}
            create={async (expiresInDays, maxUses) => {
              const r = await state.create({ kind: 'link', groupId: group.id, expiresInDays, maxUses });
              if (r.ok) setShown((s) => ({ ...s, link: r.invite.id }));
              return r.ok ? null : r.error;
            }}
          />
        ) : (
          <InviteList
            invites={active}
            canManage={canManage}
            now={now}
            onShow={showInvite}
            onRevoke={(invite) => {
              setNotice(null);
              setRevokeError(null);
              setRevoking(invite);
            }}
          />
        )}
      </div>

      {revoking ? (
        <ConfirmDialog
          testId="confirm-revoke-invite"
          title={t('invites.revoke.title')}
          body={t(`invites.revoke.body.${revoking.kind}`)}
          confirmLabel={t('invites.revoke')}
          danger
          busy={revokeBusy}
          error={revokeError ? inviteErrorText(tr, revokeError, 'revoke', group.onlyAdminsInvite) : null}
          onClose={() => setRevoking(null)}
          onConfirm={() => {
            setRevokeBusy(true);
            void state.revoke(revoking.id).then((error) => {
              setRevokeBusy(false);
              if (error && error.code !== 'not_found') return setRevokeError(error);
              setRevoking(null);
              setNotice(error ? 'invites.error.gone' : 'invites.revoked');
            });
          }}
        />
      ) : null}
    </Dialog>
  );
}

type Create = () => Promise<AppError | null>;

function useCreate(create: Create) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const run = async () => {
    setBusy(true);
    setError(null);
    const e = await create();
    setBusy(false);
    setError(e);
  };
  return { busy, error, run };
}

function QrTab({ group, kind, onKind, invite, now, create }: { group: ShareGroup; kind: 'qr' | 'live'; onKind(k: 'qr' | 'live'): void; invite: Invite | null; now: Date; create: Create }) {
  const tr = useT();
  const { t } = tr;
  const creating = useCreate(create);
  const name = useId();
  return (
    <div className="share-tab-body">
      <fieldset className="share-kinds">
        <legend className="field-label">{t('invites.qr.kindLabel')}</legend>
        {(['qr', 'live'] as const).map((k) => (
          <label key={k} className={`share-kind${kind === k ? ' is-checked' : ''}`}>
            <input type="radio" name={name} value={k} checked={kind === k} onChange={() => onKind(k)} data-testid={`share-kind-${k}`} />
            <span className="share-kind-text">
              <span className="share-kind-title">{t(k === 'qr' ? 'invites.qr.plain' : 'invites.qr.live')}</span>
              <span className="muted share-kind-hint">{k === 'qr' ? t('invites.qr.plainHint', { days: QR_INVITE_DAYS }) : t('invites.qr.liveHint', { name: group.name })}</span>
            </span>
          </label>
        ))}
      </fieldset>
      {invite ? (
        <InviteCard key={invite.id} invite={invite} groupName={group.name} now={now} size="large" />
      ) : (
        <p className="share-empty" data-testid="share-qr-empty">
          {t(kind === 'qr' ? 'invites.qr.none' : 'invites.qr.noneLive')}
        </p>
      )}
      <div className="row-buttons share-create-row">
        <button
          type="button"
          className={`button${invite ? '' : ' button-primary'}`}
          disabled={creating.busy}
          aria-busy={creating.busy}
          onClick={() => void creating.run()}
          data-testid="share-qr-create"
        >
          {creating.busy ? <Spinner /> : null}
          {creating.busy ? t('invites.creating') : invite ? t('invites.qr.again') : t(kind === 'qr' ? 'invites.qr.create' : 'invites.qr.createLive')}
        </button>
      </div>
      {creating.error ? (
        <p className="inline-error" role="alert" data-testid="share-create-error">
          {inviteErrorText(tr, creating.error, 'create', group.onlyAdminsInvite)}
        </p>
      ) : null}
    </div>
  );
}

function LinkTab({ group, invite, now, create }: { group: ShareGroup; invite: Invite | null; now: Date; create(expiresInDays: number, maxUses: number | null): Promise<AppError | null> }) {
  const tr = useT();
  const { t, tp } = tr;
  const [days, setDays] = useState(DEFAULT_LINK_DAYS);
  const [maxUses, setMaxUses] = useState<number | null>(DEFAULT_LINK_MAX_USES);
  const creating = useCreate(() => create(days, maxUses));
  return (
    <div className="share-tab-body">
      <p className="muted">{t('invites.link.intro')}</p>
      <form
        className="share-link-form"
        onSubmit={(e) => {
          e.preventDefault();
          void creating.run();
        }}
      >
        <label className="field">
          <span className="field-label">{t('invites.link.expiry')}</span>
          <select className="select-input" value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="share-link-days">
            {EXPIRY_DAY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {tp('invites.link.days', d)}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span className="field-label">{t('invites.link.maxUses')}</span>
          <select
            className="select-input"
            value={maxUses === null ? '' : String(maxUses)}
            onChange={(e) => setMaxUses(e.target.value === '' ? null : Number(e.target.value))}
            data-testid="share-link-max-uses"
          >
            {MAX_USES_CHOICES.map((n) => (
              <option key={n ?? 'unlimited'} value={n === null ? '' : String(n)}>
                {maxUsesLabel(tr, n)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="button button-primary" disabled={creating.busy} aria-busy={creating.busy} data-testid="share-link-create">
          {creating.busy ? <Spinner /> : null}
          {creating.busy ? t('invites.creating') : t('invites.link.create')}
        </button>
      </form>
      {creating.error ? (
        <p className="inline-error" role="alert" data-testid="share-create-error">
          {inviteErrorText(tr, creating.error, 'create', group.onlyAdminsInvite)}
        </p>
      ) : null}
      {invite ? (
        <InviteCard key={invite.id} invite={invite} groupName={group.name} now={now} size="medium" />
      ) : (
        <p className="share-empty" data-testid="share-link-empty">
          {t('invites.link.none')}
        </p>
      )}
    </div>
  );
}

function InviteList({ invites, canManage, now, onShow, onRevoke }: { invites: Invite[]; canManage: boolean; now: Date; onShow(i: Invite): void; onRevoke(i: Invite): void }) {
  const tr = useT();
  const { t, locale } = tr;
  const { profile } = useSignedIn();
  return (
    <div className="share-tab-body">
      {canManage ? null : <p className="muted">{t('invites.list.mine')}</p>}
      {invites.length === 0 ? (
        <p className="share-empty" data-testid="invite-list-empty">
          {t('invites.list.empty')}
        </p>
      ) : (
        <ul className="invite-list" data-testid="invite-list">
          {invites.map((invite) => (
            <li key={invite.id} className="invite-row" data-testid="invite-row" data-invite-id={invite.id} data-kind={invite.kind}>
              <span className={`tag invite-kind invite-kind-${invite.kind}`}>{t(`invites.kind.${invite.kind}`)}</span>
              <span className="invite-row-text">
                <span className="invite-row-main">
                  <span data-testid="invite-uses">{usesText(tr, invite)}</span>
                  <span className="muted"> · {expiryText(tr, invite.expiresAt, now)}</span>
                </span>
                <span className="muted invite-row-sub">{t('invites.createdBy', { name: displayName(invite.createdBy, locale), time: formatDateTime(invite.createdAt, locale) })}</span>
              </span>
              <span className="invite-row-actions">
                <button type="button" className="button button-link" onClick={() => onShow(invite)} data-testid="invite-show">
                  {t('invites.list.show')}
                </button>
                {mayRevoke(invite, profile.member.id, canManage) ? (
                  <button type="button" className="button button-link button-link-danger" onClick={() => onRevoke(invite)} data-testid="invite-revoke">
                    {t('invites.revoke')}
                  </button>
                ) : null}
              </span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
