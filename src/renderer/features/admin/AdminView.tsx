import { useRef, useState, type KeyboardEvent } from 'react';
import { can, type Permission } from '@shared/rules/permissions';
import { useT, type MessageKey } from '../../i18n';
import { useOrgRole } from '../../app/useOrgRole';
import { useAdminChart } from './useAdminChart';
import { useRequests } from './useRequests';
import { OrgChartPage } from './OrgChartPage';
import { MembersPage } from './MembersPage';
import { ImportPage } from './ImportPage';
import { AuditPage } from './AuditPage';
import { RequestsPage } from './RequestsPage';
import './admin.css';

export type AdminPage = 'chart' | 'members' | 'import' | 'audit' | 'requests';

const PAGES: readonly { id: AdminPage; permission: Permission; label: MessageKey; icon: string }[] = [
  { id: 'chart', permission: 'org.department.manage', label: 'admin.nav.chart', icon: '🏢' },
  { id: 'members', permission: 'org.member.manage', label: 'admin.nav.members', icon: '👤' },
  { id: 'import', permission: 'org.member.import', label: 'admin.nav.import', icon: '⇪' },
  { id: 'audit', permission: 'org.audit.read', label: 'admin.nav.audit', icon: '📜' },
  { id: 'requests', permission: 'org.request.decide', label: 'admin.nav.requests', icon: '✔' },
];

/**
 * Admin pages (issue 5 point 8): org chart, members, CSV import, audit log and requests, in a left
 * list. Which pages show follows the permission matrix; the server authorizes every action anyway.
 */
export function AdminView() {
  const { t } = useT();
  const orgRole = useOrgRole();
  const pages = PAGES.filter((p) => can(p.permission, { orgRole }));
  const [chosen, setChosen] = useState<AdminPage>('chart');
  const page = pages.find((p) => p.id === chosen)?.id ?? pages[0]?.id ?? null;
  const chart = useAdminChart();
  const requests = useRequests(page !== null && pages.some((p) => p.id === 'requests'));
  const navRef = useRef<HTMLUListElement>(null);

  if (!page) {
    return (
      <div className="admin admin-empty" data-testid="admin-view">
        <div className="admin-empty-state" data-testid="admin-no-access">
          <h2>{t('admin.noAccessTitle')}</h2>
          <p className="muted">{t('admin.noAccessBody')}</p>
        </div>
      </div>
    );
  }

  // Arrow keys move between the pages (and open them), as in a vertical tab list.
  const onNavKey = (e: KeyboardEvent) => {
    const at = pages.findIndex((p) => p.id === page);
    const to =
      e.key === 'ArrowDown' ? (at + 1) % pages.length : e.key === 'ArrowUp' ? (at - 1 + pages.length) % pages.length : e.key === 'Home' ? 0 : e.key === 'End' ? pages.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    setChosen(pages[to]!.id);
    navRef.current?.querySelectorAll<HTMLButtonElement>('button')[to]?.focus();
  };

  const pending = requests.requests?.filter((r) => r.status === 'pending').length ?? 0;

  return (
    <div className="admin" data-testid="admin-view">
      <nav className="admin-nav" aria-label={t('admin.title')}>
        <h1 className="admin-nav-title">{t('admin.title')}</h1>
        <ul ref={navRef} role="tablist" aria-orientation="vertical" onKeyDown={onNavKey}>
          {pages.map((p) => (
            <li key={p.id} role="presentation">
              <button
                type="button"
                role="tab"
                id={`admin-tab-${p.id}`}
                aria-selected={p.id === page}
                aria-controls="admin-page"
                tabIndex={p.id === page ? 0 : -1}
                className={`admin-nav-item${p.id === page ? ' is-active' : ''}`}
                data-testid={`admin-nav-${p.id}`}
                onClick={() => setChosen(p.id)}
              >
                <span className="admin-nav-icon" aria-hidden="true">
                  {p.icon}
                </span>
                <span>{t(p.label)}</span>
                {p.id === 'requests' && pending > 0 ? (
                  <span className="admin-badge" data-testid="admin-requests-badge" aria-label={t('admin.requests.pendingCount', { count: pending })}>
                    {pending}
                  </span>
                ) : null}
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="admin-page" id="admin-page" role="tabpanel" aria-labelledby={`admin-tab-${page}`} data-testid={`admin-page-${page}`}>
        {page === 'chart' ? (
          <OrgChartPage chart={chart} />
        ) : page === 'members' ? (
          <MembersPage chart={chart} />
        ) : page === 'import' ? (
          <ImportPage chart={chart} />
        ) : page === 'audit' ? (
          <AuditPage chart={chart} />
        ) : (
          <RequestsPage chart={chart} requests={requests} />
        )}
      </section>
    </div>
  );
}
