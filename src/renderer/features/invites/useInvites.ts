import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppError, Invite, SocketRequest } from '@shared/contract';
import { useSignedIn } from '../../app/services';
import { useConnectionState } from '../../stores/connection';

export interface InvitesState {
  /** null until the first answer. */
  invites: Invite[] | null;
  loadError: AppError | null;
  refresh(): Promise<void>;
  create(request: SocketRequest<'invites:create'>): Promise<{ ok: true; invite: Invite } | { ok: false; error: AppError }>;
  revoke(inviteId: string): Promise<AppError | null>;
}

/**
 * The group's invites as the server lists them (all for managers, one's own for others). Not cached
 * locally: fetched when the panel opens and again after a reconnect; what this panel creates or
 * revokes is applied at once.
 */
export function useInvites(groupId: string): InvitesState {
  const { engine } = useSignedIn();
  const connection = useConnectionState();
  const [invites, setInvites] = useState<Invite[] | null>(null);
  const [loadError, setLoadError] = useState<AppError | null>(null);
  const latest = useRef(0);

  const refresh = useCallback(() => {
    const call = ++latest.current;
    return engine.request('invites:list', { groupId }).then((r) => {
      if (call !== latest.current) return; // overtaken by a newer call
      if (r.ok) {
        setInvites(r.value.invites);
        setLoadError(null);
      } else setLoadError(r.error);
    });
  }, [engine, groupId]);

  useEffect(() => {
    if (connection === 'online') void refresh();
  }, [connection, refresh]);

  const create = useCallback<InvitesState['create']>(
    async (request) => {
      const r = await engine.request('invites:create', request);
      if (!r.ok) return { ok: false, error: r.error };
      const invite = r.value.invite;
      latest.current++; // a list answer still on its way predates this invite
      setInvites((list) => [invite, ...(list ?? []).filter((i) => i.id !== invite.id)]);
      return { ok: true, invite };
    },
    [engine],
  );

  const revoke = useCallback<InvitesState['revoke']>(
    async (inviteId) => {
      const r = await engine.request('invites:revoke', { inviteId });
      // Gone already (revoked elsewhere, expired and swept): the list must not keep showing it either.
      if (r.ok || r.error.code === 'not_found') {
        latest.current++;
        setInvites((list) => (list ?? []).filter((i) => i.id !== inviteId));
      }
      return r.ok ? null : r.error;
    },
    [engine],
  );

  return { invites, loadError, refresh, create, revoke };
}

/** The current time, moving once a minute (expiry texts and "active" follow it). */
export function useMinuteClock(): Date {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}
