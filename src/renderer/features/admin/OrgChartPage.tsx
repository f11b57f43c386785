import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import type { Department, DirectoryMember, Result } from '@shared/contract';
import { DEPARTMENT_NAME_MAX_CHARS } from '@shared/rules/limits';
import { useT } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { useSignedIn } from '../../app/services';
import type { AdminChart } from './useAdminChart';
import { buildTree, departmentName, departmentPath, memberCounts, parentChoices, reorderPayload, subtreeIds, visibleRows } from './tree';
import { Dialog, ErrorNote, errorMsg, type Msg } from './ui';

type DialogState =
  | { kind: 'create'; parent: Department }
  | { kind: 'rename'; dept: Department }
  | { kind: 'move'; dept: Department }
  | { kind: 'head'; dept: Department }
  | { kind: 'delete'; dept: Department }
  | null;

/** Org chart admin: the department tree on the left, the selected department and its actions on the right. */
/** Members listed under a department; the Members page shows all of them. */
const DIRECT_MEMBERS_SHOWN = 30;

export function OrgChartPage({ chart, onShowMembers }: { chart: AdminChart; onShowMembers(departmentId: string): void }) {
  const tr = useT();
  const { t, te, locale } = tr;
  const { engine } = useSignedIn();
  const { departments, members } = chart;
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [collapsed, setCollapsed] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<DialogState>(null);
  const [actionError, setActionError] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Msg | null>(null);
  const treeRef = useRef<HTMLUListElement>(null);

  const tree = useMemo(() => buildTree(departments ?? []), [departments]);
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const counts = useMemo(() => memberCounts(departments ?? [], members ?? []), [departments, members]);
  const selected = departments?.find((d) => d.id === selectedId) ?? rows[0]?.dept ?? null;

  useEffect(() => {
    if (notice === null) return;
    const timer = setTimeout(() => setNotice(null), 6000);
    return () => clearTimeout(timer);
  }, [notice]);

  if (!departments || !members) {
    return chart.error ? (
      <div className="admin-empty-state" data-testid="admin-chart-error">
        <p className="inline-error" role="alert">
          {t('admin.chart.loadFailed', { reason: te(chart.error) })}
        </p>
        <button type="button" className="button" onClick={() => void chart.refresh()}>
          {t('admin.retry')}
        </button>
      </div>
    ) : (
      <div className="admin-loading" role="status">
        <Spinner />
        {t('admin.chart.loading')}
      </div>
    );
  }

  const focusRow = (id: string) => {
    setSelectedId(id);
    requestAnimationFrame(() => treeRef.current?.querySelector<HTMLElement>(`[data-dept-id="${id}"]`)?.focus());
  };

  // The tree is one tab stop; arrow keys move inside it (WAI-ARIA tree view pattern).
  const onTreeKey = (e: KeyboardEvent) => {
    if (!selected) return;
    const at = rows.findIndex((r) => r.dept.id === selected.id);
    const node = rows[at];
    let handled = true;
    if (e.key === 'ArrowDown' && at + 1 < rows.length) focusRow(rows[at + 1]!.dept.id);
    else if (e.key === 'ArrowUp' && at > 0) focusRow(rows[at - 1]!.dept.id);
    else if (e.key === 'Home' && rows[0]) focusRow(rows[0].dept.id);
    else if (e.key === 'End' && rows.length) focusRow(rows[rows.length - 1]!.dept.id);
    else if (e.key === 'ArrowRight' && node && node.children.length) {
      if (collapsed.has(node.dept.id)) setCollapsed((c) => new Set([...c].filter((x) => x !== node.dept.id)));
      else focusRow(node.children[0]!.dept.id);
    } else if (e.key === 'ArrowLeft' && node) {
      if (node.children.length && !collapsed.has(node.dept.id)) setCollapsed((c) => new Set(c).add(node.dept.id));
      else if (node.dept.parentId) focusRow(node.dept.parentId);
    } else handled = false;
    if (handled) e.preventDefault();
  };

  const run = async <T,>(work: () => Promise<Result<T>>, done?: Msg): Promise<Result<T>> => {
    setBusy(true);
    setActionError(null);
    const r = await work();
    setBusy(false);
    if (!r.ok) {
      setActionError(() => errorMsg(r.error));
      return r;
    }
    setDialog(null);
    if (done) setNotice(() => done);
    await chart.refresh();
    return r;
  };

  const reorder = (delta: -1 | 1) => {
    if (!selected) return;
    const payload = reorderPayload(departments, selected.id, delta);
    if (!payload) return;
    void run(() => engine.request('org:department:reorder', payload));
  };

  const head = selected?.headId ? members.find((m) => m.id === selected.headId) : undefined;
  const collator = new Intl.Collator(locale, { numeric: true });
  const directMembers = selected
    ? members
        .filter((m) => m.status === 'active' && m.departmentIds.includes(selected.id))
        .sort((a, b) => Number(b.id === selected.headId) - Number(a.id === selected.headId) || collator.compare(displayName(a, locale), displayName(b, locale)))
    : [];
  const canMoveUp = selected ? reorderPayload(departments, selected.id, -1) !== null : false;
  const canMoveDown = selected ? reorderPayload(departments, selected.id, 1) !== null : false;
  const isRoot = selected?.parentId === null;

  return (
    <div className="admin-chart">
      <div className="admin-chart-tree">
        <h2 className="admin-heading" id="admin-tree-label">
          {t('admin.chart.title')}
        </h2>
        <ul ref={treeRef} className="admin-tree" role="tree" aria-labelledby="admin-tree-label" onKeyDown={onTreeKey} data-testid="admin-tree">
          {rows.map((n) => {
            const isSel = selected?.id === n.dept.id;
            const hasChildren = n.children.length > 0;
            return (
              <li
                key={n.dept.id}
                role="treeitem"
                aria-level={n.depth + 1}
                aria-selected={isSel}
                aria-expanded={hasChildren ? !collapsed.has(n.dept.id) : undefined}
                tabIndex={isSel ? 0 : -1}
                data-dept-id={n.dept.id}
                data-dept-name={n.dept.name}
                data-testid="admin-tree-item"
                className={`admin-tree-item${isSel ? ' is-selected' : ''}`}
                style={{ paddingLeft: 8 + n.depth * 18 }}
                onClick={() => setSelectedId(n.dept.id)}
              >
                <span
                  className="admin-tree-toggle"
                  aria-hidden="true"
                  onClick={(e) => {
                    if (!hasChildren) return;
                    e.stopPropagation();
                    setCollapsed((c) => {
                      const next = new Set(c);
                      if (next.has(n.dept.id)) next.delete(n.dept.id);
                      else next.add(n.dept.id);
                      return next;
                    });
                  }}
                >
                  {hasChildren ? (collapsed.has(n.dept.id) ? '▸' : '▾') : ''}
                </span>
                <span className="admin-tree-name">{departmentName(n.dept, locale)}</span>
                <span className="admin-tree-count muted">{counts.get(n.dept.id)?.total ?? 0}</span>
              </li>
            );
          })}
        </ul>
      </div>
      <div className="admin-chart-detail" data-testid="admin-dept-detail">
        {notice ? (
          <p className="admin-notice" role="status" data-testid="admin-chart-notice">
            {notice(tr)}
          </p>
        ) : null}
        {selected ? (
          <>
            <div className="admin-detail-head">
              <div>
                <h2 className="admin-heading" data-testid="admin-dept-title">
                  {departmentName(selected, locale)}
                </h2>
                <p className="muted">
                  {[selected.name, selected.nameEn].filter(Boolean).join(' · ')}
                  {isRoot ? ` · ${t('admin.chart.root')}` : ` · ${departmentPath(departments, selected.id, locale)}`}
                </p>
              </div>
            </div>
            <dl className="admin-facts">
              <dt>{t('admin.chart.head')}</dt>
              <dd data-testid="admin-dept-head">{head ? displayName(head, locale) : t('admin.chart.noHead')}</dd>
              <dt>{t('admin.chart.members')}</dt>
              <dd>
                {t('admin.chart.memberCounts', { direct: counts.get(selected.id)?.direct ?? 0, total: counts.get(selected.id)?.total ?? 0 })}
              </dd>
            </dl>
            <div className="admin-actions" role="group" aria-label={t('admin.chart.actions')}>
              <button type="button" className="button button-primary" data-testid="admin-dept-add" disabled={busy} onClick={() => setDialog({ kind: 'create', parent: selected })}>
                {t('admin.chart.addSub')}
              </button>
              <button type="button" className="button" data-testid="admin-dept-rename" disabled={busy} onClick={() => setDialog({ kind: 'rename', dept: selected })}>
                {t('admin.chart.rename')}
              </button>
              <button type="button" className="button" data-testid="admin-dept-head-button" disabled={busy} onClick={() => setDialog({ kind: 'head', dept: selected })}>
                {t('admin.chart.setHead')}
              </button>
              {!isRoot ? (
                <>
                  <button type="button" className="button" data-testid="admin-dept-move" disabled={busy} onClick={() => setDialog({ kind: 'move', dept: selected })}>
                    {t('admin.chart.move')}
                  </button>
                  <button type="button" className="button" data-testid="admin-dept-up" disabled={busy || !canMoveUp} onClick={() => reorder(-1)} aria-label={t('admin.chart.moveUpLabel')}>
                    ↑ {t('admin.chart.moveUp')}
                  </button>
                  <button type="button" className="button" data-testid="admin-dept-down" disabled={busy || !canMoveDown} onClick={() => reorder(1)} aria-label={t('admin.chart.moveDownLabel')}>
                    ↓ {t('admin.chart.moveDown')}
                  </button>
                  <button type="button" className="button button-danger" data-testid="admin-dept-delete" disabled={busy} onClick={() => setDialog({ kind: 'delete', dept: selected })}>
                    {t('admin.chart.delete')}
                  </button>
                </>
              ) : null}
              {busy ? <Spinner /> : null}
            </div>
            {!dialog ? <ErrorNote text={actionError?.(tr) ?? null} testId="admin-chart-error" /> : null}
            <h3 className="admin-subheading">{t('admin.chart.directMembers')}</h3>
            {directMembers.length === 0 ? (
              <p className="muted" data-testid="admin-dept-empty">
                {t('admin.chart.noMembers')}
              </p>
            ) : (
              <ul className="admin-people" data-testid="admin-dept-members">
                {directMembers.slice(0, DIRECT_MEMBERS_SHOWN).map((m) => (
                  <li key={m.id}>
                    <span className="admin-person-name">
                      {displayName(m, locale)}
                      {m.id === selected.headId ? <span className="tag">{t('admin.chart.headTag')}</span> : null}
                    </span>
                    {m.title ? <span className="muted admin-person-title">{m.title}</span> : null}
                  </li>
                ))}
              </ul>
            )}
            {directMembers.length > DIRECT_MEMBERS_SHOWN ? (
              <button type="button" className="button button-link admin-more-link" onClick={() => onShowMembers(selected.id)} data-testid="admin-dept-all-members">
                {t('admin.chart.allMembers', { count: directMembers.length })}
              </button>
            ) : null}
          </>
        ) : (
          <p className="muted">{t('admin.chart.empty')}</p>
        )}
      </div>
      {dialog?.kind === 'create' || dialog?.kind === 'rename' ? (
        <NameDialog
          dialog={dialog}
          busy={busy}
          error={actionError?.(tr) ?? null}
          onClose={() => {
            setDialog(null);
            setActionError(null);
          }}
          onSubmit={(name, nameEn) =>
            void (async () => {
              if (dialog.kind === 'create') {
                const r = await run(() => engine.request('org:department:create', { parentId: dialog.parent.id, name, nameEn }), (x) => x.t('admin.chart.created', { name }));
                if (r.ok) setSelectedId(r.value.department.id);
              } else {
                await run(() => engine.request('org:department:update', { id: dialog.dept.id, name, nameEn }), (x) => x.t('admin.chart.renamed', { name }));
              }
            })()
          }
        />
      ) : null}
      {dialog?.kind === 'move' ? (
        <MoveDialog
          dept={dialog.dept}
          departments={departments}
          busy={busy}
          error={actionError?.(tr) ?? null}
          onClose={() => {
            setDialog(null);
            setActionError(null);
          }}
          onSubmit={(parentId) =>
            void run(() => engine.request('org:department:move', { id: dialog.dept.id, parentId }), (x) => x.t('admin.chart.moved', { name: departmentName(dialog.dept, x.locale) }))
          }
        />
      ) : null}
      {dialog?.kind === 'head' ? (
        <HeadDialog
          dept={dialog.dept}
          members={members}
          busy={busy}
          error={actionError?.(tr) ?? null}
          onClose={() => {
            setDialog(null);
            setActionError(null);
          }}
          onSubmit={(headId) => void run(() => engine.request('org:department:update', { id: dialog.dept.id, headId }), (x) => x.t('admin.chart.headSet'))}
        />
      ) : null}
      {dialog?.kind === 'delete' ? (
        <DeleteDialog
          dept={dialog.dept}
          departments={departments}
          members={members}
          busy={busy}
          error={actionError?.(tr) ?? null}
          onClose={() => {
            setDialog(null);
            setActionError(null);
          }}
          onSubmit={(moveMembersTo) =>
            void (async () => {
              const parent = dialog.dept.parentId;
              const r = await run(
                () => engine.request('org:department:delete', moveMembersTo ? { id: dialog.dept.id, moveMembersTo } : { id: dialog.dept.id }),
                (x) => x.t('admin.chart.deleted', { name: departmentName(dialog.dept, x.locale) }),
              );
              if (r.ok) setSelectedId(parent);
            })()
          }
        />
      ) : null}
    </div>
  );
}

function NameDialog(props: {
  dialog: { kind: 'create'; parent: Department } | { kind: 'rename'; dept: Department };
  busy: boolean;
  error: string | null;
  onClose(): void;
  onSubmit(name: string, nameEn: string | null): void;
}) {
  const { t, locale } = useT();
  const initial = props.dialog.kind === 'rename' ? props.dialog.dept : null;
  const [name, setName] = useState(initial?.name ?? '');
  const [nameEn, setNameEn] = useState(initial?.nameEn ?? '');
  const [problem, setProblem] = useState<'required' | 'tooLong' | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return setProblem('required');
    if ([...name.trim()].length > DEPARTMENT_NAME_MAX_CHARS || [...nameEn.trim()].length > DEPARTMENT_NAME_MAX_CHARS) {
      return setProblem('tooLong');
    }
    setProblem(null);
    props.onSubmit(name.trim(), nameEn.trim() || null);
  };
  const title =
    props.dialog.kind === 'create'
      ? t('admin.chart.createTitle', { parent: departmentName(props.dialog.parent, locale) })
      : t('admin.chart.renameTitle', { name: departmentName(props.dialog.dept, locale) });
  return (
    <Dialog title={title} testId="admin-dept-dialog" onClose={props.onClose} busy={props.busy}>
      <form onSubmit={submit} className="admin-form" noValidate>
        <label className="admin-field">
          <span>{t('admin.chart.nameZh')}</span>
          <input autoFocus value={name} onChange={(e) => setName(e.target.value)} data-testid="admin-dept-name" maxLength={DEPARTMENT_NAME_MAX_CHARS * 2} />
        </label>
        <label className="admin-field">
          <span>{t('admin.chart.nameEn')}</span>
          <input value={nameEn} onChange={(e) => setNameEn(e.target.value)} data-testid="admin-dept-name-en" maxLength={DEPARTMENT_NAME_MAX_CHARS * 2} />
        </label>
        <ErrorNote
          text={problem === 'required' ? t('admin.chart.nameRequired') : problem === 'tooLong' ? t('admin.chart.nameTooLong', { max: DEPARTMENT_NAME_MAX_CHARS }) : props.error}
          testId="admin-dept-dialog-error"
        />
        <div className="admin-dialog-actions">
          <button type="button" className="button" onClick={props.onClose} disabled={props.busy}>
            {t('admin.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={props.busy} data-testid="admin-dept-save">
            {props.busy ? <Spinner /> : null}
            {props.dialog.kind === 'create' ? t('admin.create') : t('admin.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function MoveDialog(props: { dept: Department; departments: Department[]; busy: boolean; error: string | null; onClose(): void; onSubmit(parentId: string): void }) {
  const { t, locale } = useT();
  const choices = useMemo(() => parentChoices(props.departments, props.dept.id), [props.departments, props.dept.id]);
  const [parentId, setParentId] = useState('');
  return (
    <Dialog title={t('admin.chart.moveTitle', { name: departmentName(props.dept, locale) })} testId="admin-move-dialog" onClose={props.onClose} busy={props.busy}>
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          if (parentId) props.onSubmit(parentId);
        }}
      >
        <label className="admin-field">
          <span>{t('admin.chart.newParent')}</span>
          <select autoFocus value={parentId} onChange={(e) => setParentId(e.target.value)} data-testid="admin-move-parent">
            <option value="">{t('admin.chart.chooseParent')}</option>
            {choices.map((c) => (
              <option key={c.dept.id} value={c.dept.id} disabled={c.inSubtree || c.isCurrentParent}>
                {'\u00a0\u00a0'.repeat(c.depth)}
                {departmentName(c.dept, locale)}
                {c.dept.id === props.dept.id ? ` — ${t('admin.chart.itself')}` : c.inSubtree ? ` — ${t('admin.chart.insideIt')}` : c.isCurrentParent ? ` — ${t('admin.chart.currentParent')}` : ''}
              </option>
            ))}
          </select>
        </label>
        <p className="muted admin-hint">{t('admin.chart.moveHint')}</p>
        <ErrorNote text={props.error} testId="admin-move-error" />
        <div className="admin-dialog-actions">
          <button type="button" className="button" onClick={props.onClose} disabled={props.busy}>
            {t('admin.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={props.busy || !parentId} data-testid="admin-move-save">
            {props.busy ? <Spinner /> : null}
            {t('admin.chart.move')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function HeadDialog(props: { dept: Department; members: DirectoryMember[]; busy: boolean; error: string | null; onClose(): void; onSubmit(headId: string | null): void }) {
  const { t, locale } = useT();
  const candidates = props.members
    .filter((m) => m.status === 'active' && m.kind === 'employee' && m.departmentIds.includes(props.dept.id))
    .sort((a, b) => displayName(a, locale).localeCompare(displayName(b, locale), locale));
  const [headId, setHeadId] = useState(props.dept.headId ?? '');
  return (
    <Dialog title={t('admin.chart.headTitle', { name: departmentName(props.dept, locale) })} testId="admin-head-dialog" onClose={props.onClose} busy={props.busy}>
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(headId || null);
        }}
      >
        {candidates.length === 0 ? <p className="notice">{t('admin.chart.headNoCandidates')}</p> : null}
        <label className="admin-field">
          <span>{t('admin.chart.head')}</span>
          <select autoFocus value={headId} onChange={(e) => setHeadId(e.target.value)} data-testid="admin-head-select">
            <option value="">{t('admin.chart.noHead')}</option>
            {candidates.map((m) => (
              <option key={m.id} value={m.id}>
                {displayName(m, locale)}
                {m.title ? ` · ${m.title}` : ''}
              </option>
            ))}
          </select>
        </label>
        <p className="muted admin-hint">{t('admin.chart.headHint')}</p>
        <ErrorNote text={props.error} testId="admin-head-error" />
        <div className="admin-dialog-actions">
          <button type="button" className="button" onClick={props.onClose} disabled={props.busy}>
            {t('admin.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={props.busy} data-testid="admin-head-save">
            {props.busy ? <Spinner /> : null}
            {t('admin.save')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

function DeleteDialog(props: {
  dept: Department;
  departments: Department[];
  members: DirectoryMember[];
  busy: boolean;
  error: string | null;
  onClose(): void;
  onSubmit(moveMembersTo: string | null): void;
}) {
  const { t, tp, locale } = useT();
  const inside = subtreeIds(props.departments, props.dept.id);
  const affected = props.members.filter((m) => m.status === 'active' && m.departmentIds.some((d) => inside.has(d))).length;
  const subs = inside.size - 1;
  const targets = visibleRows(buildTree(props.departments), new Set()).filter((n) => !inside.has(n.dept.id));
  const [moveTo, setMoveTo] = useState(props.dept.parentId ?? '');
  const name = departmentName(props.dept, locale);
  // The server deletes a department with sub-departments only together with a place for their members.
  const needsTarget = affected > 0 || subs > 0;
  return (
    <Dialog title={t('admin.chart.deleteTitle', { name })} testId="admin-delete-dialog" onClose={props.onClose} busy={props.busy}>
      <form
        className="admin-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit(needsTarget ? moveTo || null : null);
        }}
      >
        {subs > 0 ? <p>{tp('admin.chart.deleteSubs', subs)}</p> : null}
        {needsTarget ? (
          <>
            <p>{tp('admin.chart.deleteHasMembers', affected)}</p>
            <label className="admin-field">
              <span>{t('admin.chart.moveMembersTo')}</span>
              <select autoFocus value={moveTo} onChange={(e) => setMoveTo(e.target.value)} data-testid="admin-delete-move-to">
                {targets.map((n) => (
                  <option key={n.dept.id} value={n.dept.id}>
                    {'\u00a0\u00a0'.repeat(n.depth)}
                    {departmentName(n.dept, locale)}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : (
          <p>{t('admin.chart.deleteEmpty')}</p>
        )}
        <p className="muted admin-hint">{t('admin.chart.deleteGroups')}</p>
        <ErrorNote text={props.error} testId="admin-delete-error" />
        <div className="admin-dialog-actions">
          <button type="button" className="button" onClick={props.onClose} disabled={props.busy} autoFocus={!needsTarget}>
            {t('admin.cancel')}
          </button>
          <button type="submit" className="button button-primary button-danger-fill" disabled={props.busy || (needsTarget && !moveTo)} data-testid="admin-delete-confirm">
            {props.busy ? <Spinner /> : null}
            {needsTarget ? t('admin.chart.moveAndDelete') : t('admin.chart.delete')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
