import { useRef, type KeyboardEvent } from 'react';
import { can } from '@shared/rules/permissions';
import { useT } from '../i18n';
import { useUi, type Section } from '../stores/ui';
import { useOrgRole } from './useOrgRole';
import { JoinRequestsRail } from '../features/join-requests';

/**
 * The narrow navigation rail (DingTalk / WeCom): Messages, Contacts, and Admin for those whose org
 * role may administer something. Showing it is a convenience; the server authorizes every action.
 * One Tab stop (the current section); Up/Down (and Home/End) move between sections and open them.
 */
export function NavRail() {
  const { t } = useT();
  const section = useUi((s) => s.section);
  const setSection = useUi((s) => s.setSection);
  const orgRole = useOrgRole();
  const refs = useRef(new Map<Section, HTMLButtonElement>());
  const items: { id: Section; label: string; icon: string }[] = [
    { id: 'messages', label: t('nav.messages'), icon: 'messages' },
    { id: 'contacts', label: t('nav.contacts'), icon: 'contacts' },
  ];
  if (can('org.department.manage', { orgRole }) || can('org.audit.read', { orgRole })) {
    items.push({ id: 'admin', label: t('nav.admin'), icon: 'admin' });
  }
  // If the role changed and Admin went away while open, fall back to Messages.
  const current = items.some((i) => i.id === section) ? section : 'messages';

  function onKeyDown(e: KeyboardEvent<HTMLElement>) {
    const i = items.findIndex((x) => x.id === current);
    const next =
      e.key === 'ArrowDown' || e.key === 'ArrowRight'
        ? items[(i + 1) % items.length]
        : e.key === 'ArrowUp' || e.key === 'ArrowLeft'
          ? items[(i - 1 + items.length) % items.length]
          : e.key === 'Home'
            ? items[0]
            : e.key === 'End'
              ? items.at(-1)
              : undefined;
    if (!next) return;
    e.preventDefault();
    setSection(next.id);
    refs.current.get(next.id)?.focus();
  }

  return (
    <nav className="nav-rail" aria-label={t('nav.label')} onKeyDown={onKeyDown}>
      {items.map((item) => (
        <button
          key={item.id}
          ref={(el) => {
            if (el) refs.current.set(item.id, el);
            else refs.current.delete(item.id);
          }}
          type="button"
          className={`nav-item${current === item.id ? ' is-active' : ''}`}
          aria-current={current === item.id ? 'page' : undefined}
          tabIndex={current === item.id ? 0 : -1}
          data-testid={`nav-${item.id}`}
          title={item.label}
          onClick={() => setSection(item.id)}
        >
          <span className={`nav-icon nav-icon-${item.icon}`} aria-hidden="true" />
          <span className="nav-label">{item.label}</span>
        </button>
      ))}
      <JoinRequestsRail />
    </nav>
  );
}
