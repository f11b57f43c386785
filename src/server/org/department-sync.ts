import type { Effects } from '../groups/membership';
import type { Db } from '../storage';

/**
 * Department groups follow the org chart (domain.md). PLACEHOLDER SIGNATURE — implemented by the
 * organization work in this session; callers (member import, org-chart edits, offboarding) call
 * it inside their transaction after changing the chart.
 */
export interface SyncReport {
  created: number;
  dissolved: number;
  added: number;
  removed: number;
}

export const syncDepartmentGroups = async (_tx: Db, _effects: Effects, _orgId: string): Promise<SyncReport> => ({
  created: 0,
  dissolved: 0,
  added: 0,
  removed: 0,
});
