import type { Department, DirectoryMember } from '@shared/contract';
import { ORG_CHART_VERSION_KEY, type MusterDb } from './schema';

export interface OrgChart {
  departments: readonly Department[];
  members: readonly DirectoryMember[];
  version: number;
}

/** The version of the cached org chart; null when none has been stored yet (not "empty"). */
export async function orgChartVersion(db: MusterDb): Promise<number | null> {
  return (await db.meta.get(ORG_CHART_VERSION_KEY))?.value ?? null;
}

/**
 * Replaces the cached org chart with the server's answer. An answer older than what is cached
 * (a slow reply overtaken by a newer one) is ignored. Returns whether it was stored.
 */
export async function storeOrgChart(db: MusterDb, chart: OrgChart): Promise<boolean> {
  return db.transaction('rw', db.departments, db.people, db.meta, async () => {
    const current = await orgChartVersion(db);
    if (current !== null && chart.version < current) return false;
    await db.departments.clear();
    await db.people.clear();
    await db.departments.bulkPut([...chart.departments]);
    await db.people.bulkPut([...chart.members]);
    await db.meta.put({ key: ORG_CHART_VERSION_KEY, value: chart.version });
    return true;
  });
}
