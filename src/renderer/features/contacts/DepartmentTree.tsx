import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { Department } from '@shared/contract';
import { useT } from '../../i18n';
import { departmentName, type ChartIndex } from './chart';

interface Props {
  index: ChartIndex;
  selectedId: string | null;
  onSelect(id: string): void;
  /** Opened at first along with the roots (the reader's own department). */
  revealId?: string | null;
}

/** The ids of a department's ancestors (not itself). */
function ancestors(index: ChartIndex, id: string | null | undefined): string[] {
  const out: string[] = [];
  let d = id ? index.byId.get(id) : undefined;
  while (d?.parentId && !out.includes(d.parentId)) {
    out.push(d.parentId);
    d = index.byId.get(d.parentId);
  }
  return out;
}

interface Row {
  d: Department;
  depth: number;
  hasChildren: boolean;
  parentId: string | null;
}

/**
 * The department tree (WAI-ARIA tree pattern, roving focus): Up/Down move, Right opens or goes to
 * the first child, Left closes or goes to the parent, Home/End, Enter/Space selects. The roots and
 * the selected department's ancestors start open.
 */
export function DepartmentTree({ index, selectedId, onSelect, revealId }: Props) {
  const { t, locale } = useT();
  const roots = useMemo(() => index.children.get(null) ?? [], [index]);
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set([...roots.map((r) => r.id), ...ancestors(index, revealId), ...(revealId ? [revealId] : [])]));
  // A department selected elsewhere (a sub-department row, a breadcrumb) is shown in the tree.
  const [shownFor, setShownFor] = useState(selectedId);
  if (selectedId !== shownFor) {
    setShownFor(selectedId);
    const missing = ancestors(index, selectedId).filter((id) => !expanded.has(id));
    if (missing.length) setExpanded(new Set([...expanded, ...missing]));
  }
  const [focusedId, setFocusedId] = useState<string | null>(null);
  const refs = useRef(new Map<string, HTMLLIElement>());

  const rows = useMemo(() => {
    const out: Row[] = [];
    const walk = (list: readonly Department[], depth: number, parentId: string | null) => {
      for (const d of list) {
        const kids = index.children.get(d.id) ?? [];
        out.push({ d, depth, hasChildren: kids.length > 0, parentId });
        if (kids.length && expanded.has(d.id)) walk(kids, depth + 1, d.id);
      }
    };
    walk(roots, 0, null);
    return out;
  }, [index, roots, expanded]);

  const tabStop = rows.find((r) => r.d.id === focusedId)?.d.id ?? rows.find((r) => r.d.id === selectedId)?.d.id ?? rows[0]?.d.id ?? null;

  const focus = (id: string | undefined) => {
    if (!id) return;
    setFocusedId(id);
    refs.current.get(id)?.focus();
  };
  const setOpen = (id: string, open: boolean) =>
    setExpanded((s) => {
      const next = new Set(s);
      if (open) next.add(id);
      else next.delete(id);
      return next;
    });

  function onKeyDown(e: KeyboardEvent<HTMLUListElement>) {
    const i = rows.findIndex((r) => r.d.id === tabStop);
    const row = rows[i];
    if (!row) return;
    switch (e.key) {
      case 'ArrowDown':
        focus(rows[Math.min(i + 1, rows.length - 1)]?.d.id);
        break;
      case 'ArrowUp':
        focus(rows[Math.max(i - 1, 0)]?.d.id);
        break;
      case 'Home':
        focus(rows[0]?.d.id);
        break;
      case 'End':
        focus(rows.at(-1)?.d.id);
        break;
      case 'ArrowRight':
        if (row.hasChildren && !expanded.has(row.d.id)) setOpen(row.d.id, true);
        else if (row.hasChildren) focus(rows[i + 1]?.d.id);
        break;
      case 'ArrowLeft':
        if (row.hasChildren && expanded.has(row.d.id)) setOpen(row.d.id, false);
        else if (row.parentId) focus(row.parentId);
        break;
      case 'Enter':
      case ' ':
        onSelect(row.d.id);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  return (
    <ul className="dept-tree" role="tree" aria-label={t('contacts.orgChart')} data-testid="department-tree" onKeyDown={onKeyDown}>
      {rows.map(({ d, depth, hasChildren }) => {
        const open = expanded.has(d.id);
        const label = departmentName(d, locale);
        return (
          <li
            key={d.id}
            ref={(el) => {
              if (el) refs.current.set(d.id, el);
              else refs.current.delete(d.id);
            }}
            role="treeitem"
            aria-level={depth + 1}
            aria-expanded={hasChildren ? open : undefined}
            aria-selected={d.id === selectedId}
            tabIndex={d.id === tabStop ? 0 : -1}
            className={`dept-node depth-${Math.min(depth, 6)}${d.id === selectedId ? ' is-selected' : ''}`}
            data-testid="department-node"
            data-department-name={d.name}
            onFocus={(e) => {
              if (e.target === e.currentTarget) setFocusedId(d.id);
            }}
            onClick={() => {
              setFocusedId(d.id);
              onSelect(d.id);
            }}
          >
            {hasChildren ? (
              <span
                className={`twisty${open ? ' is-open' : ''}`}
                aria-hidden="true"
                onClick={(e) => {
                  e.stopPropagation();
                  setOpen(d.id, !open);
                }}
              />
            ) : (
              <span className="twisty-spacer" aria-hidden="true" />
            )}
            <span className="dept-label">{label}</span>
            <span className="dept-count muted">{index.countUnder.get(d.id) ?? 0}</span>
          </li>
        );
      })}
    </ul>
  );
}
