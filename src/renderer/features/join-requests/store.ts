import { createStore, type StoreApi } from 'zustand';
import type { AppError, JoinRequest } from '@shared/contract';

/**
 * The join-request inbox as data, and the pure steps that change it (unit-tested): the list the
 * server gave, then the `join:request` pushes applied on top. The badge counts what is pending.
 */
export interface Inbox {
  /** Pending requests this member may decide, newest first. */
  pending: JoinRequest[];
  /** Pending requests the server counted but did not list (a long inbox); they keep the badge honest. */
  unlisted: number;
}

export const emptyInbox: Inbox = { pending: [], unlisted: 0 };

const newestFirst = (a: JoinRequest, b: JoinRequest) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** The server's answer to `join:requests:list` (status pending). */
export function inboxFromList(requests: readonly JoinRequest[], pendingCount: number): Inbox {
  const pending = requests.filter((r) => r.status === 'pending').sort(newestFirst);
  return { pending, unlisted: Math.max(0, pendingCount - pending.length) };
}

/** A request arrived or changed (a push, or a decision made here): pending ones are in, decided ones out. */
export function applyRequest(inbox: Inbox, request: JoinRequest): Inbox {
  const rest = inbox.pending.filter((r) => r.id !== request.id);
  if (request.status === 'pending') return { ...inbox, pending: [request, ...rest].sort(newestFirst) };
  if (rest.length === inbox.pending.length) return inbox; // not one we listed: nothing to take away
  return { ...inbox, pending: rest };
}

export const pendingTotal = (inbox: Inbox): number => inbox.pending.length + inbox.unlisted;

/** The "all" view (history): every request by id, updated in place by pushes, newest first. */
export function upsertRequest(list: readonly JoinRequest[], request: JoinRequest): JoinRequest[] {
  return [request, ...list.filter((r) => r.id !== request.id)].sort(newestFirst);
}

/** The requester's side: decisions on their own requests, newest last; one notice per request. */
export function addDecision(notices: readonly JoinRequest[], request: JoinRequest): JoinRequest[] {
  if (request.status !== 'approved' && request.status !== 'rejected') return [...notices];
  return [...notices.filter((n) => n.id !== request.id), request];
}

/** The badge's text: the count, capped so it fits the rail. */
export const badgeText = (count: number): string => (count > 99 ? '99+' : String(count));

export interface JoinRequestsState {
  inbox: Inbox;
  /** The pending list arrived at least once since sign-in. */
  loaded: boolean;
  loadError: AppError | null;
  /** The inbox dialog is open. */
  open: boolean;
  notices: JoinRequest[];
  setOpen(open: boolean): void;
  listed(requests: readonly JoinRequest[], pendingCount: number): void;
  failed(error: AppError): void;
  pushed(request: JoinRequest): void;
  decided(request: JoinRequest): void;
  dismissNotice(id: string): void;
  reset(): void;
}

export function createJoinRequestsStore(): StoreApi<JoinRequestsState> {
  return createStore<JoinRequestsState>((set) => ({
    inbox: emptyInbox,
    loaded: false,
    loadError: null,
    open: false,
    notices: [],
    setOpen: (open) => set({ open }),
    listed: (requests, pendingCount) => set({ inbox: inboxFromList(requests, pendingCount), loaded: true, loadError: null }),
    failed: (loadError) => set({ loadError }),
    pushed: (request) => set((s) => ({ inbox: applyRequest(s.inbox, request) })),
    decided: (request) => set((s) => ({ notices: addDecision(s.notices, request) })),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
    reset: () => set({ inbox: emptyInbox, loaded: false, loadError: null, open: false, notices: [] }),
  }));
}

/** One per app: reset when the engine (the signed-in member) changes. */
export const joinRequestsStore = createJoinRequestsStore();
