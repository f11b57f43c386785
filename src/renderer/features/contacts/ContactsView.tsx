import { useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { DirectoryMember } from '@shared/contract';
import { can } from '@shared/rules/permissions';
import { useT } from '../../i18n';
import { Avatar } from '../../components/Avatar';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { byActivity } from '../../db';
import { useSignedIn } from '../../app/services';
import { dialogsStore } from '../../app/dialogs';
import { useOrgRole } from '../../app/useOrgRole';
import { GroupAvatar } from '../../app/GroupAvatar';
import { useConnectionState } from '../../stores/connection';
import { uiStore } from '../../stores/ui';
import { departmentName, departmentPath, searchPeople, type ChartIndex } from './chart';
import { DepartmentTree } from './DepartmentTree';
import { secondLine } from './PeoplePicker';
import { useEnsureOrgChart, useOrgChart } from './useOrgChart';
import './contacts.css';

type Pane = { kind: 'department'; id: string | null } | { kind: 'groups' };

/**
 * Contacts (通讯录): the org chart on the left (search, "My groups", the department tree), the
 * selected department's people in the middle, a member's card on the right. Reads the Dexie cache;
 * the sync engine refreshes it on connect and on `org:changed`.
 */
export function ContactsView() {
  const { t, te, locale } = useT();
  const { profile } = useSignedIn();
  const chart = useOrgChart();
  const connection = useConnectionState();
  const { error: chartError, retry } = useEnsureOrgChart(chart !== undefined && chart.version === null);
  const [pane, setPane] = useState<Pane>({ kind: 'department', id: null });
  const [query, setQuery] = useState('');
  const [personId, setPersonId] = useState<string | null>(null);
  const orgName = locale === 'en' && profile.org.nameEn ? profile.org.nameEn : profile.org.name;

  if (!chart) {
    return (
      <div className="contacts-state" role="status">
        <Spinner /> {t('contacts.loading')}
      </div>
    );
  }
  const { index } = chart;
  const roots = index.children.get(null) ?? [];
  // A department deleted meanwhile (org:changed) falls back to the top of the chart.
  const deptId = pane.kind === 'department' ? ((pane.id && index.byId.has(pane.id) ? pane.id : null) ?? roots[0]?.id ?? null) : null;
  const person = personId ? (index.people.get(personId) ?? null) : null;
  const searching = query.trim() !== '';

  return (
    <div className="contacts" data-testid="contacts-view">
      <aside className="contacts-side" aria-label={t('contacts.title')}>
        <div className="contacts-side-head">
          <h2 className="contacts-title">{t('contacts.title')}</h2>
          <div className="search-box">
            <span className="search-icon" aria-hidden="true" />
            <input
              type="search"
              className="search-input"
              data-testid="contacts-search"
              placeholder={t('contacts.searchPlaceholder')}
              aria-label={t('contacts.searchPlaceholder')}
              value={query}
              onChange={(e) => setQuery(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape' && query) setQuery('');
              }}
            />
          </div>
        </div>
        <button
          type="button"
          className={`contacts-entry${pane.kind === 'groups' && !searching ? ' is-selected' : ''}`}
          data-testid="contacts-my-groups"
          onClick={() => {
            setQuery('');
            setPane({ kind: 'groups' });
          }}
        >
          <span className="entry-icon entry-icon-groups" aria-hidden="true" />
          {t('contacts.myGroups')}
        </button>
        <h3 className="contacts-subtitle">
          <span className="entry-icon entry-icon-org" aria-hidden="true" />
          {orgName}
        </h3>
        {chart.version === null ? (
          <div className="contacts-hint muted" data-testid="contacts-no-chart">
            {connection !== 'online' ? (
              t('contacts.noChartOffline')
            ) : chartError ? (
              <>
                <p role="alert">{t('contacts.chartFailed', { reason: te(chartError) })}</p>
                <button type="button" className="button button-link" onClick={retry}>
                  {t('groupInfo.retry')}
                </button>
              </>
            ) : (
              t('contacts.loading')
            )}
          </div>
        ) : roots.length === 0 ? (
          <p className="contacts-hint muted" data-testid="contacts-empty-chart">
            {t('contacts.emptyChart')}
          </p>
        ) : (
          <DepartmentTree
            index={index}
            selectedId={pane.kind === 'department' && !searching ? deptId : null}
            revealId={chart.me?.primaryDepartmentId}
            onSelect={(id) => {
              setQuery('');
              setPane({ kind: 'department', id });
            }}
          />
        )}
      </aside>
      <section className="contacts-main" aria-live="polite">
        {searching ? (
          <SearchResults index={index} query={query} selectedId={personId} onPick={setPersonId} />
        ) : pane.kind === 'groups' ? (
          <MyGroups />
        ) : deptId ? (
          <DepartmentPane index={index} id={deptId} selectedId={personId} onPick={setPersonId} onOpenDepartment={(id) => setPane({ kind: 'department', id })} />
        ) : null}
      </section>
      <aside className="contacts-card-pane" aria-label={t('contacts.card')}>
        {person ? (
          <MemberCard person={person} index={index} />
        ) : (
          <div className="contacts-state muted" data-testid="contacts-no-card">
            <div className="empty-illustration" aria-hidden="true" />
            {t('contacts.pickSomeone')}
          </div>
        )}
      </aside>
    </div>
  );
}

function PersonRow({ p, index, selected, onPick }: { p: DirectoryMember; index: ChartIndex; selected: boolean; onPick(): void }) {
  const { t, locale } = useT();
  const name = displayName(p, locale);
  return (
    <li>
      <button
        type="button"
        className={`person-row${selected ? ' is-selected' : ''}`}
        aria-pressed={selected}
        data-testid="contact-person"
        data-account={p.account}
        onClick={onPick}
      >
        <Avatar name={name} />
        <span className="person-row-text">
          <span className="person-row-name">
            {name}
            {p.kind === 'guest' ? <span className="tag tag-external">{t('contacts.guest')}</span> : null}
            {p.hidden ? <span className="tag">{t('contacts.hidden')}</span> : null}
          </span>
          <span className="muted person-row-sub">{secondLine(p, locale, index)}</span>
        </span>
      </button>
    </li>
  );
}

function DepartmentPane(props: { index: ChartIndex; id: string; selectedId: string | null; onPick(id: string): void; onOpenDepartment(id: string): void }) {
  const { t, tp, locale } = useT();
  const { index, id } = props;
  const d = index.byId.get(id);
  if (!d) return null;
  const subs = index.children.get(id) ?? [];
  const people = index.members.get(id) ?? [];
  const head = d.headId ? index.people.get(d.headId) : undefined;
  const path = departmentPath(index, id);
  return (
    <div className="contacts-pane" data-testid="department-pane" data-department-name={d.name}>
      <header className="contacts-pane-head">
        <p className="muted contacts-path">{path.map((x) => departmentName(x, locale)).join(' / ')}</p>
        <h2 className="contacts-pane-title" data-testid="department-title">
          {departmentName(d, locale)}
        </h2>
        <p className="muted">
          {tp('contacts.people', people.length)}
          {head ? ` · ${t('contacts.headIs', { name: displayName(head, locale) })}` : ''}
        </p>
      </header>
      {subs.length > 0 ? (
        <ul className="contacts-list">
          {subs.map((s) => (
            <li key={s.id}>
              <button type="button" className="person-row dept-row" data-testid="sub-department" onClick={() => props.onOpenDepartment(s.id)}>
                <span className="dept-avatar" aria-hidden="true" />
                <span className="person-row-name">{departmentName(s, locale)}</span>
                <span className="chevron" aria-hidden="true">
                  ›
                </span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {people.length > 0 ? (
        <ul className="contacts-list" aria-label={t('contacts.members')}>
          {people.map((p) => (
            <PersonRow key={p.id} p={p} index={index} selected={p.id === props.selectedId} onPick={() => props.onPick(p.id)} />
          ))}
        </ul>
      ) : subs.length === 0 ? (
        <p className="contacts-state muted" data-testid="department-empty">
          {t('contacts.emptyDepartmentHint')}
        </p>
      ) : null}
    </div>
  );
}

function SearchResults({ index, query, selectedId, onPick }: { index: ChartIndex; query: string; selectedId: string | null; onPick(id: string): void }) {
  const { t } = useT();
  const found = searchPeople(index, query);
  return (
    <div className="contacts-pane" data-testid="contacts-results">
      <header className="contacts-pane-head">
        <h2 className="contacts-pane-title">{t('contacts.searchResults')}</h2>
      </header>
      {found.length === 0 ? (
        <p className="contacts-state muted" data-testid="contacts-no-match">
          {t('contacts.noMatch', { query: query.trim() })}
        </p>
      ) : (
        <ul className="contacts-list">
          {found.map((p) => (
            <PersonRow key={p.id} p={p} index={index} selected={p.id === selectedId} onPick={() => onPick(p.id)} />
          ))}
        </ul>
      )}
    </div>
  );
}

function MemberCard({ person: p, index }: { person: DirectoryMember; index: ChartIndex }) {
  const { t, locale } = useT();
  const { profile } = useSignedIn();
  const name = displayName(p, locale);
  const other = locale === 'en' ? p.name : p.nameEn;
  const departments = p.departmentIds.map((id) => index.byId.get(id)).filter((d) => d !== undefined);
  // Admin-only fields arrive as null for everyone else: show the ones the server sent.
  const adminFields: [string, string | null][] = [
    [t('contacts.employeeId'), p.employeeId],
    [t('contacts.mobile'), p.mobile],
    [t('contacts.email'), p.email],
  ];
  return (
    <div className="member-card" data-testid="member-card" data-account={p.account}>
      <div className="member-card-head">
        <Avatar name={name} size="large" />
        <div>
          <h2 className="member-card-name" data-testid="member-card-name">
            {name}
          </h2>
          {other && other !== name ? <p className="muted">{other}</p> : null}
          <p className="member-card-badges">
            {p.role !== 'employee' ? <span className="tag tag-role">{t(`contacts.role.${p.role}`)}</span> : null}
            {p.kind === 'guest' ? <span className="tag tag-external">{t('contacts.guest')}</span> : null}
            {p.realNameVerified ? <span className="tag tag-department">{t('contacts.verified')}</span> : null}
          </p>
        </div>
      </div>
      <dl className="member-card-fields">
        <dt>{t('contacts.titleField')}</dt>
        <dd>{p.title ?? '—'}</dd>
        <dt>{t('contacts.departments')}</dt>
        <dd data-testid="member-card-departments">
          {departments.length === 0
            ? '—'
            : departments.map((d) => (
                <span key={d.id} className="member-card-dept">
                  {departmentPath(index, d.id)
                    .map((x) => departmentName(x, locale))
                    .join(' / ')}
                  {d.id === p.primaryDepartmentId && departments.length > 1 ? <span className="tag">{t('contacts.primary')}</span> : null}
                </span>
              ))}
        </dd>
        <dt>{t('contacts.account')}</dt>
        <dd>{p.account}</dd>
        {adminFields
          .filter(([, v]) => v !== null)
          .map(([k, v]) => (
            <div key={k} className="member-card-field" data-testid="member-card-admin-field">
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
      </dl>
      {p.id !== profile.member.id && p.status === 'active' ? (
        <button
          type="button"
          className="button button-primary"
          data-testid="member-card-create-group"
          onClick={() => dialogsStore.getState().openCreateGroup([p.id])}
        >
          {t('contacts.startGroup')}
        </button>
      ) : null}
    </div>
  );
}

function MyGroups() {
  const { t, tp } = useT();
  const { db } = useSignedIn();
  const orgRole = useOrgRole();
  const groups = useLiveQuery(async () => (await db.groups.toArray()).sort(byActivity), [db]);
  const mayCreate = can('group.create.internal', { orgRole });
  return (
    <div className="contacts-pane" data-testid="my-groups">
      <header className="contacts-pane-head contacts-pane-head-row">
        <h2 className="contacts-pane-title">{t('contacts.myGroups')}</h2>
        {mayCreate ? (
          <button type="button" className="button button-primary" data-testid="contacts-create-group" onClick={() => dialogsStore.getState().openCreateGroup()}>
            {t('contacts.createGroup')}
          </button>
        ) : null}
      </header>
      {groups === undefined ? null : groups.length === 0 ? (
        <div className="contacts-state" data-testid="my-groups-empty">
          <div className="empty-illustration" aria-hidden="true" />
          <p>{t('contacts.noGroups')}</p>
          <p className="muted">{mayCreate ? t('contacts.noGroupsCreate') : t('groups.emptyBody')}</p>
        </div>
      ) : (
        <ul className="contacts-list">
          {groups.map((g) => (
            <li key={g.id}>
              <button
                type="button"
                className="person-row"
                data-testid="my-group"
                data-group-name={g.name}
                onClick={() => {
                  uiStore.getState().selectGroup(g.id);
                  uiStore.getState().setSection('messages');
                }}
              >
                <GroupAvatar name={g.name} color={g.avatarColor} />
                <span className="person-row-text">
                  <span className="person-row-name">
                    {g.name}
                    {g.type !== 'internal' ? <span className={`tag tag-${g.type}`}>{t(`groups.type.${g.type}`)}</span> : null}
                  </span>
                  <span className="muted person-row-sub">
                    {tp('chat.members', g.memberCount)}
                    {g.myRole !== 'member' ? ` · ${t(`groupInfo.role.${g.myRole}`)}` : ''}
                  </span>
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
