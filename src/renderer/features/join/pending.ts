import { parseJoinText } from '@shared/rules/join-link';
import { storageKeys, type KeyValueStorage } from '../../lib/storage';

/**
 * A join link that arrived before anyone could look at it (browser mode: `?join=<token>` or
 * `/join/<token>` in the address; the sign-in screen was showing) waits in local storage through
 * sign-in. It is not a secret — the token is on a poster or in a chat — but it is dropped after a
 * day, so a link clicked last week does not pop up at someone else's sign-in.
 */
export const PENDING_JOIN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export function savePendingJoin(storage: KeyValueStorage, token: string, now = Date.now()): void {
  storage.setItem(storageKeys.pendingJoin, JSON.stringify({ token, at: now }));
}

/** The waiting token (and forgets it), or null when there is none, it is stale or malformed. */
export function takePendingJoin(storage: KeyValueStorage, now = Date.now()): string | null {
  const raw = storage.getItem(storageKeys.pendingJoin);
  if (raw === null) return null;
  storage.removeItem(storageKeys.pendingJoin);
  try {
    const v = JSON.parse(raw) as { token?: unknown; at?: unknown };
    if (typeof v.token !== 'string' || typeof v.at !== 'number' || now - v.at > PENDING_JOIN_MAX_AGE_MS || v.at > now + 60_000) return null;
    const parsed = parseJoinText(v.token);
    return parsed.kind === 'invite' ? parsed.token : null;
  } catch {
    return null;
  }
}

export interface LocationLike {
  pathname: string;
  search: string;
  hash: string;
}

/**
 * Browser mode: the join token in the page address (`?join=<token>`, or `/join/<token>` when the
 * web host serves the app there), and the address without it — so a reload or a bookmark does
 * not join again and the token does not linger in the history. Null when there is none.
 */
export function joinFromLocation(location: LocationLike): { token: string | null; cleanUrl: string } | null {
  const params = new URLSearchParams(location.search);
  const fromQuery = params.get('join');
  const pathMatch = /^\/join\/([^/]+)\/?$/.exec(location.pathname);
  if (fromQuery === null && !pathMatch) return null;
  params.delete('join');
  const rest = params.toString();
  const cleanUrl = `${pathMatch ? '/' : location.pathname}${rest ? `?${rest}` : ''}${location.hash}`;
  const candidate = fromQuery ?? pathMatch?.[1] ?? '';
  const parsed = parseJoinText(candidate);
  return { token: parsed.kind === 'invite' ? parsed.token : null, cleanUrl };
}
