import { can } from '@shared/rules/permissions';
import { useT } from '../i18n';
import { useUi, type Section } from '../stores/ui';
import { useSignedIn } from './services';

/**
 * The narrow navigation rail (DingTalk / WeCom): Messages, Contacts, and Admin for those whose org
 * role may administer something. Showing it is a convenience; the server authorizes every action.
 */
export function NavRail() {
  const { t } = useT();
  const { profile } = useSignedIn();
  const section = useUi((s) => s.section);
  const setSection = useUi((s) => s.setSection);
  const orgRole = profile.member.role;
  const items: { id: Section; label: string; icon: string }[] = [
    { id: 'messages', label: t('nav.messages'), icon: '💬' },
    { id: 'contacts', label: t('nav.contacts'), icon: '👥' },
  ];
  if (can('org.department.manage', { orgRole }) || can('org.audit.read', { orgRole })) {
    items.push({ id: 'admin', label: t('nav.admin'), icon: '⚙' });
  }
  return (
    <nav className="nav-rail" aria-label={t('nav.label')}>
      {items.map((item) => (
        <button
          key={item.id}
          type="button"
          className={`nav-item${section === item.id ? ' is-active' : ''}`}
          aria-current={section === item.id ? 'page' : undefined}
          data-testid={`nav-${item.id}`}
          onClick={() => setSection(item.id)}
        >
          <span className="nav-icon" aria-hidden="true">
            {item.icon}
          </span>
          <span className="nav-label">{item.label}</span>
        </button>
      ))}
    </nav>
  );
}
