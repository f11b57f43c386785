import { socketRequests, type DirectoryMember, type MemberKind, type SocketRequest } from '@shared/contract';
import type { OrgRoleName } from '@shared/rules/permissions';

/**
 * The member form's values and how they become requests. Checked against the contract's own
 * schemas before anything is sent, so a field-level message can be shown next to its input.
 */

export interface MemberFormValues {
  account: string;
  name: string;
  nameEn: string;
  employeeId: string;
  mobile: string;
  email: string;
  title: string;
  kind: MemberKind;
  role: OrgRoleName;
  departmentIds: string[];
  primaryDepartmentId: string;
  hidden: boolean;
  restrictedView: boolean;
  realNameVerified: boolean;
}

export const formFromMember = (m: DirectoryMember | null, defaultDepartmentId: string | null): MemberFormValues =>
  m
    ? {
        account: m.account,
        name: m.name,
        nameEn: m.nameEn ?? '',
        employeeId: m.employeeId ?? '',
        mobile: m.mobile ?? '',
        email: m.email ?? '',
        title: m.title ?? '',
        kind: m.kind,
        role: m.role,
        departmentIds: [...m.departmentIds],
        primaryDepartmentId: m.primaryDepartmentId ?? m.departmentIds[0] ?? '',
        hidden: m.hidden,
        restrictedView: m.restrictedView,
        realNameVerified: m.realNameVerified,
      }
    : {
        account: '',
        name: '',
        nameEn: '',
        employeeId: '',
        mobile: '',
        email: '',
        title: '',
        kind: 'employee',
        role: 'employee',
        departmentIds: defaultDepartmentId ? [defaultDepartmentId] : [],
        primaryDepartmentId: defaultDepartmentId ?? '',
        hidden: false,
        restrictedView: false,
        realNameVerified: false,
      };

const orNull = (s: string): string | null => (s.trim() === '' ? null : s.trim());

const fieldsOf = (v: MemberFormValues) => ({
  name: v.name,
  nameEn: orNull(v.nameEn),
  employeeId: orNull(v.employeeId),
  mobile: orNull(v.mobile),
  email: orNull(v.email),
  title: orNull(v.title),
  kind: v.kind,
  hidden: v.hidden,
  restrictedView: v.restrictedView,
  realNameVerified: v.realNameVerified,
});

/** Field name -> the first problem the contract reports for it ('departments' for the department choice). */
export type FieldProblems = Partial<Record<string, string>>;

const problemsOf = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldProblems => {
  const out: FieldProblems = {};
  for (const i of issues) {
    const [first, second] = i.path.map(String);
    const key = first === 'fields' ? second : first === 'departments' || first === undefined ? 'departments' : first;
    if (key && !out[key]) out[key] = i.message;
  }
  return out;
};

export type CreatePlan = { ok: true; request: SocketRequest<'org:member:create'> } | { ok: false; problems: FieldProblems };

export function planCreate(v: MemberFormValues): CreatePlan {
  const parsed = socketRequests['org:member:create'].request.safeParse({
    account: v.account,
    role: v.role,
    fields: fieldsOf(v),
    departments: { departmentIds: v.departmentIds, primaryDepartmentId: v.primaryDepartmentId },
  });
  return parsed.success ? { ok: true, request: parsed.data } : { ok: false, problems: problemsOf(parsed.error.issues) };
}

export interface EditPlan {
  /** Only the fields that changed; null when none did. */
  update: { id: string; fields: Partial<ReturnType<typeof fieldsOf>> } | null;
  departments: { id: string; departments: { departmentIds: string[]; primaryDepartmentId: string } } | null;
  role: { id: string; role: OrgRoleName } | null;
}

export function planEdit(member: DirectoryMember, v: MemberFormValues): { ok: true; plan: EditPlan } | { ok: false; problems: FieldProblems } {
  const before = fieldsOf(formFromMember(member, null));
  const after = fieldsOf(v);
  const changed: Partial<ReturnType<typeof fieldsOf>> = {};
  for (const k of Object.keys(after) as (keyof typeof after)[]) {
    if (after[k] !== before[k]) (changed as Record<string, unknown>)[k] = after[k];
  }
  const problems: FieldProblems = {};
  const update = socketRequests['org:member:update'].request.safeParse({ id: member.id, fields: changed });
  if (!update.success) Object.assign(problems, problemsOf(update.error.issues));
  const sameDepartments =
    v.primaryDepartmentId === member.primaryDepartmentId &&
    v.departmentIds.length === member.departmentIds.length &&
    v.departmentIds.every((d) => member.departmentIds.includes(d));
  const departments = socketRequests['org:member:setDepartments'].request.safeParse({
    id: member.id,
    departments: { departmentIds: v.departmentIds, primaryDepartmentId: v.primaryDepartmentId },
  });
  if (!sameDepartments && !departments.success) Object.assign(problems, problemsOf(departments.error.issues));
  if (Object.keys(problems).length > 0 || !update.success || (!sameDepartments && !departments.success)) return { ok: false, problems };
  return {
    ok: true,
    plan: {
      update: Object.keys(changed).length > 0 ? update.data : null,
      departments: sameDepartments || !departments.success ? null : departments.data,
      role: v.role !== member.role ? { id: member.id, role: v.role } : null,
    },
  };
}
