import { useEffect } from 'react';
import { useLiveQuery } from 'dexie-react-hooks';
import type { JoinRequest } from '@shared/contract';
import { can } from '@shared/rules/permissions';
import { useSignedIn } from '../../app/services';
import { useOrgRole } from '../../app/useOrgRole';
import { useConnectionState } from '../../stores/connection';
import { joinRequestsStore } from './store';

/**
 * May this member decide any join request? Super admins decide every group's; owners and admins
 * their groups' (the cached group list knows our role). Only decides whether to ask — the server
 * answers each member with what they may see.
 */
export function useMayDecideJoinRequests(): boolean {
  const { db } = useSignedIn();
  const orgRole = useOrgRole();
  const anyGroup = useLiveQuery(
    async () => (await db.groups.toArray()).some((g) => can('group.joinRequest.decide', { orgRole, groupRole: g.myRole })),
    [db, orgRole],
  );
  return can('group.joinRequest.decide', { orgRole }) || anyGroup === true;
}

/**
 * Keeps the inbox (and the requester's notices) in step for the signed-in member: the pushes as they
 * come, the pending list on sign-in, after every reconnect (pushes missed offline) and when this
 * member becomes someone who decides. Mounted once, in the shell's nav rail. Returns whether this
 * member may decide any request (the rail shows its entry then).
 */
export function useJoinRequestsSync(): boolean {
  const { engine } = useSignedIn();
  const connection = useConnectionState();
  const mayDecide = useMayDecideJoinRequests();

  useEffect(() => {
    joinRequestsStore.getState().reset();
    const offRequest = engine.onJoinRequest((request) => {
      joinRequestsStore.getState().pushed(request);
      inFlight.forEach((pushes) => pushes.push(request));
    });
    const offDecided = engine.onJoinDecided((request) => joinRequestsStore.getState().decided(request));
    return () => {
      offRequest();
      offDecided();
      joinRequestsStore.getState().reset();
    };
  }, [engine]);

  useEffect(() => {
    if (connection !== 'online' || !mayDecide) return;
    let live = true;
    // Pushes that arrive while the list is on its way are applied again on top of it.
    const pushes: JoinRequest[] = [];
    inFlight.add(pushes);
    void engine.request('join:requests:list', { status: 'pending' }).then((r) => {
      inFlight.delete(pushes);
      if (!live) return;
      const store = joinRequestsStore.getState();
      if (!r.ok) return store.failed(r.error);
      store.listed(r.value.requests, r.value.pendingCount);
      for (const p of pushes) store.pushed(p);
    });
    return () => {
      live = false;
      inFlight.delete(pushes);
    };
  }, [engine, connection, mayDecide]);
  return mayDecide;
}

const inFlight = new Set<JoinRequest[]>();
