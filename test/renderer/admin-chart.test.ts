import { describe, expect, it } from 'vitest';
import type { Department, DirectoryMember } from '@shared/contract';
import {
  buildTree,
  departmentPath,
  memberCounts,
  parentChoices,
  reorderPayload,
  subtreeIds,
  visibleRows,
} from '../../src/renderer/features/admin/tree';
import { filterMembers, EMPTY_MEMBER_FILTER } from '../../src/renderer/features/admin/members-filter';
import { formFromMember, planCreate, planEdit } from '../../src/renderer/features/admin/member-form';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const dept = (n: number, parent: number | null, name: string, nameEn: string | null, sort: number): Department => ({
  id: id(n),
  parentId: parent === null ? null : id(parent),
  name,
  nameEn,
  sort,
  headId: null,
});
// 总部 ─ 研发中心 ─ 前端组 / 后端组 ; 市场部 (sorted before 研发中心 by `sort`)
const departments: Department[] = [
  dept(1, null, '总部', 'Headquarters', 0),
  dept(2, 1, '研发中心', 'R&D Center', 2),
  dept(3, 2, '后端组', 'Backend', 1),
  dept(4, 2, '前端组', 'Frontend', 0),
  dept(5, 1, '市场部', null, 1),
];
const member = (n: number, depts: number[], extra: Partial<DirectoryMember> = {}): DirectoryMember => ({
  id: id(100 + n),
  account: `m${n}`,
  name: `成员${n}`,
  nameEn: `Member ${n}`,
  title: null,
  role: 'employee',
  kind: 'employee',
  departmentIds: depts.map(id),
  primaryDepartmentId: depts[0] === undefined ? null : id(depts[0]),
  employeeId: `E${n}`,
  mobile: null,
  email: null,
  hidden: false,
  restrictedView: false,
  realNameVerified: false,
  status: 'active',
  ...extra,
});

describe('admin department tree', () => {
  it('orders siblings by sort and walks depth first; collapsed departments hide their children', () => {
    const names = visibleRows(buildTree(departments), new Set()).map((n) => `${n.depth}:${n.dept.name}`);
    expect(names).toEqual(['0:总部', '1:市场部', '1:研发中心', '2:前端组', '2:后端组']);
    const collapsed = visibleRows(buildTree(departments), new Set([id(2)])).map((n) => n.dept.name);
    expect(collapsed).toEqual(['总部', '市场部', '研发中心']);
  });

  it('shows a department whose parent is unknown as a root instead of losing it, and survives a cycle', () => {
    const orphan = dept(9, 42, '孤儿', null, 0);
    const cyclic = [dept(7, 8, 'A', null, 0), dept(8, 7, 'B', null, 0)];
    expect(visibleRows(buildTree([...departments, orphan]), new Set()).map((n) => n.dept.name)).toContain('孤儿');
    expect(() => buildTree(cyclic)).not.toThrow();
    expect(subtreeIds(cyclic, id(7))).toEqual(new Set([id(7), id(8)]));
  });

  it('names the path below the organization, in the UI language (English name when there is one)', () => {
    expect(departmentPath(departments, id(4), 'zh-CN')).toBe('研发中心 / 前端组');
    expect(departmentPath(departments, id(4), 'en')).toBe('R&D Center / Frontend');
    expect(departmentPath(departments, id(5), 'en')).toBe('市场部');
    expect(departmentPath(departments, id(1), 'en')).toBe('Headquarters');
    expect(departmentPath(departments, null, 'en')).toBe('');
  });

  it('reorders among siblings only: up/down swap neighbours, the ends and the root give nothing to send', () => {
    expect(reorderPayload(departments, id(3), -1)).toEqual({ parentId: id(2), orderedIds: [id(3), id(4)] });
    expect(reorderPayload(departments, id(4), 1)).toEqual({ parentId: id(2), orderedIds: [id(3), id(4)] });
    expect(reorderPayload(departments, id(4), -1)).toBeNull();
    expect(reorderPayload(departments, id(3), 1)).toBeNull();
    expect(reorderPayload(departments, id(1), 1)).toBeNull();
    expect(reorderPayload(departments, id(5), 1)).toEqual({ parentId: id(1), orderedIds: [id(2), id(5)] });
  });

  it('marks a department’s own subtree and current parent among the move targets', () => {
    const choices = parentChoices(departments, id(2));
    const of = (n: number) => choices.find((c) => c.dept.id === id(n))!;
    expect(of(2).inSubtree).toBe(true);
    expect(of(3).inSubtree).toBe(true);
    expect(of(4).inSubtree).toBe(true);
    expect(of(5).inSubtree).toBe(false);
    expect(of(1)).toMatchObject({ inSubtree: false, isCurrentParent: true });
  });

  it('counts active members directly and through sub-departments, once per branch', () => {
    const members = [
      member(1, [4]),
      member(2, [3, 4]), // two departments in the same branch: once in 研发中心 and 总部
      member(3, [5]),
      member(4, [4], { status: 'offboarded' }),
    ];
    const counts = memberCounts(departments, members);
    expect(counts.get(id(4))).toEqual({ direct: 2, total: 2 });
    expect(counts.get(id(3))).toEqual({ direct: 1, total: 1 });
    expect(counts.get(id(2))).toEqual({ direct: 0, total: 2 });
    expect(counts.get(id(1))).toEqual({ direct: 0, total: 3 });
  });
});

describe('admin members table filter', () => {
  const members = [
    member(1, [4], { name: '李娜', nameEn: 'Li Na', mobile: '13800000001' }),
    member(2, [3], { name: '张伟', nameEn: 'Zhang Wei', kind: 'guest' }),
    member(3, [5], { name: '王芳', nameEn: null, status: 'offboarded', email: 'wang@example.com' }),
  ];
  const run = (patch: Partial<typeof EMPTY_MEMBER_FILTER>, locale: 'en' | 'zh-CN' = 'en') =>
    filterMembers(members, departments, { ...EMPTY_MEMBER_FILTER, ...patch }, locale).map((m) => m.name);

  it('shows active members by default, sorted by the name shown in the UI language', () => {
    expect(run({})).toEqual(['李娜', '张伟']);
    // English UI: English names first (Latin sorts before Han); Chinese UI: pinyin order (li, wang, zhang).
    expect(run({ status: 'all' })).toEqual(['李娜', '张伟', '王芳']);
    expect(run({ status: 'all' }, 'zh-CN')).toEqual(['李娜', '王芳', '张伟']);
  });

  it('matches every word of the query against names, account, ids and contacts, ignoring case and full-width forms', () => {
    expect(run({ query: 'li na' })).toEqual(['李娜']);
    expect(run({ query: 'ＺＨＡＮＧ' })).toEqual(['张伟']);
    expect(run({ query: '1380000' })).toEqual(['李娜']);
    expect(run({ query: 'e2' })).toEqual(['张伟']);
    expect(run({ query: 'wang@', status: 'all' })).toEqual(['王芳']);
    expect(run({ query: 'li zhang' })).toEqual([]);
  });

  it('filters by a department including everything under it, and by kind and status', () => {
    expect(run({ departmentId: id(2) })).toEqual(['李娜', '张伟']);
    expect(run({ departmentId: id(4) })).toEqual(['李娜']);
    expect(run({ kind: 'guest' })).toEqual(['张伟']);
    expect(run({ status: 'offboarded' })).toEqual(['王芳']);
  });
});

describe('admin member form', () => {
  it('checks a new member against the contract and names the fields that are wrong', () => {
    const v = { ...formFromMember(null, null), account: ' ', name: '', mobile: '12345', email: 'not-mail' };
    const plan = planCreate(v);
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(Object.keys(plan.problems).sort()).toEqual(['account', 'departments', 'email', 'mobile', 'name']);
  });

  it('builds the create request with empty optional fields as null', () => {
    const v = { ...formFromMember(null, id(4)), account: 'new.one', name: '新人', mobile: '+86 13912345678' };
    const plan = planCreate(v);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.request).toMatchObject({
      account: 'new.one',
      role: 'employee',
      fields: { name: '新人', nameEn: null, email: null, mobile: '+86 13912345678', kind: 'employee' },
      departments: { departmentIds: [id(4)], primaryDepartmentId: id(4) },
    });
  });

  it('edits send only what changed: fields, departments and role are separate requests', () => {
    const m = member(1, [4, 3], { title: 'Engineer' });
    const same = planEdit(m, formFromMember(m, null));
    expect(same).toEqual({ ok: true, plan: { update: null, departments: null, role: null } });

    const v = { ...formFromMember(m, null), title: '', hidden: true, primaryDepartmentId: id(3), role: 'dept_head' as const };
    const plan = planEdit(m, v);
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.plan.update).toEqual({ id: m.id, fields: { title: null, hidden: true } });
    expect(plan.plan.departments).toEqual({ id: m.id, departments: { departmentIds: [id(4), id(3)], primaryDepartmentId: id(3) } });
    expect(plan.plan.role).toEqual({ id: m.id, role: 'dept_head' });
  });

  it('an edit that leaves no department is refused before sending', () => {
    const m = member(1, [4]);
    const plan = planEdit(m, { ...formFromMember(m, null), departmentIds: [], primaryDepartmentId: '' });
    expect(plan.ok).toBe(false);
    if (plan.ok) return;
    expect(Object.keys(plan.problems)).toEqual(['departments']);
  });
});
