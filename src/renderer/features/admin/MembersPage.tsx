import { useDeferredValue, useMemo, useState } from 'react';
import type { DirectoryMember } from '@shared/contract';
import { useT, type MessageKey, type Translator } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { useSignedIn } from '../../app/services';
import type { AdminChart } from './useAdminChart';
import { buildTree, departmentName, departmentPath, visibleRows } from './tree';
import { EMPTY_MEMBER_FILTER, filterMembers, type MemberFilter } from './members-filter';
import { CopyButton, Dialog, ErrorNote, errorMsg, type Msg } from './ui';
import { MemberDialog } from './MemberDialog';

/** Rows rendered at once; "show more" adds this many (keeps a 10,000-member org responsive). */
const PAGE_ROWS = 200;

type DialogState =
  | { kind: 'create' }
  | { kind: 'edit'; member: DirectoryMember }
  | { kind: 'offboard'; member: DirectoryMember }
  | { kind: 'password'; member: DirectoryMember; password: string }
  | null;

export function MembersPage({ chart, initialDepartmentId = null }: { chart: AdminChart; initialDepartmentId?: string | null }) {
  const tr = useT();
  const { t, te, locale } = tr;
  const { engine, profile } = useSignedIn();
  const [filter, setFilter] = useState<MemberFilter>({ ...EMPTY_MEMBER_FILTER, departmentId: initialDepartmentId });
  const query = useDeferredValue(filter.query);
  const [limit, setLimit] = useState(PAGE_ROWS);
  const [dialog, setDialog] = useState<DialogState>(null);
  const [notice, setNotice] = useState<Msg | null>(null);
  const { departments, members } = chart;

  // A department deleted meanwhile filters nothing out rather than everything.
  const departmentId = filter.departmentId && departments?.some((d) => d.id === filter.departmentId) ? filter.departmentId : null;
  const rows = useMemo(
    () => (departments && members ? filterMembers(members, departments, { ...filter, departmentId, query }, locale) : []),
    [departments, members, filter, departmentId, query, locale],
  );
  const deptRows = useMemo(() => visibleRows(buildTree(departments ?? []), new Set()), [departments]);

  if (!departments || !members) {
    return chart.error ? (
      <p className="inline-error" role="alert">
        {t('admin.chart.loadFailed', { reason: te(chart.error) })}
      </p>
    ) : (
      <div className="admin-loading" role="status">
        <Spinner />
        {t('admin.chart.loading')}
      </div>
    );
  }

  const set = (patch: Partial<MemberFilter>) => {
    setFilter((f) => ({ ...f, ...patch }));
    setLimit(PAGE_ROWS);
  };
  const filtered = filter.query !== '' || departmentId !== null || filter.kind !== 'all' || filter.status !== 'active';

  return (
    <div className="admin-members">
      <div className="admin-page-head">
        <h2 className="admin-heading">{t('admin.members.title')}</h2>
        <button type="button" className="button button-primary" data-testid="admin-member-new" onClick={() => setDialog({ kind: 'create' })}>
          {t('admin.members.new')}
        </button>
      </div>
      <div className="admin-toolbar" role="search">
        <input
          type="search"
          className="admin-search"
          placeholder={t('admin.members.search')}
          aria-label={t('admin.members.search')}
          value={filter.query}
          onChange={(e) => set({ query: e.target.value })}
          data-testid="admin-member-search"
        />
        <label className="admin-inline-field">
          <span>{t('admin.members.department')}</span>
          <select value={departmentId ?? ''} onChange={(e) => set({ departmentId: e.target.value || null })} data-testid="admin-member-dept-filter">
            <option value="">{t('admin.members.allDepartments')}</option>
            {deptRows.map((n) => (
              <option key={n.dept.id} value={n.dept.id}>
                {'\u00a0\u00a0'.repeat(n.depth)}
                {departmentName(n.dept, locale)}
              </option>
            ))}
          </select>
        </label>
        <label className="admin-inline-field">
          <span>{t('admin.members.kind')}</span>
          <select value={filter.kind} onChange={(e) => set({ kind: e.target.value as MemberFilter['kind'] })} data-testid="admin-member-kind-filter">
            <option value="all">{t('admin.members.all')}</option>
            <option value="employee">{t('admin.kind.employee')}</option>
            <option value="guest">{t('admin.kind.guest')}</option>
          </select>
        </label>
        <label className="admin-inline-field">
          <span>{t('admin.members.status')}</span>
          <select value={filter.status} onChange={(e) => set({ status: e.target.value as MemberFilter['status'] })} data-testid="admin-member-status-filter">
            <option value="active">{t('admin.status.active')}</option>
            <option value="offboarded">{t('admin.status.offboarded')}</option>
            <option value="all">{t('admin.members.all')}</option>
          </select>
        </label>
        <span className="muted admin-count" data-testid="admin-member-count" aria-live="polite">
          {t('admin.members.count', { shown: rows.length, total: members.length })}
        </span>
      </div>
      {notice ? (
        <p className="admin-notice" role="status" data-testid="admin-members-notice">
          {notice(tr)}
        </p>
      ) : null}
      {rows.length === 0 ? (
        <div className="admin-empty-state" data-testid="admin-members-empty">
          <p>{filtered ? t('admin.members.noMatch') : t('admin.members.none')}</p>
          {filtered ? (
            <button type="button" className="button" onClick={() => set(EMPTY_MEMBER_FILTER)}>
              {t('admin.members.clearFilters')}
            </button>
          ) : null}
        </div>
      ) : (
        <div className="admin-table-wrap">
          <table className="admin-table" data-testid="admin-members-table">
            <thead>
              <tr>
                <th scope="col">{t('admin.field.name')}</th>
                <th scope="col">{t('admin.field.account')}</th>
                <th scope="col">{t('admin.field.employeeId')}</th>
                <th scope="col">{t('admin.members.department')}</th>
                <th scope="col">{t('admin.field.title')}</th>
                <th scope="col">{t('admin.field.role')}</th>
                <th scope="col">{t('admin.members.flags')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('admin.members.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.slice(0, limit).map((m) => (
                <tr key={m.id} data-testid="admin-member-row" data-account={m.account} data-status={m.status}>
                  <th scope="row">
                    <span className="admin-member-name">{m.name}</span>
                    {m.nameEn ? <span className="muted admin-member-en">{m.nameEn}</span> : null}
                  </th>
                  <td>{m.account}</td>
                  <td>{m.employeeId ?? '—'}</td>
                  <td>
                    {departmentPath(departments, m.primaryDepartmentId, locale) || '—'}
                    {m.departmentIds.length > 1 ? <span className="muted"> +{m.departmentIds.length - 1}</span> : null}
                  </td>
                  <td>{m.title ?? '—'}</td>
                  <td className="admin-nowrap">{t(`admin.role.${m.role}` as MessageKey)}</td>
                  <td className="admin-flags">
                    {m.kind === 'guest' ? <span className="tag tag-external">{t('admin.kind.guest')}</span> : null}
                    {m.status === 'offboarded' ? <span className="tag">{t('admin.status.offboarded')}</span> : null}
                    {m.hidden ? <span className="tag">{t('admin.flag.hidden')}</span> : null}
                    {m.restrictedView ? <span className="tag">{t('admin.flag.restrictedView')}</span> : null}
                    {m.realNameVerified ? <span className="tag tag-training">{t('admin.flag.verified')}</span> : null}
                  </td>
                  <td className="admin-row-actions">
                    {m.status === 'active' ? (
                      <>
                        <button
                          type="button"
                          className="button button-link"
                          data-testid="admin-member-edit"
                          aria-label={t('admin.members.editLabel', { name: displayName(m, locale) })}
                          onClick={() => setDialog({ kind: 'edit', member: m })}
                        >
                          {t('admin.edit')}
                        </button>
                        {m.id !== profile.member.id ? (
                          <button
                            type="button"
                            className="button button-link button-danger"
                            data-testid="admin-member-offboard"
                            aria-label={t('admin.members.offboardLabel', { name: displayName(m, locale) })}
                            onClick={() => setDialog({ kind: 'offboard', member: m })}
                          >
                            {t('admin.members.offboard')}
                          </button>
                        ) : null}
                      </>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > limit ? (
            <button type="button" className="button admin-more" onClick={() => setLimit((l) => l + PAGE_ROWS)}>
              {t('admin.members.showMore', { count: Math.min(PAGE_ROWS, rows.length - limit) })}
            </button>
          ) : null}
        </div>
      )}
      {dialog?.kind === 'create' || dialog?.kind === 'edit' ? (
        <MemberDialog
          member={dialog.kind === 'edit' ? dialog.member : null}
          departments={departments}
          members={members}
          defaultDepartmentId={departmentId}
          onClose={() => setDialog(null)}
          onDone={async (result) => {
            await chart.refresh();
            if (result.initialPassword) setDialog({ kind: 'password', member: result.member, password: result.initialPassword });
            else {
              setDialog(null);
              setNotice(() => (x: Translator) => x.t('admin.members.saved', { name: displayName(result.member, x.locale) }));
            }
          }}
        />
      ) : null}
      {dialog?.kind === 'password' ? <PasswordDialog member={dialog.member} password={dialog.password} onClose={() => setDialog(null)} /> : null}
      {dialog?.kind === 'offboard' ? (
        <OffboardDialog
          member={dialog.member}
          onClose={() => setDialog(null)}
          onConfirm={async () => {
            const r = await engine.request('org:member:offboard', { id: dialog.member.id });
            if (!r.ok) return errorMsg(r.error);
            await chart.refresh();
            setDialog(null);
            const left = r.value.groupsLeft;
            setNotice(() => (x: Translator) => x.tp('admin.members.offboarded', left, { name: displayName(dialog.member, x.locale) }));
            return null;
          }}
        />
      ) : null}
    </div>
  );
}

function PasswordDialog({ member, password, onClose }: { member: DirectoryMember; password: string; onClose(): void }) {
  const { t, locale } = useT();
  return (
    <Dialog title={t('admin.members.createdTitle', { name: displayName(member, locale) })} testId="admin-password-dialog" onClose={onClose}>
      <p>{t('admin.members.createdBody')}</p>
      <dl className="admin-facts">
        <dt>{t('admin.field.account')}</dt>
        <dd data-testid="admin-created-account">{member.account}</dd>
        <dt>{t('admin.members.initialPassword')}</dt>
        <dd>
          <code className="admin-secret" data-testid="admin-created-password">
            {password}
          </code>
        </dd>
      </dl>
      <p className="notice">{t('admin.members.passwordOnce')}</p>
      <div className="admin-dialog-actions">
        <CopyButton text={`${member.account}\t${password}`} testId="admin-password-copy" label={t('admin.members.copyCredentials')} />
        <button type="button" className="button button-primary" onClick={onClose} data-testid="admin-password-done" autoFocus>
          {t('admin.members.passwordNoted')}
        </button>
      </div>
    </Dialog>
  );
}

function OffboardDialog({ member, onClose, onConfirm }: { member: DirectoryMember; onClose(): void; onConfirm(): Promise<Msg | null> }) {
  const tr = useT();
  const { t, locale } = tr;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Msg | null>(null);
  const name = displayName(member, locale);
  return (
    <Dialog title={t('admin.members.offboardTitle', { name })} testId="admin-offboard-dialog" onClose={onClose} busy={busy}>
      <p>{t('admin.members.offboardIntro', { name })}</p>
      <ul className="admin-consequences">
        <li>{t('admin.members.offboardSessions')}</li>
        <li>{t('admin.members.offboardGroups')}</li>
        <li>{t('admin.members.offboardKept')}</li>
        <li>{t('admin.members.offboardFinal')}</li>
      </ul>
      <ErrorNote text={error?.(tr) ?? null} testId="admin-offboard-error" />
      <div className="admin-dialog-actions">
        <button type="button" className="button" onClick={onClose} disabled={busy} autoFocus>
          {t('admin.cancel')}
        </button>
        <button
          type="button"
          className="button button-primary button-danger-fill"
          disabled={busy}
          data-testid="admin-offboard-confirm"
          onClick={() => {
            setBusy(true);
            void onConfirm().then((e) => {
              setBusy(false);
              setError(() => e);
            });
          }}
        >
          {busy ? <Spinner /> : null}
          {t('admin.members.offboardConfirm', { name })}
        </button>
      </div>
    </Dialog>
  );
}
