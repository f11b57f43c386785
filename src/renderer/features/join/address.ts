import type { KeyValueStorage } from '../../lib/storage';
import { joinFromLocation, savePendingJoin } from './pending';

/** Moves a join token from the page address into storage (where sign-in does not lose it). */
export function captureJoinFromAddress(win: Pick<Window, 'location' | 'history'>, storage: KeyValueStorage): void {
  const found = joinFromLocation(win.location);
  if (!found) return;
  try {
    win.history.replaceState(win.history.state, '', found.cleanUrl);
  } catch {
    /* an address we cannot rewrite: the token is still taken once */
  }
  if (found.token) savePendingJoin(storage, found.token);
}
