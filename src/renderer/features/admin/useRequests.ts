import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppError, ExternalGroupRequest } from '@shared/contract';
import { useSignedIn } from '../../app/services';

/** How often pending requests are fetched again while the admin pages are open. */
export const REQUESTS_REFRESH_MS = 20_000;

export interface RequestsState {
  requests: ExternalGroupRequest[] | null;
  error: AppError | null;
  status: 'pending' | 'all';
  setStatus(status: 'pending' | 'all'): void;
  refresh(): Promise<void>;
}

/**
 * External-group requests waiting for a super admin. The `org:request` push is not exposed by the
 * sync engine, so the list is fetched on open, every REQUESTS_REFRESH_MS while the page is
 * visible, when the window becomes visible again, and after every decision made here.
 */
export function useRequests(enabled: boolean): RequestsState {
  const { engine } = useSignedIn();
  const [requests, setRequests] = useState<ExternalGroupRequest[] | null>(null);
  const [error, setError] = useState<AppError | null>(null);
  const [status, setStatus] = useState<'pending' | 'all'>('pending');
  const latest = useRef(0);
  const refresh = useCallback(() => {
    const call = ++latest.current;
    return engine.request('org:requests:list', { status }).then((r) => {
      if (call !== latest.current) return; // an older answer overtaken by a newer call
      if (r.ok) {
        setRequests(r.value.requests);
        setError(null);
      } else setError(r.error);
    });
  }, [engine, status]);
  useEffect(() => {
    if (!enabled) return;
    void refresh();
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') void refresh();
    }, REQUESTS_REFRESH_MS);
    const onVisible = () => {
      if (document.visibilityState === 'visible') void refresh();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      clearInterval(timer);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [enabled, refresh]);
  return { requests, error, status, setStatus, refresh };
}
