import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from '@shared/rules/limits';
import { ok, type Result } from '@shared/contract';
import { storeLatestPage, storeOlderPage, storeServerMessages, type MusterDb } from '../db';
import type { RequestFn } from './request';

/** Catch-up stops after this many pages and jumps to the latest page instead (the gap is dropped). */
export const CATCH_UP_MAX_PAGES = 10;

export interface CatchUpOutcome {
  pages: number;
  /** True when the cache was re-based on the latest page (nothing cached, or too far behind). */
  rebased: boolean;
}

/**
 * Brings a group's cache up to date with the server: pages forward from `syncedSeq` until the
 * server says there is no more. An empty cache — or one so far behind that paging would take too
 * long — is re-based on the latest page instead; scroll-back fetches the rest on demand.
 */
export async function catchUpGroup(
  db: MusterDb,
  request: RequestFn,
  groupId: string,
  maxPages = CATCH_UP_MAX_PAGES,
): Promise<Result<CatchUpOutcome>> {
  const group = await db.groups.get(groupId);
  if (!group) return ok({ pages: 0, rebased: false });
  if (group.syncedSeq === 0) return loadLatest(db, request, groupId, 0);

  let afterSeq = group.syncedSeq;
  for (let pages = 0; ; ) {
    if (pages >= maxPages) return loadLatest(db, request, groupId, pages);
    const r = await request('messages:page', { groupId, afterSeq, limit: HISTORY_PAGE_MAX });
    if (!r.ok) return r;
    pages++;
    const { messages, hasMore } = r.value;
    await storeServerMessages(db, messages);
    const last = messages.at(-1);
    // Stop on hasMore=false, and defensively when a page makes no progress (never loop forever).
    if (!hasMore || !last || last.seq <= afterSeq) return ok({ pages, rebased: false });
    afterSeq = last.seq;
  }
}

async function loadLatest(db: MusterDb, request: RequestFn, groupId: string, pagesSoFar: number): Promise<Result<CatchUpOutcome>> {
  const r = await request('messages:page', { groupId, limit: HISTORY_PAGE_DEFAULT });
  if (!r.ok) return r;
  await storeLatestPage(db, groupId, r.value.messages, r.value.hasMore);
  return ok({ pages: pagesSoFar + 1, rebased: true });
}

export interface OlderOutcome {
  /** Lowest seq now available below `beforeSeq` (null: nothing older). */
  oldestSeq: number | null;
  reachedStart: boolean;
}

/**
 * Scroll-back: one page older than `beforeSeq`. Served from the cache when it already holds a full
 * page (the cache below the view is gap-free), otherwise fetched and stored.
 */
export async function loadOlder(
  db: MusterDb,
  request: RequestFn,
  groupId: string,
  beforeSeq: number,
  limit = HISTORY_PAGE_DEFAULT,
): Promise<Result<OlderOutcome>> {
  // Seqs are dense and the cache below the view is gap-free: if every seq of the page is cached,
  // the page is served locally.
  const from = Math.max(1, beforeSeq - limit);
  const cached = await db.messages.where('[groupId+seq]').between([groupId, from], [groupId, beforeSeq], true, false).count();
  if (cached === beforeSeq - from) return ok({ oldestSeq: cached > 0 ? from : null, reachedStart: from === 1 });

  const r = await request('messages:page', { groupId, beforeSeq, limit });
  if (!r.ok) return r;
  await storeOlderPage(db, groupId, r.value.messages, r.value.hasMore);
  const oldest = r.value.messages[0]?.seq ?? null;
  return ok({ oldestSeq: oldest, reachedStart: !r.value.hasMore || oldest === 1 });
}
