import { useMemo, useState } from 'react';
import type { DirectoryMember } from '@shared/contract';
import { useT } from '../../i18n';
import { Avatar } from '../../components/Avatar';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { departmentName, departmentPath, searchPeople, type ChartIndex } from './chart';
import { useEnsureOrgChart, useOrgChart } from './useOrgChart';
import { useConnectionState } from '../../stores/connection';
import './contacts.css';

interface Props {
  selected: readonly string[];
  onChange(ids: string[]): void;
  /** Why a person cannot be picked (shown next to them), or null. */
  blockedReason?(person: DirectoryMember): string | null;
  /** People already in (shown checked and disabled). */
  alreadyIn?: ReadonlySet<string>;
  /** Never listed (the signed-in member when creating a group: they are the owner). */
  hide?: ReadonlySet<string>;
  autoFocus?: boolean;
}

/**
 * Picks people from the org chart: browse departments (breadcrumbs) or search by Chinese or English
 * name, account, employee id; the picked ones are listed on the right and removable. Plain buttons
 * and checkboxes: Tab, Space and Enter work as everywhere.
 */
export function PeoplePicker({ selected, onChange, blockedReason, alreadyIn, hide, autoFocus }: Props) {
  const { t, te, locale } = useT();
  const chart = useOrgChart();
  const online = useConnectionState() === 'online';
  const { error: chartError, retry } = useEnsureOrgChart(chart !== undefined && chart.version === null);
  const [query, setQuery] = useState('');
  const [deptId, setDeptId] = useState<string | null>(null);
  const selectedSet = useMemo(() => new Set(selected), [selected]);

  if (!chart) {
    return (
      <div className="picker-state" role="status">
        <Spinner /> {t('contacts.loading')}
      </div>
    );
  }
  const { index } = chart;
  if (chart.version === null) {
    return (
      <div className="picker-state" data-testid="picker-no-chart">
        {!online ? (
          t('contacts.noChartOffline')
        ) : chartError ? (
          <>
            <span role="alert">{t('contacts.chartFailed', { reason: te(chartError) })}</span>
            <button type="button" className="button button-link" onClick={retry}>
              {t('groupInfo.retry')}
            </button>
          </>
        ) : (
          <>
            <Spinner /> {t('contacts.loading')}
          </>
        )}
      </div>
    );
  }

  const toggle = (id: string, on: boolean) => onChange(on ? [...selected, id] : selected.filter((s) => s !== id));
  const visible = (p: DirectoryMember) => !hide?.has(p.id);
  const current = deptId ?? index.children.get(null)?.[0]?.id ?? null;
  const searching = query.trim() !== '';
  const people = searching ? searchPeople(index, query).filter(visible) : current ? (index.members.get(current) ?? []).filter(visible) : [];
  const subDepartments = !searching && current ? (index.children.get(current) ?? []) : [];
  const path = current ? departmentPath(index, current) : [];
  const picked = selected.map((id) => index.people.get(id)).filter((p): p is DirectoryMember => p !== undefined);

  return (
    <div
      className="picker"
      data-testid="people-picker"
      onKeyDown={(e) => {
        // The picker sits inside forms (create group): Enter here picks, it never submits the form.
        if (e.key !== 'Enter' || !(e.target instanceof HTMLInputElement)) return;
        e.preventDefault();
        if (e.target.type === 'checkbox') e.target.click();
        else if (e.target.type === 'search') {
          const first = people.find((p) => !alreadyIn?.has(p.id) && !selectedSet.has(p.id) && (blockedReason?.(p) ?? null) === null);
          if (first) toggle(first.id, true);
        }
      }}
    >
      <div className="picker-browse">
        <div className="search-box">
          <span className="search-icon" aria-hidden="true" />
          <input
            type="search"
            className="search-input"
            data-testid="picker-search"
            placeholder={t('contacts.searchPlaceholder')}
            aria-label={t('contacts.searchPlaceholder')}
            value={query}
            autoFocus={autoFocus}
            onChange={(e) => setQuery(e.target.value)}
            onKeyDown={(e) => {
              // Esc clears the search first; a second Esc closes the dialog.
              if (e.key === 'Escape' && query) {
                e.preventDefault();
                e.stopPropagation();
                setQuery('');
              }
            }}
          />
        </div>
        {!searching && path.length > 0 ? (
          <nav className="breadcrumbs" aria-label={t('contacts.orgChart')}>
            {path.map((d, i) => (
              <span key={d.id} className="breadcrumb">
                {i > 0 ? <span aria-hidden="true"> › </span> : null}
                {i === path.length - 1 ? (
                  <span aria-current="location">{departmentName(d, locale)}</span>
                ) : (
                  <button type="button" className="button button-link" onClick={() => setDeptId(d.id)}>
                    {departmentName(d, locale)}
                  </button>
                )}
              </span>
            ))}
          </nav>
        ) : null}
        <ul className="picker-list" aria-label={searching ? t('contacts.searchResults') : t('contacts.orgChart')}>
          {subDepartments.map((d) => (
            <li key={d.id}>
              <button type="button" className="picker-dept" data-testid="picker-department" onClick={() => setDeptId(d.id)}>
                <span className="dept-icon" aria-hidden="true" />
                <span className="picker-dept-name">{departmentName(d, locale)}</span>
                <span className="muted">{index.countUnder.get(d.id) ?? 0}</span>
                <span className="chevron" aria-hidden="true">
                  ›
                </span>
              </button>
            </li>
          ))}
          {people.map((p) => {
            const inAlready = alreadyIn?.has(p.id) ?? false;
            const blocked = inAlready ? null : (blockedReason?.(p) ?? null);
            const name = displayName(p, locale);
            return (
              <li key={p.id}>
                <label className={`picker-person${blocked || inAlready ? ' is-disabled' : ''}`} data-testid="picker-person" data-account={p.account}>
                  <input
                    type="checkbox"
                    checked={inAlready || selectedSet.has(p.id)}
                    disabled={inAlready || blocked !== null}
                    onChange={(e) => toggle(p.id, e.target.checked)}
                  />
                  <Avatar name={name} size="small" />
                  <span className="picker-person-text">
                    <span className="picker-person-name">
                      {name}
                      {p.kind === 'guest' ? <span className="tag tag-external">{t('contacts.guest')}</span> : null}
                    </span>
                    <span className="muted picker-person-sub">
                      {inAlready ? t('contacts.alreadyIn') : (blocked ?? secondLine(p, locale, index))}
                    </span>
                  </span>
                </label>
              </li>
            );
          })}
          {searching && people.length === 0 ? (
            <li className="picker-state" role="status">
              {t('contacts.noMatch', { query: query.trim() })}
            </li>
          ) : null}
          {!searching && people.length === 0 && subDepartments.length === 0 ? <li className="picker-state">{t('contacts.emptyDepartment')}</li> : null}
        </ul>
      </div>
      <div className="picker-picked">
        <p className="picker-picked-title" aria-live="polite">
          {t('contacts.pickedCount', { count: picked.length })}
        </p>
        {picked.length === 0 ? <p className="muted picker-hint">{t('contacts.pickHint')}</p> : null}
        <ul className="picked-list">
          {picked.map((p) => (
            <li key={p.id} className="picked-chip" data-testid="picked-person">
              <Avatar name={displayName(p, locale)} size="small" />
              <span className="picked-name">{displayName(p, locale)}</span>
              <button
                type="button"
                className="button button-quiet picked-remove"
                aria-label={t('contacts.unpick', { name: displayName(p, locale) })}
                onClick={() => toggle(p.id, false)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}

/** Under the name: the other-language name when it differs, then the title. */
export function secondLine(p: DirectoryMember, locale: 'zh-CN' | 'en', index: ChartIndex): string {
  const other = locale === 'en' ? p.name : p.nameEn;
  const parts = [other && other !== displayName(p, locale) ? other : null, p.title];
  if (!p.title && p.primaryDepartmentId) {
    const d = index.byId.get(p.primaryDepartmentId);
    if (d) parts.push(departmentName(d, locale));
  }
  return parts.filter(Boolean).join(' · ');
}
