import type { Department, DirectoryMember } from '@shared/contract';

/**
 * The department tree as the admin pages show it: pure functions over the `org:chart` answer
 * (or its cache), so they are tested without a browser.
 */

export type NameLocale = 'zh-CN' | 'en';

/** The English name in the English UI when there is one; the registered (often Chinese) name otherwise. */
export const departmentName = (d: Pick<Department, 'name' | 'nameEn'>, locale: NameLocale): string =>
  locale === 'en' && d.nameEn && d.nameEn.trim() ? d.nameEn : d.name;

export interface DeptNode {
  dept: Department;
  depth: number;
  children: DeptNode[];
}

const bySort = (a: Department, b: Department) => a.sort - b.sort || a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** Children of each department (key null: the roots), in display order. */
export function childrenIndex(departments: readonly Department[]): Map<string | null, Department[]> {
  const ids = new Set(departments.map((d) => d.id));
  const index = new Map<string | null, Department[]>();
  for (const d of departments) {
    // A parent we cannot see (or a broken cache) must not hide the department: show it as a root.
    const parent = d.parentId !== null && ids.has(d.parentId) ? d.parentId : null;
    const list = index.get(parent) ?? [];
    list.push(d);
    index.set(parent, list);
  }
  for (const list of index.values()) list.sort(bySort);
  return index;
}

export function buildTree(departments: readonly Department[]): DeptNode[] {
  const index = childrenIndex(departments);
  const seen = new Set<string>();
  const build = (parent: string | null, depth: number): DeptNode[] =>
    (index.get(parent) ?? [])
      .filter((d) => !seen.has(d.id) && seen.add(d.id))
      .map((d) => ({ dept: d, depth, children: build(d.id, depth + 1) }));
  return build(null, 0);
}

/** The rows a tree view shows: depth-first, skipping the children of collapsed departments. */
export function visibleRows(tree: readonly DeptNode[], collapsed: ReadonlySet<string>): DeptNode[] {
  const out: DeptNode[] = [];
  const walk = (nodes: readonly DeptNode[]) => {
    for (const n of nodes) {
      out.push(n);
      if (!collapsed.has(n.dept.id)) walk(n.children);
    }
  };
  walk(tree);
  return out;
}

/** The department and everything under it. */
export function subtreeIds(departments: readonly Department[], id: string): Set<string> {
  const index = childrenIndex(departments);
  const out = new Set<string>();
  const stack = [id];
  while (stack.length) {
    const cur = stack.pop()!;
    if (out.has(cur)) continue;
    out.add(cur);
    for (const c of index.get(cur) ?? []) stack.push(c.id);
  }
  return out;
}

/** `研发中心 / 前端组` — the path below the root (the root alone is named by itself). */
export function departmentPath(departments: readonly Department[], id: string | null, locale: NameLocale): string {
  if (!id) return '';
  const byId = new Map(departments.map((d) => [d.id, d]));
  const parts: string[] = [];
  let cur = byId.get(id);
  const seen = new Set<string>();
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    parts.unshift(departmentName(cur, locale));
    cur = cur.parentId ? byId.get(cur.parentId) : undefined;
  }
  if (parts.length > 1) parts.shift(); // the root is the organization itself
  return parts.join(' / ');
}

/**
 * The `org:department:reorder` payload that moves `id` one place up (-1) or down (+1) among its
 * siblings; null when it is already first / last or is a root.
 */
export function reorderPayload(
  departments: readonly Department[],
  id: string,
  delta: -1 | 1,
): { parentId: string; orderedIds: string[] } | null {
  const dept = departments.find((d) => d.id === id);
  if (!dept || dept.parentId === null) return null;
  const siblings = (childrenIndex(departments).get(dept.parentId) ?? []).map((d) => d.id);
  const at = siblings.indexOf(id);
  const to = at + delta;
  if (at < 0 || to < 0 || to >= siblings.length) return null;
  const orderedIds = [...siblings];
  orderedIds[at] = orderedIds[to]!;
  orderedIds[to] = id;
  return { parentId: dept.parentId, orderedIds };
}

/** Active members per department: directly in it, and in it or anywhere under it. */
export function memberCounts(departments: readonly Department[], members: readonly DirectoryMember[]): Map<string, { direct: number; total: number }> {
  const byId = new Map(departments.map((d) => [d.id, d]));
  const counts = new Map<string, { direct: number; total: number }>(departments.map((d) => [d.id, { direct: 0, total: 0 }]));
  for (const m of members) {
    if (m.status !== 'active') continue;
    const counted = new Set<string>(); // a member in two departments of one branch counts once there
    for (const depId of m.departmentIds) {
      const c = counts.get(depId);
      if (c) c.direct++;
      let cur = byId.get(depId);
      while (cur && !counted.has(cur.id)) {
        counted.add(cur.id);
        counts.get(cur.id)!.total++;
        cur = cur.parentId ? byId.get(cur.parentId) : undefined;
      }
    }
  }
  return counts;
}

/**
 * New parents for `id`, in tree order: its own subtree is listed but marked, so the picker can show
 * why it is not allowed (the server refuses it too, and the page shows that refusal if the chart
 * changed meanwhile); its current parent is marked as such.
 */
export function parentChoices(
  departments: readonly Department[],
  id: string,
): { dept: Department; depth: number; inSubtree: boolean; isCurrentParent: boolean }[] {
  const dept = departments.find((d) => d.id === id);
  const inside = subtreeIds(departments, id);
  return visibleRows(buildTree(departments), new Set()).map((n) => ({
    dept: n.dept,
    depth: n.depth,
    inSubtree: inside.has(n.dept.id),
    isCurrentParent: n.dept.id === dept?.parentId,
  }));
}
