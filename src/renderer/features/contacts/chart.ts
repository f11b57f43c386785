import type { Department, DirectoryMember } from '@shared/contract';
import type { Locale } from '../../i18n';

/** Pure helpers over the cached org chart (no React, no Dexie): tree, names, search. */

export interface ChartIndex {
  byId: Map<string, Department>;
  /** Children of each department (key null: the roots), in the chart's order. */
  children: Map<string | null, Department[]>;
  /** Active members by department id (a member with several departments is listed in each). */
  members: Map<string, DirectoryMember[]>;
  people: Map<string, DirectoryMember>;
  /** How many people are in each department and the departments under it (each counted once). */
  countUnder: Map<string, number>;
}

const bySortThenName = (a: Department, b: Department) => a.sort - b.sort || a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id);

export function indexChart(departments: readonly Department[], people: readonly DirectoryMember[]): ChartIndex {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const children = new Map<string | null, Department[]>();
  for (const d of departments) {
    // A parent we cannot see (restricted view) makes the department a root for this reader.
    const parent = d.parentId !== null && byId.has(d.parentId) ? d.parentId : null;
    const list = children.get(parent);
    if (list) list.push(d);
    else children.set(parent, [d]);
  }
  for (const list of children.values()) list.sort(bySortThenName);
  const members = new Map<string, DirectoryMember[]>();
  const active = people.filter((p) => p.status === 'active');
  for (const p of active) {
    for (const id of p.departmentIds) {
      const list = members.get(id);
      if (list) list.push(p);
      else members.set(id, [p]);
    }
  }
  for (const list of members.values()) list.sort(byPersonName);
  // Each person counts once in every department above theirs: walk up from each of their departments.
  const under = new Map<string, Set<string>>();
  for (const p of active) {
    for (const start of p.departmentIds) {
      let d = byId.get(start);
      const seen = new Set<string>();
      while (d && !seen.has(d.id)) {
        seen.add(d.id);
        let set = under.get(d.id);
        if (!set) under.set(d.id, (set = new Set()));
        set.add(p.id);
        d = d.parentId ? byId.get(d.parentId) : undefined;
      }
    }
  }
  const countUnder = new Map([...under].map(([id, set]) => [id, set.size]));
  return { byId, children, members, people: new Map(active.map((p) => [p.id, p])), countUnder };
}

export const byPersonName = (a: DirectoryMember, b: DirectoryMember) => a.name.localeCompare(b.name, 'zh-CN') || a.id.localeCompare(b.id);

/** A department's name in the UI language: the English name in English when it has one. */
export const departmentName = (d: Pick<Department, 'name' | 'nameEn'>, locale: Locale): string => (locale === 'en' && d.nameEn?.trim() ? d.nameEn : d.name);

/** Ids of a department and every department under it. */
export function subtreeIds(index: ChartIndex, rootId: string): Set<string> {
  const out = new Set<string>();
  const stack = [rootId];
  while (stack.length) {
    const id = stack.pop()!;
    if (out.has(id)) continue;
    out.add(id);
    for (const c of index.children.get(id) ?? []) stack.push(c.id);
  }
  return out;
}

/** Root-to-department path, for breadcrumbs and card subtitles. */
export function departmentPath(index: ChartIndex, id: string): Department[] {
  const path: Department[] = [];
  let d = index.byId.get(id);
  const guard = new Set<string>();
  while (d && !guard.has(d.id)) {
    guard.add(d.id);
    path.unshift(d);
    d = d.parentId ? index.byId.get(d.parentId) : undefined;
  }
  return path;
}

// Pinyin initials (张伟 -> zw) have one home, shared with the server's group directory.
export { pinyinInitials } from '@shared/rules/pinyin';
import { foldForSearch as fold, pinyinInitials } from '@shared/rules/pinyin';


/**
 * Search by Chinese name, English name (either word order: "zhang wei" and "wei zhang"), pinyin
 * initials ("zw"), account, employee id or title. Case- and width-insensitive.
 */
export function personMatches(p: DirectoryMember, query: string): boolean {
  const q = fold(query);
  if (!q) return true;
  const en = fold(p.nameEn ?? '');
  const reversed = en.split(' ').reverse().join(' ');
  const compact = q.replace(/ /g, '');
  const found = [fold(p.name), en, reversed, fold(p.account), fold(p.employeeId ?? ''), fold(p.title ?? '')].some(
    (field) => field.includes(q) || (compact.length > 1 && field.replace(/ /g, '').includes(compact)),
  );
  // Initials of a Chinese name: "zw" finds 张伟 (two letters at least, so one letter is not everyone).
  return found || (/^[a-z]{2,}$/.test(compact) && /[\u3400-\u9fff]/.test(p.name) && pinyinInitials(p.name).startsWith(compact));
}

export function searchPeople(index: ChartIndex, query: string, limit = 200): DirectoryMember[] {
  const out: DirectoryMember[] = [];
  for (const p of [...index.people.values()].sort(byPersonName)) {
    if (personMatches(p, query)) out.push(p);
    if (out.length >= limit) break;
  }
  return out;
}
