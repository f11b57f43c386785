import { useMemo, useState, type FormEvent } from 'react';
import type { AppError, DirectoryMember, GroupSummary } from '@shared/contract';
import { CreatableGroupType } from '@shared/contract';
import { decide } from '@shared/rules/permissions';
import { GROUP_MEMBER_CAP, GROUP_NAME_MAX_CHARS, INTERNAL_GROUP_INITIAL_CAP } from '@shared/rules/limits';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { Dialog } from '../../app/Dialog';
import { ColorChoice } from '../../app/GroupAvatar';
import { useSignedIn } from '../../app/services';
import { useOrgRole } from '../../app/useOrgRole';
import { uiStore } from '../../stores/ui';
import { PeoplePicker, useOrgChart } from '../contacts';

type CreatableType = (typeof CreatableGroupType.options)[number];
type Color = GroupSummary['avatarColor'];

/** Guests (outside contacts) may only be in these types (the database enforces it too). */
const GUEST_TYPES: readonly CreatableType[] = ['external', 'training'];

/**
 * Creates a group by picking people from the org chart. Only the types the permission table allows
 * for the member's org role are offered; a department head's external group is a request that a
 * super admin approves (the dialog says so before and after).
 */
export function CreateGroupDialog({ preselected, onClose }: { preselected: readonly string[]; onClose(): void }) {
  const { t, te, locale } = useT();
  const { engine, profile } = useSignedIn();
  const orgRole = useOrgRole();
  const chart = useOrgChart();
  const iAmGuest = chart?.me?.kind === 'guest';
  const types = useMemo(
    () =>
      CreatableGroupType.options
        .map((type) => ({ type, decision: decide(`group.create.${type}`, { orgRole }) }))
        // An outside contact owns only groups they may be in (the database refuses the rest).
        .filter((x) => x.decision.allowed && (!iAmGuest || GUEST_TYPES.includes(x.type)))
        .map((x) => ({ type: x.type, approval: x.decision.allowed && x.decision.approval })),
    [orgRole, iAmGuest],
  );
  const [picked, setPicked] = useState<string[]>(() => preselected.filter((id) => id !== profile.member.id));
  const [type, setType] = useState<CreatableType>(types[0]?.type ?? 'internal');
  const [typedName, setTypedName] = useState<string | null>(null);
  const [color, setColor] = useState<Color>('blue');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  const [pending, setPending] = useState(false);

  const people = picked.map((id) => chart?.index.people.get(id)).filter((p): p is DirectoryMember => p !== undefined);
  const guestsBlocked = !GUEST_TYPES.includes(type);
  const pickedGuests = guestsBlocked ? people.filter((p) => p.kind === 'guest') : [];
  const suggested = suggestName([displayName(profile.member, locale), ...people.map((p) => displayName(p, locale))], locale);
  const name = typedName ?? suggested;
  const approval = types.find((x) => x.type === type)?.approval ?? false;
  const canSubmit = !busy && name.trim() !== '' && pickedGuests.length === 0 && types.length > 0;

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!canSubmit) return;
    setBusy(true);
    setError(null);
    const r = await engine.request('groups:create', { name: name.trim(), type, memberIds: picked, avatarColor: color });
    setBusy(false);
    if (!r.ok) {
      setError(r.error);
      return;
    }
    if (r.value.group) {
      await engine.addCreatedGroup(r.value.group);
      uiStore.getState().selectGroup(r.value.group.id);
      uiStore.getState().setSection('messages');
      onClose();
      return;
    }
    setPending(true);
  }

  if (pending) {
    return (
      <Dialog
        title={t('groups.create.title')}
        onClose={onClose}
        size="small"
        testId="create-group-dialog"
        footer={
          <button type="button" className="button button-primary" autoFocus onClick={onClose}>
            {t('groups.create.done')}
          </button>
        }
      >
        <p data-testid="create-group-pending">{t('groups.create.pendingSent')}</p>
      </Dialog>
    );
  }

  return (
    <Dialog
      title={t('groups.create.title')}
      onClose={onClose}
      size="large"
      testId="create-group-dialog"
      footer={
        <>
          <button type="button" className="button" onClick={onClose}>
            {t('dialog.cancel')}
          </button>
          <button type="submit" form="create-group-form" className="button button-primary" disabled={!canSubmit} aria-busy={busy} data-testid="create-group-submit">
            {busy ? <Spinner /> : null}
            {approval ? t('groups.create.submitForApproval') : t('groups.create.submit')}
          </button>
        </>
      }
    >
      <form id="create-group-form" className="create-group" onSubmit={(e) => void submit(e)}>
        <PeoplePicker
          selected={picked}
          onChange={setPicked}
          hide={new Set([profile.member.id])}
          blockedReason={(p) => (guestsBlocked && p.kind === 'guest' ? t('groups.create.guestBlocked') : null)}
          autoFocus
        />
        <div className="create-group-side">
          <fieldset className="field">
            <legend className="field-label">{t('groups.create.type')}</legend>
            <div className="type-options" role="radiogroup">
              {types.map((x) => (
                <label key={x.type} className={`type-option${type === x.type ? ' is-selected' : ''}`} data-testid={`create-type-${x.type}`}>
                  <input type="radio" name="group-type" value={x.type} checked={type === x.type} onChange={() => setType(x.type)} />
                  <span className="type-option-text">
                    <span className="type-option-name">{t(`groups.type.${x.type}`)}</span>
                    <span className="muted type-option-desc">
                      {t(`groups.create.typeDesc.${x.type}`, {
                        cap: x.type === 'internal' ? INTERNAL_GROUP_INITIAL_CAP : GROUP_MEMBER_CAP[x.type],
                        max: GROUP_MEMBER_CAP[x.type],
                      })}
                    </span>
                    {x.approval ? (
                      <span className="type-option-approval" data-testid="create-type-approval">
                        {t('groups.create.needsApproval')}
                      </span>
                    ) : null}
                  </span>
                </label>
              ))}
            </div>
          </fieldset>
          {pickedGuests.length > 0 ? (
            <p className="inline-error" role="alert" data-testid="create-guests-warning">
              {t('groups.create.guestsPicked', { names: pickedGuests.map((p) => displayName(p, locale)).join(locale === 'en' ? ', ' : '、') })}
            </p>
          ) : null}
          <label className="field">
            <span className="field-label">{t('groups.create.name')}</span>
            <input
              className="text-input"
              data-testid="create-group-name"
              value={name}
              maxLength={GROUP_NAME_MAX_CHARS}
              onChange={(e) => setTypedName(e.target.value)}
              required
            />
          </label>
          <fieldset className="field">
            <legend className="field-label">{t('groups.create.color')}</legend>
            <ColorChoice value={color} onChange={setColor} name={name} />
          </fieldset>
          {error ? (
            <p className="inline-error" role="alert" data-testid="create-group-error">
              {te(error)}
            </p>
          ) : null}
        </div>
      </form>
    </Dialog>
  );
}

/** 张伟、李娜、王芳 / Zhang Wei, Li Na, Wang Fang — the first few names, as WeCom does. */
export function suggestName(names: readonly string[], locale: 'zh-CN' | 'en'): string {
  const shown = names.slice(0, 4).join(locale === 'en' ? ', ' : '、');
  const more = names.length > 4 ? (locale === 'en' ? '…' : '等') : '';
  return (shown + more).slice(0, GROUP_NAME_MAX_CHARS);
}
