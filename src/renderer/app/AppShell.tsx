import { useT } from '../i18n';
import { Avatar } from '../components/Avatar';
import { Spinner } from '../components/Spinner';
import { CreateGroupDialog, DecisionNotice, GroupList, RemovalNotice, useGroupRemovalWatcher } from '../features/groups';
import { ChatEmpty, ChatView } from '../features/chat';
import { ContactsView } from '../features/contacts';
import { AdminView } from '../features/admin';
import { JoinHost } from '../features/join';
import { NavRail } from './NavRail';
import { useUi } from '../stores/ui';
import { displayName } from '../lib/names';
import { ConnectionStatus } from './ConnectionStatus';
import { LocaleSwitch } from './LocaleSwitch';
import { useServices, useSession, useSignedIn } from './services';
import { dialogsStore, useDialogs } from './dialogs';
import { useOrgRole } from './useOrgRole';
import { can } from '@shared/rules/permissions';

export function AppShell() {
  const { t, locale } = useT();
  const { profile } = useSignedIn();
  const { session } = useServices();
  const signingOut = useSession((s) => s.signingOut);
  const notRemembered = useSession((s) => s.notRemembered);
  const selected = useUi((s) => s.selectedGroupId);
  const orgRole = useOrgRole();
  // A role taken away while Admin was open: back to Messages (the rail no longer offers Admin).
  const mayAdmin = can('org.department.manage', { orgRole }) || can('org.audit.read', { orgRole });
  const chosen = useUi((s) => s.section);
  const section = chosen === 'admin' && !mayAdmin ? 'messages' : chosen;
  const orgName = locale === 'en' && profile.org.nameEn ? profile.org.nameEn : profile.org.name;
  const myName = displayName(profile.member, locale);
  const createGroup = useDialogs((s) => s.createGroup);
  useGroupRemovalWatcher();

  return (
    <div className={`shell${notRemembered ? ' has-banner' : ''}`} data-testid="app-shell">
      <header className="shell-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            M
          </span>
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-org">{orgName}</span>
        </div>
        <div className="shell-header-end">
          <ConnectionStatus />
          <LocaleSwitch />
          <div className="current-user" data-testid="current-user" title={t('shell.userMenu', { name: myName })}>
            <Avatar name={myName} size="small" />
            <span className="current-user-name">{myName}</span>
          </div>
          <button
            type="button"
            className="button button-quiet"
            data-testid="signout-button"
            disabled={signingOut}
            aria-busy={signingOut}
            onClick={() => void session.getState().signOut()}
          >
            {signingOut ? <Spinner /> : null}
            {signingOut ? t('shell.signingOut') : t('shell.signOut')}
          </button>
        </div>
      </header>
      {notRemembered ? (
        // Informational, not blocking: the session works; it just ends with the app.
        <div className="shell-banner notice" role="status" data-testid="not-remembered-notice">
          <span>{t('shell.notRemembered')}</span>
          <button
            type="button"
            className="button button-link"
            data-testid="not-remembered-dismiss"
            onClick={() => session.getState().dismissNotRemembered()}
          >
            {t('shell.dismiss')}
          </button>
        </div>
      ) : null}
      <div className="shell-main">
        <NavRail />
        {section === 'messages' ? (
          <main className="shell-body">
            <aside className="rail" aria-label={t('groups.title')}>
              <GroupList />
            </aside>
            <section className="pane">
              <DecisionNotice />
              {selected ? (
                <ChatView key={selected} groupId={selected} />
              ) : (
                <>
                  <RemovalNotice />
                  <ChatEmpty />
                </>
              )}
            </section>
          </main>
        ) : section === 'contacts' ? (
          <main className="shell-section">
            <ContactsView />
          </main>
        ) : (
          <main className="shell-section">
            <AdminView />
          </main>
        )}
      </div>
      <JoinHost />
      {createGroup ? (
        <CreateGroupDialog key={createGroup.preselected.join()} preselected={createGroup.preselected} onClose={() => dialogsStore.getState().closeCreateGroup()} />
      ) : null}
    </div>
  );
}
