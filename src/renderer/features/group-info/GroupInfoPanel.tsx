import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { AppError, GroupDetail, GroupMemberInfo, GroupSettings, SocketRequest, SocketRequestName } from '@shared/contract';
import { can, type Permission, type PermissionFacts } from '@shared/rules/permissions';
import { ANNOUNCEMENT_MAX_CHARS, GROUP_MEMBER_CAP, GROUP_NAME_MAX_CHARS } from '@shared/rules/limits';
import { useT } from '../../i18n';
import { Avatar } from '../../components/Avatar';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { formatFull } from '../../lib/time';
import { ConfirmDialog, Dialog } from '../../app/Dialog';
import { ColorChoice, GroupAvatar } from '../../app/GroupAvatar';
import { useSignedIn } from '../../app/services';
import { useOrgRole } from '../../app/useOrgRole';
import { PeoplePicker, subtreeIds, useOrgChart, type ChartIndex } from '../contacts';
import { SharePanel } from '../invites';
import './group-info.css';

type Confirm =
  | { kind: 'remove'; member: GroupMemberInfo }
  | { kind: 'transfer'; member: GroupMemberInfo }
  | { kind: 'leave' }
  | { kind: 'dissolve' }
  | { kind: 'closeSync' }
  | null;

/** Is the group's department under one this member heads? (Department heads manage those groups.) */
function headsDepartmentOf(index: ChartIndex | undefined, myId: string, departmentId: string | null): boolean {
  if (!index || !departmentId) return false;
  for (const d of index.byId.values()) if (d.headId === myId && subtreeIds(index, d.id).has(departmentId)) return true;
  return false;
}

/**
 * The group info panel (opened from the chat header; Esc closes): members with their roles,
 * announcement, settings, member cap, ban list, and only the actions the permission table allows
 * this member with the group's real facts. The server decides again on every request.
 */
export function GroupInfoPanel({ groupId, onClose }: { groupId: string; onClose(): void }) {
  const { t, te, tp, locale } = useT();
  const { db, engine, profile } = useSignedIn();
  const orgRole = useOrgRole();
  const chart = useOrgChart();
  const detail = useLiveQuery(async () => (await db.groupDetails.get(groupId)) ?? null, [db, groupId]);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<Confirm>(null);
  const [confirmError, setConfirmError] = useState<AppError | null>(null);
  const [ban, setBan] = useState(false);
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);

  useEffect(() => engine.watchGroupDetail(groupId), [engine, groupId]);
  useEffect(() => {
    let live = true;
    void engine.refreshGroupDetail(groupId).then((r) => {
      if (live) setLoadError(r.ok ? null : r.error);
    });
    return () => {
      live = false;
    };
  }, [engine, groupId]);
  useEffect(() => headingRef.current?.focus(), []);

  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    // Esc inside a dialog belongs to the dialog.
    if (e.key === 'Escape' && !(e.target instanceof Element && e.target.closest('dialog'))) {
      e.preventDefault();
      onClose();
    }
  }

  async function act<N extends SocketRequestName>(key: string, name: N, payload: SocketRequest<N>, inDialog = false): Promise<boolean> {
    setBusy(key);
    if (inDialog) setConfirmError(null);
    else setError(null);
    const r = await engine.request(name, payload);
    setBusy(null);
    if (!r.ok) {
      if (inDialog) setConfirmError(r.error);
      else setError(r.error);
      return false;
    }
    void engine.refreshGroupDetail(groupId);
    return true;
  }

  const closeConfirm = () => {
    setConfirm(null);
    setConfirmError(null);
    setBan(false);
  };

  return (
    <aside id="group-info-panel" className="group-info" aria-labelledby="group-info-heading" data-testid="group-info" onKeyDown={onKeyDown}>
      <header className="group-info-head">
        <h2 id="group-info-heading" className="group-info-heading" tabIndex={-1} ref={headingRef}>
          {t('groupInfo.title')}
        </h2>
        <button type="button" className="button button-quiet icon-button" aria-label={t('groupInfo.close')} title={t('groupInfo.close')} onClick={onClose} data-testid="group-info-close">
          ×
        </button>
      </header>
      {detail === undefined || (detail === null && !loadError) ? (
        <div className="group-info-state" role="status">
          <Spinner /> {t('groupInfo.loading')}
        </div>
      ) : detail === null ? (
        <div className="group-info-state" role="alert" data-testid="group-info-error">
          <p>{te(loadError!)}</p>
          <button type="button" className="button" onClick={() => void engine.refreshGroupDetail(groupId).then((r) => setLoadError(r.ok ? null : r.error))}>
            {t('groupInfo.retry')}
          </button>
        </div>
      ) : (
        <PanelBody
          detail={detail}
          facts={{
            orgRole,
            groupRole: detail.members.find((m) => m.id === profile.member.id)?.role ?? null,
            headsGroupDepartment: headsDepartmentOf(chart?.index, profile.member.id, detail.departmentId),
            onlyAdminsInvite: detail.settings.onlyAdminsInvite,
            atAll: detail.settings.atAll,
          }}
          busy={busy}
          act={act}
          onConfirm={setConfirm}
          onAdd={() => setAdding(true)}
        />
      )}
      {error ? (
        <p className="inline-error group-info-error" role="alert" data-testid="group-info-action-error">
          {te(error)}
        </p>
      ) : null}
      {notice ? (
        <p className="notice group-info-notice" role="status" data-testid="group-info-notice">
          {notice}
        </p>
      ) : null}

      {adding && detail ? (
        <AddMembersDialog
          detail={detail}
          onClose={() => setAdding(false)}
          onAdded={(text) => {
            setAdding(false);
            setNotice(text);
            void engine.refreshGroupDetail(groupId);
          }}
        />
      ) : null}

      {confirm && detail ? (
        <ConfirmDialog
          testId={`confirm-${confirm.kind}`}
          title={t(`groupInfo.confirm.${confirm.kind}.title`)}
          body={t(`groupInfo.confirm.${confirm.kind}.body`, {
            name: 'member' in confirm ? displayName(confirm.member, locale) : detail.name,
          })}
          confirmLabel={t(`groupInfo.confirm.${confirm.kind}.ok`)}
          danger={confirm.kind !== 'transfer'}
          busy={busy !== null}
          error={confirmError ? te(confirmError) : null}
          onClose={closeConfirm}
          onConfirm={() => {
            const done = (ok: boolean) => ok && closeConfirm();
            switch (confirm.kind) {
              case 'remove':
                void act('remove', 'groups:removeMember', { groupId, memberId: confirm.member.id, ban }, true).then(done);
                break;
              case 'transfer':
                void act('transfer', 'groups:transferOwnership', { groupId, memberId: confirm.member.id }, true).then(done);
                break;
              case 'leave':
                void act('leave', 'groups:leave', { groupId }, true).then(done);
                break;
              case 'dissolve':
                void act('dissolve', 'groups:dissolve', { groupId }, true).then(done);
                break;
              case 'closeSync':
                void act('closeSync', 'groups:closeDepartmentSync', { groupId }, true).then(done);
                break;
            }
          }}
        >
          {confirm.kind === 'remove' ? (
            <label className="check-row">
              <input type="checkbox" checked={ban} onChange={(e) => setBan(e.target.checked)} data-testid="remove-also-ban" />
              {t('groupInfo.alsoBan')}
            </label>
          ) : null}
        </ConfirmDialog>
      ) : null}
      <span className="visually-hidden" aria-live="polite">
        {detail ? tp('chat.members', detail.memberCount) : ''}
      </span>
    </aside>
  );
}

interface BodyProps {
  detail: GroupDetail;
  facts: PermissionFacts;
  busy: string | null;
  act<N extends SocketRequestName>(key: string, name: N, payload: SocketRequest<N>): Promise<boolean>;
  onConfirm(c: Confirm): void;
  onAdd(): void;
}

function PanelBody({ detail, facts, busy, act, onConfirm, onAdd }: BodyProps) {
  const { t, locale } = useT();
  const { profile } = useSignedIn();
  const may = (p: Permission, targetRole?: GroupMemberInfo['role']) => can(p, { ...facts, targetRole });
  const isOwner = facts.groupRole === 'owner';
  // A department group's membership follows the org chart: nobody adds, removes or dissolves by hand
  // until its sync is closed (the server refuses with reason department_group).
  const synced = detail.type === 'department' && detail.departmentId !== null;
  const canDissolve = !synced && (may('group.dissolve') || may('group.dissolve.force'));
  const [sharing, setSharing] = useState(false);

  return (
    <div className="group-info-body">
      <NameSection detail={detail} canEdit={may('group.rename')} busy={busy} act={act} />

      {/* Invites (issue 6): not for a synced department group, whose members follow the org chart. */}
      {may('group.invite.create') && !synced ? (
        <section className="info-section info-share">
          <button type="button" className="button info-share-button" onClick={() => setSharing(true)} data-testid="group-info-share">
            <span className="info-share-icon" aria-hidden="true" />
            {t('invites.open')}
          </button>
          {sharing ? (
            <SharePanel
              group={{ id: detail.id, name: detail.name, onlyAdminsInvite: detail.settings.onlyAdminsInvite }}
              canManage={may('group.invite.manage')}
              onClose={() => setSharing(false)}
            />
          ) : null}
        </section>
      ) : null}

      <section className="info-section" aria-labelledby="gi-members">
        <div className="info-section-head">
          <h3 id="gi-members" className="info-section-title">
            {t('groupInfo.members')} <span className="muted">· {detail.memberCount}</span>
          </h3>
          {may('group.member.add') && !synced ? (
            <button type="button" className="button button-link" onClick={onAdd} data-testid="group-info-add">
              {t('groupInfo.add')}
            </button>
          ) : null}
        </div>
        <CapLine detail={detail} canUpgrade={may('group.cap.upgrade')} busy={busy} act={act} />
        {synced ? (
          <p className="muted info-hint" data-testid="group-info-synced">
            {t('groupInfo.syncedNote')}
          </p>
        ) : null}
        <MemberList detail={detail} synced={synced} may={may} myId={profile.member.id} act={act} onConfirm={onConfirm} busy={busy} />
      </section>

      <AnnouncementSection detail={detail} canEdit={may('group.announcement')} busy={busy} act={act} />

      <SettingsSection detail={detail} canEdit={may('group.settings')} busy={busy} act={act} />

      {may('group.ban.manage') ? (
        <section className="info-section" aria-labelledby="gi-bans">
          <h3 id="gi-bans" className="info-section-title">
            {t('groupInfo.bans')}
          </h3>
          {detail.bans.length === 0 ? (
            <p className="muted">{t('groupInfo.noBans')}</p>
          ) : (
            <ul className="info-list" data-testid="ban-list">
              {detail.bans.map((b) => (
                <li key={b.member.id} className="info-member" data-testid="banned-member">
                  <Avatar name={displayName(b.member, locale)} size="small" />
                  <span className="info-member-text">
                    <span>{displayName(b.member, locale)}</span>
                    <span className="muted info-member-sub">
                      {b.bannedBy ? t('groupInfo.bannedBy', { name: displayName(b.bannedBy, locale), time: formatFull(b.at, locale) }) : formatFull(b.at, locale)}
                    </span>
                  </span>
                  <button
                    type="button"
                    className="button button-link"
                    disabled={busy !== null}
                    onClick={() => void act('unban', 'groups:unban', { groupId: detail.id, memberId: b.member.id })}
                  >
                    {t('groupInfo.unban')}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}

      <section className="info-section info-actions" aria-label={t('groupInfo.actions')}>
        {detail.type === 'department' && detail.departmentId && may('group.departmentSync.close') ? (
          <button type="button" className="button" onClick={() => onConfirm({ kind: 'closeSync' })} data-testid="group-info-close-sync">
            {t('groupInfo.closeSync')}
          </button>
        ) : null}
        {facts.groupRole !== null ? (
          isOwner ? (
            <p className="muted" data-testid="owner-must-transfer">
              {t('groupInfo.ownerMustTransfer')}
            </p>
          ) : may('group.leave') ? (
            <button type="button" className="button button-danger" onClick={() => onConfirm({ kind: 'leave' })} data-testid="group-info-leave">
              {t('groupInfo.leave')}
            </button>
          ) : null
        ) : null}
        {canDissolve ? (
          <button type="button" className="button button-danger-solid" onClick={() => onConfirm({ kind: 'dissolve' })} data-testid="group-info-dissolve">
            {t('groupInfo.dissolve')}
          </button>
        ) : null}
      </section>
    </div>
  );
}

function NameSection({ detail, canEdit, busy, act }: { detail: GroupDetail; canEdit: boolean; busy: string | null; act: BodyProps['act'] }) {
  const { t } = useT();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(detail.name);
  const [color, setColor] = useState(detail.avatarColor);
  const typeTag = detail.type !== 'internal' ? <span className={`tag tag-${detail.type}`}>{t(`groups.type.${detail.type}`)}</span> : null;

  if (editing) {
    return (
      <form
        className="info-section info-name-edit"
        onSubmit={(e) => {
          e.preventDefault();
          const changes = { ...(name.trim() !== detail.name ? { name: name.trim() } : {}), ...(color !== detail.avatarColor ? { avatarColor: color } : {}) };
          if (Object.keys(changes).length === 0) return setEditing(false);
          void act('rename', 'groups:update', { groupId: detail.id, ...changes }).then((ok) => ok && setEditing(false));
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            setEditing(false);
          }
        }}
      >
        <label className="field">
          <span className="field-label">{t('groups.create.name')}</span>
          <input className="text-input" data-testid="group-rename-input" autoFocus value={name} maxLength={GROUP_NAME_MAX_CHARS} onChange={(e) => setName(e.target.value)} required />
        </label>
        <fieldset className="field">
          <legend className="field-label">{t('groups.create.color')}</legend>
          <ColorChoice value={color} onChange={setColor} name={name} />
        </fieldset>
        <div className="row-buttons">
          <button type="button" className="button" onClick={() => setEditing(false)}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy !== null || !name.trim()} data-testid="group-rename-save">
            {t('groupInfo.save')}
          </button>
        </div>
      </form>
    );
  }
  return (
    <section className="info-section info-name">
      <GroupAvatar name={detail.name} color={detail.avatarColor} size="large" />
      <div className="info-name-text">
        <p className="info-group-name" data-testid="group-info-name">
          {detail.name}
          {typeTag}
        </p>
        {canEdit ? (
          <button
            type="button"
            className="button button-link"
            data-testid="group-rename"
            onClick={() => {
              setName(detail.name);
              setColor(detail.avatarColor);
              setEditing(true);
            }}
          >
            {t('groupInfo.rename')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function CapLine({ detail, canUpgrade, busy, act }: { detail: GroupDetail; canUpgrade: boolean; busy: string | null; act: BodyProps['act'] }) {
  const { t } = useT();
  const max = GROUP_MEMBER_CAP.internal;
  const upgradable = detail.type === 'internal' && detail.memberCap < max && canUpgrade;
  return (
    <p className="info-cap" data-testid="group-info-cap">
      <span>{t('groupInfo.cap', { count: detail.memberCount, cap: detail.memberCap })}</span>
      {upgradable ? (
        <button
          type="button"
          className="button button-link"
          data-testid="group-info-upgrade"
          disabled={busy !== null}
          onClick={() => void act('upgrade', 'groups:upgradeCap', { groupId: detail.id })}
        >
          {t('groupInfo.upgrade', { cap: max })}
        </button>
      ) : null}
    </p>
  );
}

function MemberList(props: {
  detail: GroupDetail;
  synced: boolean;
  may(p: Permission, targetRole?: GroupMemberInfo['role']): boolean;
  myId: string;
  busy: string | null;
  act: BodyProps['act'];
  onConfirm(c: Confirm): void;
}) {
  const { t, locale } = useT();
  const { detail, may, myId, act, busy } = props;
  const [filter, setFilter] = useState('');
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const rank = { owner: 0, admin: 1, member: 2 } as const;
  const members = useMemo(() => {
    const q = filter.trim().toLocaleLowerCase();
    return [...detail.members]
      .filter((m) => !q || m.name.toLocaleLowerCase().includes(q) || (m.nameEn ?? '').toLocaleLowerCase().includes(q))
      .sort((a, b) => rank[a.role] - rank[b.role] || a.joinedAt.localeCompare(b.joinedAt) || a.id.localeCompare(b.id));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [detail.members, filter]);

  return (
    <>
      {detail.members.length > 8 ? (
        <div className="search-box info-member-filter">
          <span className="search-icon" aria-hidden="true" />
          <input
            type="search"
            className="search-input"
            placeholder={t('groupInfo.filterMembers')}
            aria-label={t('groupInfo.filterMembers')}
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </div>
      ) : null}
      <ul className="info-list" data-testid="group-info-members">
        {members.map((m) => {
          const name = displayName(m, locale);
          const other = locale === 'en' ? m.name : m.nameEn;
          const isMe = m.id === myId;
          const actions: { key: string; label: string; run(): void; danger?: boolean }[] = [];
          if (!isMe) {
            if (m.role !== 'owner' && may('group.role.set')) {
              actions.push(
                m.role === 'admin'
                  ? { key: 'unadmin', label: t('groupInfo.unmakeAdmin'), run: () => void act('role', 'groups:setRole', { groupId: detail.id, memberId: m.id, role: 'member' }) }
                  : { key: 'admin', label: t('groupInfo.makeAdmin'), run: () => void act('role', 'groups:setRole', { groupId: detail.id, memberId: m.id, role: 'admin' }) },
              );
            }
            if (may('group.ownership.transfer') && m.role !== 'owner') actions.push({ key: 'transfer', label: t('groupInfo.transfer'), run: () => props.onConfirm({ kind: 'transfer', member: m }) });
            if (may('group.member.mute', m.role)) {
              actions.push({
                key: 'mute',
                label: m.muted ? t('groupInfo.unmute') : t('groupInfo.mute'),
                run: () => void act('mute', 'groups:muteMember', { groupId: detail.id, memberId: m.id, muted: !m.muted }),
              });
            }
            if (!props.synced && may('group.member.remove', m.role)) actions.push({ key: 'remove', label: t('groupInfo.remove'), danger: true, run: () => props.onConfirm({ kind: 'remove', member: m }) });
          }
          const open = menuFor === m.id;
          return (
            <li key={m.id} className="info-member" data-testid="group-member" data-member-id={m.id} data-role={m.role} data-name={m.name}>
              <Avatar name={name} size="small" />
              <span className="info-member-text">
                <span className="info-member-name">
                  {name}
                  {isMe ? <span className="muted"> {t('groupInfo.you')}</span> : null}
                  {m.role !== 'member' ? (
                    <span className={`tag tag-role tag-${m.role}`} data-testid="member-role-badge">
                      {t(`groupInfo.role.${m.role}`)}
                    </span>
                  ) : null}
                  {m.muted ? <span className="tag">{t('groupInfo.muted')}</span> : null}
                  {m.kind === 'guest' ? <span className="tag tag-external">{t('contacts.guest')}</span> : null}
                </span>
                {other && other !== name ? <span className="muted info-member-sub">{other}</span> : m.title ? <span className="muted info-member-sub">{m.title}</span> : null}
              </span>
              {actions.length > 0 ? (
                <span
                  className="member-menu"
                  onBlur={(e) => {
                    // Focus (or a click) leaving the menu closes it.
                    if (open && !(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) setMenuFor(null);
                  }}
                >
                  <button
                    type="button"
                    className="button button-quiet icon-button"
                    aria-haspopup="true"
                    aria-expanded={open}
                    aria-label={t('groupInfo.memberActions', { name })}
                    data-testid="member-actions"
                    onClick={() => setMenuFor(open ? null : m.id)}
                  >
                    <span aria-hidden="true">⋯</span>
                  </button>
                  {open ? (
                    <span
                      className="member-menu-list"
                      role="group"
                      aria-label={t('groupInfo.memberActions', { name })}
                      onKeyDown={(e) => {
                        const items = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button:not(:disabled)')];
                        const at = items.indexOf(document.activeElement as HTMLButtonElement);
                        if (e.key === 'Escape') {
                          e.stopPropagation();
                          setMenuFor(null);
                          // Back to the ⋯ button the menu came from.
                          (e.currentTarget.previousElementSibling as HTMLElement | null)?.focus();
                        } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                          e.preventDefault();
                          items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
                        }
                      }}
                    >
                      {actions.map((a, i) => (
                        <button
                          key={a.key}
                          type="button"
                          className={`member-menu-item${a.danger ? ' button-danger' : ''}`}
                          data-testid={`member-action-${a.key}`}
                          disabled={busy !== null}
                          autoFocus={i === 0}
                          onClick={() => {
                            setMenuFor(null);
                            a.run();
                          }}
                        >
                          {a.label}
                        </button>
                      ))}
                    </span>
                  ) : null}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </>
  );
}

function AnnouncementSection({ detail, canEdit, busy, act }: { detail: GroupDetail; canEdit: boolean; busy: string | null; act: BodyProps['act'] }) {
  const { t, locale } = useT();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const a = detail.announcement;
  return (
    <section className="info-section" aria-labelledby="gi-announcement">
      <div className="info-section-head">
        <h3 id="gi-announcement" className="info-section-title">
          {t('groupInfo.announcement')}
        </h3>
        {canEdit && !editing ? (
          <button
            type="button"
            className="button button-link"
            data-testid="announcement-edit"
            onClick={() => {
              setText(a?.text ?? '');
              setEditing(true);
            }}
          >
            {a?.text ? t('groupInfo.edit') : t('groupInfo.post')}
          </button>
        ) : null}
      </div>
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act('announcement', 'groups:setAnnouncement', { groupId: detail.id, text: text.trim() }).then((ok) => ok && setEditing(false));
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              e.stopPropagation();
              setEditing(false);
            }
          }}
        >
          <textarea
            className="text-input announcement-input"
            data-testid="announcement-input"
            rows={4}
            autoFocus
            maxLength={ANNOUNCEMENT_MAX_CHARS}
            value={text}
            aria-label={t('groupInfo.announcement')}
            onChange={(e) => setText(e.target.value)}
          />
          <div className="row-buttons">
            <span className="muted">{t('chat.counter', { count: text.length, max: ANNOUNCEMENT_MAX_CHARS })}</span>
            <button type="button" className="button" onClick={() => setEditing(false)}>
              {t('dialog.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={busy !== null} data-testid="announcement-save">
              {text.trim() ? t('groupInfo.publish') : t('groupInfo.clear')}
            </button>
          </div>
        </form>
      ) : a?.text ? (
        <div className="announcement" data-testid="announcement-text">
          <p className="announcement-body">{a.text}</p>
          <p className="muted announcement-meta">
            {a.by ? t('groupInfo.postedBy', { name: displayName(a.by, locale), time: formatFull(a.at, locale) }) : formatFull(a.at, locale)}
          </p>
        </div>
      ) : (
        <p className="muted" data-testid="announcement-empty">
          {canEdit ? t('groupInfo.noAnnouncementEdit') : t('groupInfo.noAnnouncement')}
        </p>
      )}
    </section>
  );
}

const VERIFICATIONS = ['none', 'approval', 'real_name', 'face'] as const;
const AT_ALL = ['everyone', 'admins', 'owner'] as const;
const HISTORY = ['last100', 'none'] as const;

function SettingsSection({ detail, canEdit, busy, act }: { detail: GroupDetail; canEdit: boolean; busy: string | null; act: BodyProps['act'] }) {
  const { t } = useT();
  const s = detail.settings;
  const set = (patch: Partial<GroupSettings>) => void act('settings', 'groups:updateSettings', { groupId: detail.id, settings: patch });
  const disabled = !canEdit || busy !== null;
  const toggle = (key: 'searchable' | 'onlyAdminsInvite' | 'muteAll') => (
    <label className="setting-row" key={key}>
      <span>{t(`groupInfo.setting.${key}`)}</span>
      <input type="checkbox" className="switch" role="switch" checked={s[key]} disabled={disabled} onChange={(e) => set({ [key]: e.target.checked })} data-testid={`setting-${key}`} />
    </label>
  );
  return (
    <section className="info-section" aria-labelledby="gi-settings" data-testid="group-settings">
      <h3 id="gi-settings" className="info-section-title">
        {t('groupInfo.settings')}
      </h3>
      {!canEdit ? <p className="muted info-hint">{t('groupInfo.settingsReadOnly')}</p> : null}
      <label className="setting-row">
        <span>{t('groupInfo.setting.joinVerification')}</span>
        <select value={s.joinVerification} disabled={disabled} onChange={(e) => set({ joinVerification: e.target.value as GroupSettings['joinVerification'] })} data-testid="setting-joinVerification">
          {VERIFICATIONS.map((v) => (
            <option key={v} value={v}>
              {t(`groupInfo.verify.${v}`)}
            </option>
          ))}
        </select>
      </label>
      {toggle('searchable')}
      {toggle('onlyAdminsInvite')}
      {toggle('muteAll')}
      <label className="setting-row">
        <span>{t('groupInfo.setting.atAll')}</span>
        <select value={s.atAll} disabled={disabled} onChange={(e) => set({ atAll: e.target.value as GroupSettings['atAll'] })} data-testid="setting-atAll">
          {AT_ALL.map((v) => (
            <option key={v} value={v}>
              {t(`groupInfo.atAll.${v}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="setting-row">
        <span>{t('groupInfo.setting.newcomerHistory')}</span>
        <select
          value={s.newcomerHistory}
          disabled={disabled}
          onChange={(e) => set({ newcomerHistory: e.target.value as GroupSettings['newcomerHistory'] })}
          data-testid="setting-newcomerHistory"
        >
          {HISTORY.map((v) => (
            <option key={v} value={v}>
              {t(`groupInfo.history.${v}`)}
            </option>
          ))}
        </select>
      </label>
    </section>
  );
}

function AddMembersDialog({ detail, onClose, onAdded }: { detail: GroupDetail; onClose(): void; onAdded(notice: string | null): void }) {
  const { t, te } = useT();
  const { engine } = useSignedIn();
  const [picked, setPicked] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const inGroup = useMemo(() => new Set(detail.members.map((m) => m.id)), [detail.members]);
  const guestsGoElsewhere = detail.type === 'internal';

  async function add() {
    if (picked.length === 0 || busy) return;
    setBusy(true);
    setError(null);
    const r = await engine.request('groups:addMembers', { groupId: detail.id, memberIds: picked });
    setBusy(false);
    if (!r.ok) return setError(r.error);
    if (r.value.externalGroup) {
      await engine.addCreatedGroup(r.value.externalGroup);
      return onAdded(t('groupInfo.externalCreated', { name: r.value.externalGroup.name }));
    }
    if (r.value.pendingRequestId) return onAdded(t('groupInfo.externalPending'));
    onAdded(null);
  }

  return (
    <Dialog
      title={t('groupInfo.addTitle')}
      onClose={onClose}
      size="large"
      testId="add-members-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="button" className="button button-primary" disabled={picked.length === 0 || busy} aria-busy={busy} onClick={() => void add()} data-testid="add-members-submit">
            {busy ? <Spinner /> : null}
            {t('groupInfo.addSubmit', { count: picked.length })}
          </button>
        </>
      }
    >
      {guestsGoElsewhere ? <p className="muted info-hint">{t('groupInfo.guestsHint')}</p> : null}
      <PeoplePicker
        selected={picked}
        onChange={setPicked}
        alreadyIn={inGroup}
        blockedReason={(p) => (p.kind === 'guest' && detail.type === 'department' ? t('groups.create.guestBlocked') : null)}
        autoFocus
      />
      {error ? (
        <p className="inline-error" role="alert" data-testid="add-members-error">
          {te(error)}
        </p>
      ) : null}
    </Dialog>
  );
}
