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
  return { byId, children, members, people: new Map(active.map((p) => [p.id, p])) };
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

/** Everyone in a department and the departments under it, once each. */
export function membersUnder(index: ChartIndex, rootId: string): DirectoryMember[] {
  const seen = new Map<string, DirectoryMember>();
  for (const id of subtreeIds(index, rootId)) for (const m of index.members.get(id) ?? []) seen.set(m.id, m);
  return [...seen.values()].sort(byPersonName);
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

const fold = (s: string) => s.normalize('NFKC').toLocaleLowerCase().replace(/\s+/g, ' ').trim();

/**
 * Search by Chinese name, English name (either word order: "zhang wei" and "wei zhang"), account,
 * employee id or title. Case- and width-insensitive.
 */
export function personMatches(p: DirectoryMember, query: string): boolean {
  const q = fold(query);
  if (!q) return true;
  const en = fold(p.nameEn ?? '');
  const reversed = en.split(' ').reverse().join(' ');
  const compact = q.replace(/ /g, '');
  return [fold(p.name), en, reversed, fold(p.account), fold(p.employeeId ?? ''), fold(p.title ?? '')].some(
    (field) => field.includes(q) || (compact.length > 1 && field.replace(/ /g, '').includes(compact)),
  );
}

export function searchPeople(index: ChartIndex, query: string, limit = 200): DirectoryMember[] {
  const out: DirectoryMember[] = [];
  for (const p of [...index.people.values()].sort(byPersonName)) {
    if (personMatches(p, query)) out.push(p);
    if (out.length >= limit) break;
  }
  return out;
}
