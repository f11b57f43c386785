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

// Line icons drawn here (emoji are missing from many Linux fonts): 24×24, stroked with currentColor.
const ICONS: Record<AdminPage, string> = {
  chart: 'M12 3v5M6 13v-2.5h12V13M4 13h4v4H4zM16 13h4v4h-4zM9 3h6v5H9z',
  members: 'M9 11a3.5 3.5 0 1 0 0-7 3.5 3.5 0 0 0 0 7zM2.5 20a6.5 6.5 0 0 1 13 0M16 4.5a3.5 3.5 0 0 1 0 6.5M18.5 14.5A6.5 6.5 0 0 1 21.5 20',
  import: 'M12 15V3M7 8l5-5 5 5M4 14v5a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-5',
  audit: 'M6 3h9l4 4v14H6zM15 3v4h4M9 11h7M9 15h7M9 19h4',
  requests: 'M9 11l2.5 2.5L16 9M12 21a9 9 0 1 0 0-18 9 9 0 0 0 0 18z',
};

const PAGES: readonly { id: AdminPage; permission: Permission; label: MessageKey }[] = [
  { id: 'chart', permission: 'org.department.manage', label: 'admin.nav.chart' },
  { id: 'members', permission: 'org.member.manage', label: 'admin.nav.members' },
  { id: 'import', permission: 'org.member.import', label: 'admin.nav.import' },
  { id: 'audit', permission: 'org.audit.read', label: 'admin.nav.audit' },
  { id: 'requests', permission: 'org.request.decide', label: 'admin.nav.requests' },
];

/**
 * Admin pages (issue 5 point 8): org chart, members, CSV import, audit log and requests, in a left
 * list. Which pages show follows the permission matrix; the server authorizes every action anyway.
 */
export function AdminView() {
  const { t, te } = useT();
  const orgRole = useOrgRole();
  const pages = PAGES.filter((p) => can(p.permission, { orgRole }));
  const [chosen, setChosen] = useState<AdminPage>('chart');
  // The org chart's "all members" link opens Members filtered by that department.
  const [membersOf, setMembersOf] = useState<{ departmentId: string; at: number } | null>(null);
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
    setMembersOf(null);
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
                onClick={() => {
                  setMembersOf(null);
                  setChosen(p.id);
                }}
              >
                <span className="admin-nav-icon" aria-hidden="true">
                  <svg viewBox="0 0 24 24">
                    <path d={ICONS[p.id]} />
                  </svg>
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
        {chart.error && chart.departments ? (
          // The cached chart stays usable offline; say that it may be out of date, and why.
          <div className="notice admin-stale" role="status" data-testid="admin-chart-stale">
            <span>{t('admin.chart.stale', { reason: te(chart.error) })}</span>
            <button type="button" className="button button-link" onClick={() => void chart.refresh()}>
              {t('admin.retry')}
            </button>
          </div>
        ) : null}
        {page === 'chart' ? (
          <OrgChartPage
            chart={chart}
            onShowMembers={(departmentId) => {
              setMembersOf({ departmentId, at: Date.now() });
              setChosen('members');
            }}
          />
        ) : page === 'members' ? (
          <MembersPage key={membersOf?.at ?? 0} chart={chart} initialDepartmentId={membersOf?.departmentId ?? null} />
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
