import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import { byActivity, matchesFilter, type LocalGroup } from '../../db';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { useSignedIn } from '../../app/services';
import { useGroupsSynced } from '../../stores/connection';
import { uiStore, useUi } from '../../stores/ui';
import { can } from '@shared/rules/permissions';
import { dialogsStore } from '../../app/dialogs';
import { useOrgRole } from '../../app/useOrgRole';
import { GroupItem } from './GroupItem';
import { JoinMenu } from '../join';
import './groups.css';

/**
 * The left rail. Reads the cache (it renders before the server answers); a listbox with roving
 * focus: Up/Down/Home/End move, Enter or Space opens, typing in the filter narrows by name.
 */
export function GroupList() {
  const { t } = useT();
  const { db } = useSignedIn();
  const groupsSynced = useGroupsSynced();
  const selectedId = useUi((s) => s.selectedGroupId);
  const filter = useUi((s) => s.filter);
  const groups = useLiveQuery(() => db.groups.toArray(), [db]);
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const itemRefs = useRef(new Map<string, HTMLLIElement>());
  const mayCreate = can('group.create.internal', { orgRole: useOrgRole() });

  const visible = useMemo(() => (groups ?? []).filter((g) => matchesFilter(g, filter)).sort(byActivity), [groups, filter]);
  // The one item reachable by Tab: the focused one, else the open one, else the first.
  const tabStopId = visible.find((g) => g.id === focusedId)?.id ?? visible.find((g) => g.id === selectedId)?.id ?? visible[0]?.id ?? null;

  const focusItem = (g: LocalGroup | undefined) => {
    if (!g) return;
    setFocusedId(g.id);
    itemRefs.current.get(g.id)?.focus();
  };

  const open = (g: LocalGroup) => {
    setFocusedId(g.id);
    uiStore.getState().selectGroup(g.id);
  };

  function onListKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    const index = visible.findIndex((g) => g.id === tabStopId);
    let target: LocalGroup | undefined;
    switch (e.key) {
      case 'ArrowDown':
        target = visible[Math.min(index + 1, visible.length - 1)];
        break;
      case 'ArrowUp':
        target = visible[Math.max(index - 1, 0)];
        break;
      case 'Home':
        target = visible[0];
        break;
      case 'End':
        target = visible[visible.length - 1];
        break;
      case 'Enter':
      case ' ': {
        const g = visible[index];
        if (g) open(g);
        e.preventDefault();
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    focusItem(target);
  }

  function onFilterKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      focusItem(visible[0]);
    } else if (e.key === 'Enter' && visible.length > 0) {
      e.preventDefault();
      open(visible[0]!);
    } else if (e.key === 'Escape' && filter) {
      e.preventDefault();
      uiStore.getState().setFilter('');
    }
  }

  const loading = groups === undefined || (groups.length === 0 && !groupsSynced);

  return (
    <div className="group-rail">
      <div className="group-rail-head">
        <div className="group-rail-titlebar">
          <h2 className="group-rail-title">{t('groups.title')}</h2>
          <span className="group-rail-actions">
            <JoinMenu />
            {mayCreate ? (
              <button
                type="button"
                className="button button-quiet icon-button"
                data-testid="create-group-open"
                title={t('groups.create.open')}
                aria-label={t('groups.create.open')}
                onClick={() => dialogsStore.getState().openCreateGroup()}
              >
                <span aria-hidden="true">＋</span>
              </button>
            ) : null}
          </span>
        </div>
        <div className="search-box">
          <span className="search-icon" aria-hidden="true" />
          <input
            type="search"
            className="search-input"
            data-testid="group-filter"
            placeholder={t('groups.filter')}
            aria-label={t('groups.filter')}
            aria-controls="group-listbox"
            value={filter}
            onChange={(e) => uiStore.getState().setFilter(e.target.value)}
            onKeyDown={onFilterKeyDown}
          />
        </div>
      </div>
      {loading ? (
        <div className="rail-state" role="status" data-testid="groups-loading">
          <Spinner />
          <span>{t('groups.loading')}</span>
        </div>
      ) : groups.length === 0 ? (
        <div className="rail-state rail-empty" data-testid="groups-empty">
          <div className="empty-illustration" aria-hidden="true" />
          <p className="rail-empty-title">{t('groups.emptyTitle')}</p>
          <p className="muted">{t('groups.emptyBody')}</p>
        </div>
      ) : null}
      {!loading && groups.length > 0 && visible.length === 0 ? (
        <div className="rail-state" role="status" data-testid="groups-no-match">
          {t('groups.noMatch', { query: filter.trim() })}
        </div>
      ) : null}
      {!loading && groups.length > 0 ? (
        <ul
          id="group-listbox"
          className="group-list"
          role="listbox"
          data-testid="group-list"
          aria-label={t('groups.title')}
          onKeyDown={onListKeyDown}
        >
          {visible.map((g) => (
            <GroupItem
              key={g.id}
              group={g}
              selected={g.id === selectedId}
              tabbable={g.id === tabStopId}
              onOpen={() => open(g)}
              onFocus={() => setFocusedId(g.id)}
              ref={(el) => {
                if (el) itemRefs.current.set(g.id, el);
                else itemRefs.current.delete(g.id);
              }}
            />
          ))}
        </ul>
      ) : null}
    </div>
  );
}
