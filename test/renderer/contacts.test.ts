import { describe, expect, it } from 'vitest';
import type { Department, DirectoryMember } from '@shared/contract';
import { PERMISSION_NAMES } from '@shared/rules/permissions';
import { departmentName, indexChart, personMatches, pinyinInitials, searchPeople, subtreeIds } from '../../src/renderer/features/contacts/chart';
import { suggestName } from '../../src/renderer/features/groups/CreateGroupDialog';
import { systemText } from '../../src/renderer/features/chat/system';
import { dictionaries, errorText } from '../../src/renderer/i18n/i18n';

const dept = (name: string, parentId: string | null, sort = 0, nameEn: string | null = null): Department => ({
  id: crypto.randomUUID(),
  parentId,
  name,
  nameEn,
  sort,
  headId: null,
});

const person = (name: string, nameEn: string | null, account: string, departmentIds: string[], extra: Partial<DirectoryMember> = {}): DirectoryMember => ({
  id: crypto.randomUUID(),
  account,
  name,
  nameEn,
  title: null,
  role: 'employee',
  kind: 'employee',
  departmentIds,
  primaryDepartmentId: departmentIds[0] ?? null,
  employeeId: null,
  mobile: null,
  email: null,
  hidden: false,
  restrictedView: false,
  realNameVerified: false,
  status: 'active',
  ...extra,
});

describe('the org chart index', () => {
  const hq = dept('总部', null, 0, 'Headquarters');
  const rd = dept('研发中心', hq.id, 2, 'R&D Center');
  const product = dept('产品部', hq.id, 1);
  const fe = dept('前端组', rd.id, 0, 'Frontend');
  const zhang = person('张伟', 'Zhang Wei', 'zhangwei', [rd.id], { employeeId: 'E1001', title: '研发总监' });
  const li = person('李娜', 'Li Na', 'lina', [fe.id, product.id]);
  const gone = person('王芳', 'Wang Fang', 'wangfang', [fe.id], { status: 'offboarded' });
  const index = indexChart([fe, rd, hq, product], [zhang, li, gone]);

  it('orders children by the chart’s sort, lists people in each of their departments, leaves offboarded people out', () => {
    expect(index.children.get(null)?.map((d) => d.name)).toEqual(['总部']);
    expect(index.children.get(hq.id)?.map((d) => d.name)).toEqual(['产品部', '研发中心']);
    expect(index.members.get(fe.id)?.map((p) => p.name)).toEqual(['李娜']);
    expect(index.members.get(product.id)?.map((p) => p.name)).toEqual(['李娜']);
    expect(index.people.has(gone.id)).toBe(false);
    expect([...subtreeIds(index, rd.id)].sort()).toEqual([rd.id, fe.id].sort());
    // counts under a department: everyone below it, once each (Li Na is in two departments under 总部)
    expect([hq, rd, fe, product].map((d) => index.countUnder.get(d.id) ?? 0)).toEqual([2, 2, 1, 1]);
  });

  it('a department whose parent the reader cannot see becomes a root', () => {
    const orphan = dept('华东区', crypto.randomUUID());
    expect(indexChart([hq, orphan], []).children.get(null)?.map((d) => d.name).sort()).toEqual(['华东区', '总部'].sort());
  });

  it('names departments in the UI language, falling back to the registered name', () => {
    expect(departmentName(rd, 'en')).toBe('R&D Center');
    expect(departmentName(rd, 'zh-CN')).toBe('研发中心');
    expect(departmentName(product, 'en')).toBe('产品部');
  });

  it('finds people by Chinese name, English name in either order, account, employee id or title', () => {
    for (const q of ['张伟', '张', 'Zhang Wei', 'zhang wei', 'wei zhang', 'ZHANGWEI', 'zhangw', 'E1001', '总监', 'Ｚｈａｎｇ']) {
      expect(personMatches(zhang, q), q).toBe(true);
    }
    for (const q of ['李娜', 'na li', 'lina']) expect(personMatches(li, q), q).toBe(true);
    expect(personMatches(zhang, 'Li Na')).toBe(false);
    // pinyin initials of the Chinese name
    expect(personMatches(zhang, 'zw')).toBe(true);
    expect(personMatches(li, 'ln')).toBe(true);
    expect(personMatches(li, 'zw')).toBe(false);
    expect(searchPeople(index, 'wang fang')).toEqual([]); // offboarded: not in the directory
  });
});

describe('pinyin initials', () => {
  it('reads the initials of common Chinese names', () => {
    const names = { 张伟: 'zw', 李娜: 'ln', 陈建国: 'cjg', 刘强: 'lq', 罗琳: 'll', 赵敏: 'zm', 王芳: 'wf', 黄涛: 'ht', 许婷: 'xt', 钱程: 'qc', 'David Miller': 'davidmiller' };
    for (const [name, initials] of Object.entries(names)) expect(pinyinInitials(name), name).toBe(initials);
  });
});

describe('texts', () => {
  it('suggests a group name from the picked people, as WeCom does', () => {
    expect(suggestName(['张伟', '李娜'], 'zh-CN')).toBe('张伟、李娜');
    expect(suggestName(['Zhang Wei', 'Li Na'], 'en')).toBe('Zhang Wei, Li Na');
    expect(suggestName(['a', 'b', 'c', 'd', 'e'], 'zh-CN')).toBe('a、b、c、d等');
  });

  it('renders system messages from their event in the reader’s language; old ones show their body', () => {
    const event = {
      type: 'members_added' as const,
      actor: { id: crypto.randomUUID(), name: '张伟', nameEn: 'Zhang Wei' },
      targets: [{ id: crypto.randomUUID(), name: '李娜', nameEn: 'Li Na' }],
    };
    expect(systemText({ body: 'fallback', system: event }, 'zh-CN')).toBe('张伟 邀请 李娜 加入群聊');
    expect(systemText({ body: 'fallback', system: event }, 'en')).toBe('Zhang Wei added Li Na');
    expect(systemText({ body: '张伟 创建了群聊', system: null }, 'en')).toBe('张伟 创建了群聊');
  });

  it('translates refusals by their reason and by the missing permission, never showing codes', () => {
    const full = { code: 'conflict' as const, details: { reason: 'group_full', memberCap: 500, memberCount: 500 } };
    expect(errorText('en', full)).toContain('500 of 500');
    expect(errorText('zh-CN', full)).toContain('500/500');
    expect(errorText('en', { code: 'forbidden', details: { reason: 'guest_not_allowed' } })).toMatch(/outside contacts/i);
    expect(errorText('en', { code: 'forbidden', details: { permission: 'group.role.set' } })).toBe('You don’t have permission to change admins.');
    expect(errorText('zh-CN', { code: 'forbidden', details: { permission: 'group.dissolve' } })).toBe('你没有权限解散该群。');
    // unknown reasons and permissions fall back to the code's text
    expect(errorText('en', { code: 'conflict', details: { reason: 'something_new' } })).toBe(errorText('en', { code: 'conflict' }));
    expect(errorText('en', { code: 'forbidden', details: { permission: 'nope' } })).toBe(errorText('en', { code: 'forbidden' }));
  });

  it('has words for every permission of the table, in both languages', () => {
    for (const p of PERMISSION_NAMES) {
      for (const locale of ['en', 'zh-CN'] as const) {
        expect((dictionaries[locale] as Record<string, string>)[`permission.${p}`], `${locale} permission.${p}`).toBeTruthy();
      }
    }
  });
});
