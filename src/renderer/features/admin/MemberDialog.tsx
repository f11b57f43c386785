import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import type { Department, DirectoryMember } from '@shared/contract';
import { ORG_ROLES } from '@shared/rules/permissions';
import { useT, type MessageKey } from '../../i18n';
import { Spinner } from '../../components/Spinner';
import { displayName } from '../../lib/names';
import { useSignedIn } from '../../app/services';
import { buildTree, departmentName, visibleRows } from './tree';
import { formFromMember, planCreate, planEdit, type FieldProblems, type MemberFormValues } from './member-form';
import { errorField, fieldHint, fieldLabel } from './errors';
import { Dialog, ErrorNote, errorMsg, type Msg } from './ui';

export interface MemberSaved {
  member: DirectoryMember;
  /** Set when the member was just created: shown once. */
  initialPassword: string | null;
}

/** Create or edit a member: names, ids, contact, kind, departments (one primary), flags and org role. */
export function MemberDialog(props: {
  member: DirectoryMember | null;
  departments: Department[];
  members: DirectoryMember[];
  defaultDepartmentId: string | null;
  onClose(): void;
  onDone(result: MemberSaved): Promise<void>;
}) {
  const tr = useT();
  const { t, locale } = tr;
  const { engine } = useSignedIn();
  const [v, setV] = useState<MemberFormValues>(() => formFromMember(props.member, props.defaultDepartmentId));
  const [problems, setProblems] = useState<FieldProblems>({});
  const [error, setError] = useState<Msg | null>(null);
  const [busy, setBusy] = useState(false);
  const deptRows = useMemo(() => visibleRows(buildTree(props.departments), new Set()), [props.departments]);
  const editing = props.member !== null;

  const set = <K extends keyof MemberFormValues>(key: K, value: MemberFormValues[K]) => setV((cur) => ({ ...cur, [key]: value }));
  const toggleDepartment = (id: string, on: boolean) =>
    setV((cur) => {
      const departmentIds = on ? [...cur.departmentIds, id] : cur.departmentIds.filter((d) => d !== id);
      const primaryDepartmentId = departmentIds.includes(cur.primaryDepartmentId) ? cur.primaryDepartmentId : (departmentIds[0] ?? '');
      return { ...cur, departmentIds, primaryDepartmentId };
    });

  const problemText = (field: string): string | null => {
    if (!problems[field]) return null;
    if (field === 'departments') return t('admin.members.departmentsProblem');
    const value = (v as unknown as Record<string, unknown>)[field];
    if (typeof value === 'string' && value.trim() === '') return t('admin.error.fieldRequired', { field: fieldLabel({ t }, field) });
    return t('admin.error.fieldInvalid', { field: fieldLabel({ t }, field), hint: fieldHint({ t }, field) });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    if (!editing) {
      const plan = planCreate(v);
      if (!plan.ok) return setProblems(plan.problems);
      setProblems({});
      setBusy(true);
      const r = await engine.request('org:member:create', plan.request);
      setBusy(false);
      if (!r.ok) {
        const field = errorField(r.error);
        if (field) setProblems({ [field]: r.error.message });
        return setError(() => errorMsg(r.error));
      }
      return props.onDone({ member: r.value.member, initialPassword: r.value.initialPassword });
    }
    const member = props.member!;
    const checked = planEdit(member, v);
    if (!checked.ok) return setProblems(checked.problems);
    setProblems({});
    const { update, departments, role } = checked.plan;
    if (!update && !departments && !role) return props.onClose();
    setBusy(true);
    let latest = member;
    // Three requests at most, in this order; each is all-or-nothing on the server. On a refusal the
    // dialog stays open with what was not saved yet, so nothing is lost silently.
    for (const step of [
      update ? () => engine.request('org:member:update', update) : null,
      departments ? () => engine.request('org:member:setDepartments', departments) : null,
      role ? () => engine.request('org:member:setRole', role) : null,
    ]) {
      if (!step) continue;
      const r = await step();
      if (!r.ok) {
        setBusy(false);
        const field = errorField(r.error);
        if (field) setProblems({ [field]: r.error.message });
        return setError(() => errorMsg(r.error));
      }
      latest = r.value.member;
    }
    setBusy(false);
    await props.onDone({ member: latest, initialPassword: null });
  };

  const text = (field: keyof MemberFormValues & string, opts: { required?: boolean; type?: string; autoFocus?: boolean; disabled?: boolean; hint?: ReactNode } = {}) => (
    <label className={`admin-field${problems[field] ? ' has-problem' : ''}`}>
      <span>
        {t(`admin.field.${field}` as MessageKey)}
        {opts.required ? <span aria-hidden="true"> *</span> : null}
      </span>
      <input
        type={opts.type ?? 'text'}
        value={v[field] as string}
        autoFocus={opts.autoFocus}
        disabled={opts.disabled || busy}
        required={opts.required}
        aria-invalid={problems[field] ? true : undefined}
        aria-describedby={problems[field] ? `member-${field}-problem` : undefined}
        onChange={(e) => set(field, e.target.value as never)}
        data-testid={`admin-member-${field}`}
      />
      {problems[field] ? (
        <span className="inline-error" id={`member-${field}-problem`} data-testid={`admin-member-${field}-problem`}>
          {problemText(field)}
        </span>
      ) : opts.hint ? (
        <span className="muted admin-hint">{opts.hint}</span>
      ) : null}
    </label>
  );

  const title = editing ? t('admin.members.editTitle', { name: displayName(props.member!, locale) }) : t('admin.members.createTitle');
  return (
    <Dialog title={title} testId="admin-member-dialog" onClose={props.onClose} wide busy={busy}>
      <form className="admin-form admin-form-grid" onSubmit={(e) => void submit(e)} noValidate>
        <div className="admin-form-col">
          {text('account', { required: true, autoFocus: !editing, disabled: editing, hint: editing ? t('admin.members.accountFixed') : t('admin.hint.account') })}
          {text('name', { required: true, autoFocus: editing })}
          {text('nameEn')}
          {text('employeeId', { hint: t('admin.hint.employeeId') })}
          {text('mobile', { type: 'tel', hint: t('admin.hint.mobile') })}
          {text('email', { type: 'email' })}
          {text('title')}
          <div className="admin-field-row">
            <label className="admin-field">
              <span>{t('admin.field.kind')}</span>
              <select value={v.kind} disabled={busy} onChange={(e) => set('kind', e.target.value as MemberFormValues['kind'])} data-testid="admin-member-kind">
                <option value="employee">{t('admin.kind.employee')}</option>
                <option value="guest">{t('admin.kind.guest')}</option>
              </select>
            </label>
            <label className="admin-field">
              <span>{t('admin.field.role')}</span>
              <select value={v.role} disabled={busy} onChange={(e) => set('role', e.target.value as MemberFormValues['role'])} data-testid="admin-member-role">
                {ORG_ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`admin.role.${r}` as MessageKey)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          {v.kind === 'guest' ? <p className="muted admin-hint">{t('admin.members.guestHint')}</p> : null}
        </div>
        <div className="admin-form-col">
          <fieldset className={`admin-fieldset${problems['departments'] ? ' has-problem' : ''}`}>
            <legend>{t('admin.members.departmentsLegend')}</legend>
            <p className="muted admin-hint">{t('admin.members.departmentsHint')}</p>
            <div className="admin-dept-picker" data-testid="admin-member-departments">
              {deptRows.map((n) => {
                const on = v.departmentIds.includes(n.dept.id);
                const name = departmentName(n.dept, locale);
                return (
                  <div key={n.dept.id} className="admin-dept-choice" style={{ paddingLeft: 4 + n.depth * 16 }} data-dept-name={n.dept.name}>
                    <label>
                      <input type="checkbox" checked={on} disabled={busy} onChange={(e) => toggleDepartment(n.dept.id, e.target.checked)} data-testid="admin-member-dept" />
                      {name}
                    </label>
                    <label className={`admin-primary${on ? '' : ' is-off'}`}>
                      <input
                        type="radio"
                        name="primary-department"
                        checked={on && v.primaryDepartmentId === n.dept.id}
                        disabled={!on || busy}
                        onChange={() => set('primaryDepartmentId', n.dept.id)}
                        aria-label={t('admin.members.primaryOf', { name })}
                      />
                      <span aria-hidden="true">{t('admin.members.primary')}</span>
                    </label>
                  </div>
                );
              })}
            </div>
            {problems['departments'] ? (
              <span className="inline-error" data-testid="admin-member-departments-problem">
                {problemText('departments')}
              </span>
            ) : null}
          </fieldset>
          <fieldset className="admin-fieldset">
            <legend>{t('admin.members.flagsLegend')}</legend>
            {(['hidden', 'restrictedView', 'realNameVerified'] as const).map((flag) => (
              <label key={flag} className="admin-check">
                <input type="checkbox" checked={v[flag]} disabled={busy} onChange={(e) => set(flag, e.target.checked)} data-testid={`admin-member-${flag}`} />
                <span>
                  {t(`admin.field.${flag}` as MessageKey)}
                  <span className="muted admin-hint"> — {t(`admin.hint.${flag}` as MessageKey)}</span>
                </span>
              </label>
            ))}
          </fieldset>
        </div>
        <div className="admin-form-footer">
          <ErrorNote text={error?.(tr) ?? (Object.keys(problems).length ? t('admin.members.fixFields') : null)} testId="admin-member-error" />
          <div className="admin-dialog-actions">
            <button type="button" className="button" onClick={props.onClose} disabled={busy}>
              {t('admin.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={busy} data-testid="admin-member-save">
              {busy ? <Spinner /> : null}
              {editing ? t('admin.save') : t('admin.members.createButton')}
            </button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
