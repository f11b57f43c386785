import { useEffect, useMemo, useState } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { AppError, DirectoryMember } from '@shared/contract';
import { orgChartVersion } from '../../db';
import { useSignedIn } from '../../app/services';
import { useConnectionState } from '../../stores/connection';
import { indexChart, type ChartIndex } from './chart';

export interface OrgChartState {
  index: ChartIndex;
  /** null: no chart cached yet (first sign-in, still offline) — not the same as an empty chart. */
  version: number | null;
  /** The signed-in member as the chart shows them (their current org role). */
  me: DirectoryMember | null;
}

/** The org chart from the Dexie cache (renders before the server answers); undefined while reading. */
export function useOrgChart(): OrgChartState | undefined {
  const { db, profile } = useSignedIn();
  const raw = useLiveQuery(async () => {
    const [departments, people, version] = await Promise.all([db.departments.toArray(), db.people.toArray(), orgChartVersion(db)]);
    return { departments, people, version };
  }, [db]);
  return useMemo(() => {
    if (!raw) return undefined;
    const index = indexChart(raw.departments, raw.people);
    return { index, version: raw.version, me: raw.people.find((p) => p.id === profile.member.id) ?? null };
  }, [raw, profile.member.id]);
}

/**
 * With nothing cached yet (first visit), asks for the chart now instead of waiting for the next
 * connect, and keeps the failure so the view can say why and offer a retry.
 */
export function useEnsureOrgChart(missing: boolean): { error: AppError | null; retry(): void } {
  const { engine } = useSignedIn();
  const online = useConnectionState() === 'online';
  const [error, setError] = useState<AppError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (!missing || !online) return;
    let live = true;
    void engine.refreshOrgChart().then((e) => {
      if (live) setError(e);
    });
    return () => {
      live = false;
    };
  }, [missing, online, engine, attempt]);
  return { error: missing ? error : null, retry: () => setAttempt((n) => n + 1) };
}
