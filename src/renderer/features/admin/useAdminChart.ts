import { useCallback, useEffect, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { AppError, Department, DirectoryMember } from '@shared/contract';
import { orgChartVersion, storeOrgChart } from '../../db';
import { useSignedIn } from '../../app/services';

export interface AdminChart {
  /** Null until the cache has a chart (first fetch still running or failed). */
  departments: Department[] | null;
  members: DirectoryMember[] | null;
  version: number | null;
  /** Why the last fetch failed (the cached chart, if any, is still shown). */
  error: AppError | null;
  /** Fetches the chart again (after an edit: the push may come a moment later). */
  refresh(): Promise<void>;
}

/**
 * The org chart from the local cache (rendered at once, offline too), kept fresh by the sync
 * engine on `org:changed`; fetched on open and after every edit made here. A super admin's chart
 * carries the admin-only fields (employee id, mobile, hidden members, offboarded members…).
 */
export function useAdminChart(): AdminChart {
  const { db, engine } = useSignedIn();
  const [error, setError] = useState<AppError | null>(null);
  const chart = useLiveQuery(
    async () => {
      const version = await orgChartVersion(db);
      if (version === null) return null;
      const [departments, members] = await Promise.all([db.departments.toArray(), db.people.toArray()]);
      return { departments, members, version };
    },
    [db],
    undefined,
  );
  /** Fetches and caches the chart; answers why it failed, or null. */
  const fetchChart = useCallback(async (): Promise<AppError | null> => {
    const r = await engine.request('org:chart', {});
    if (!r.ok) return r.error;
    try {
      await storeOrgChart(db, r.value);
      return null;
    } catch {
      return { code: 'internal', message: 'the org chart could not be cached' };
    }
  }, [db, engine]);
  const refresh = useCallback(async () => setError(await fetchChart()), [fetchChart]);
  useEffect(() => {
    void fetchChart().then(setError);
  }, [fetchChart]);
  return {
    departments: chart?.departments ?? null,
    members: chart?.members ?? null,
    version: chart?.version ?? null,
    error,
    refresh,
  };
}
