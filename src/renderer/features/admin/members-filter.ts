import type { Department, DirectoryMember, MemberKind } from '@shared/contract';
import { subtreeIds } from './tree';

export interface MemberFilter {
  query: string;
  /** A department: its members and those of every department under it. */
  departmentId: string | null;
  kind: MemberKind | 'all';
  status: DirectoryMember['status'] | 'all';
}

export const EMPTY_MEMBER_FILTER: MemberFilter = { query: '', departmentId: null, kind: 'all', status: 'active' };

const fold = (s: string | null | undefined): string => (s ?? '').normalize('NFKC').toLowerCase();

/**
 * The members table's rows: every word of the query must match one of name, English name,
 * account, employee id, mobile, email or title (case- and width-insensitive, so ＡＢＣ finds abc);
 * sorted by name in the UI language's collation.
 */
export function filterMembers(
  members: readonly DirectoryMember[],
  departments: readonly Department[],
  filter: MemberFilter,
  locale: 'zh-CN' | 'en',
): DirectoryMember[] {
  const words = fold(filter.query).split(/\s+/).filter(Boolean);
  const inDepartments = filter.departmentId ? subtreeIds(departments, filter.departmentId) : null;
  const out = members.filter((m) => {
    if (filter.kind !== 'all' && m.kind !== filter.kind) return false;
    if (filter.status !== 'all' && m.status !== filter.status) return false;
    if (inDepartments && !m.departmentIds.some((d) => inDepartments.has(d))) return false;
    if (words.length === 0) return true;
    const hay = [m.name, m.nameEn, m.account, m.employeeId, m.mobile, m.email, m.title].map(fold).join('\u0000');
    return words.every((w) => hay.includes(w));
  });
  const collator = new Intl.Collator(locale, { numeric: true }); // 批量2 before 批量10
  const label = (m: DirectoryMember) => (locale === 'en' && m.nameEn ? m.nameEn : m.name);
  return out.sort((a, b) => collator.compare(label(a), label(b)) || a.id.localeCompare(b.id));
}
