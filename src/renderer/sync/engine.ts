import type { z } from 'zod';
import { HANDSHAKE_ERRORS, err, ok, socketPushes, type AccessToken, type AppError, type ExternalGroupRequest, type GroupDetail, type JoinRequest, type Message, type RemovalReason, type Result } from '@shared/contract';
import {
  addGroupSummary,
  applyGroupRead,
  applyGroupUpdated,
  applyMembersChange,
  markReadLocally,
  orgChartVersion,
  removeGroupLocally,
  storeGroupDetail,
  storeOrgChart,
  storeServerMessages,
  upsertGroupList,
  type MusterDb,
} from '../db';
import { createRequester, type RequestFn } from './request';
import type { SocketLike } from './socket';
import { catchUpGroup, loadOlder, type OlderOutcome } from './history';
import { OutboxFlusher, discardMessage, enqueueMessage, retryMessage, type Sender } from './outbox';
import { resolveTimerDeps, type ClearTimer, type Log, type SetTimer } from './timers';

export type ConnectionState = 'connecting' | 'online' | 'offline';

/**
 * Why the engine gave up the session: `ended` — the refresh token is gone (revoked, expired,
 * signed out); `replaced` — the main process now holds another member's token (someone else
 * signed in on this computer), which this page must never use.
 */
export type EngineEndReason = 'ended' | 'replaced';

export type GroupRemovalReason = z.infer<typeof RemovalReason>;

/** Told to the UI when this member loses a group, so an open chat can close with the reason. */
export interface GroupRemoval {
  groupId: string;
  /** The group's name as it was cached (null when it was not). */
  name: string | null;
  reason: GroupRemovalReason;
}

export interface Visibility {
  isVisible(): boolean;
  /** Calls back when the page becomes visible/hidden; returns an unsubscribe function. */
  subscribe(listener: () => void): () => void;
}

export interface SyncEngineDeps {
  db: MusterDb;
  socket: SocketLike;
  me: Sender;
  accessToken(forceRefresh: boolean): Promise<Result<AccessToken>>;
  onState(state: ConnectionState): void;
  /** The group list was fetched from the server (an empty cache now means "no groups", not "not loaded"). */
  onGroupsSynced?(): void;
  /** The session cannot go on in this page: the user must sign in again. */
  onSessionEnded(reason: EngineEndReason): void;
  visibility: Visibility;
  requestTimeoutMs?: number;
  retryDelayMs?: number;
  /** Delays between reconnects after a refused handshake; the last one repeats. */
  handshakeRetryDelaysMs?: readonly number[];
  setTimer?: SetTimer;
  clearTimer?: ClearTimer;
  log?: Log;
}

/**
 * Keeps the member's Dexie cache in step with the server over one socket.io connection:
 * on every connect it refreshes the group list, catches up the open group and flushes the outbox;
 * pushes are applied as they come. The UI never waits for it — it reads the cache.
 */
export class SyncEngine {
  readonly request: RequestFn;
  private readonly flusher: OutboxFlusher;
  private openGroupId: string | null = null;
  private readonly catchUps = new Map<string, Promise<void>>();
  private forceRefreshNext = false;
  private handshakeFailures = 0;
  private reconnectTimer: unknown = null;
  private groupListTimer: unknown = null;
  private chartFetch: Promise<AppError | null> | null = null;
  private chartAgain = false;
  private readonly removalListeners = new Set<(removal: GroupRemoval) => void>();
  private readonly decisionListeners = new Set<(request: ExternalGroupRequest) => void>();
  /** Join requests (issue 6): `join:request` for those who decide, `join:decided` for the requester. */
  private readonly joinRequestListeners = new Set<(request: JoinRequest) => void>();
  private readonly joinDecidedListeners = new Set<(request: JoinRequest) => void>();
  /** Groups whose info panel is open (count of watchers): their detail is kept fresh. */
  private readonly watchedDetails = new Map<string, number>();
  private readonly detailFetches = new Map<string, Promise<Result<GroupDetail>>>();
  private stopped = false;
  private stopping: Promise<void> | null = null;
  private ended = false;
  private readonly cleanups: (() => void)[] = [];
  private readonly setTimer: SetTimer;
  private readonly clearTimer: ClearTimer;
  private readonly log: Log;

  constructor(private readonly deps: SyncEngineDeps) {
    ({ setTimer: this.setTimer, clearTimer: this.clearTimer, log: this.log } = resolveTimerDeps(deps, 'sync'));
    this.request = createRequester(deps.socket, deps.requestTimeoutMs);
    this.flusher = new OutboxFlusher({
      db: deps.db,
      request: this.request,
      isOnline: () => deps.socket.connected,
      onDelivered: (m) => void this.markReadIfOpen(m.groupId),
      retryDelayMs: deps.retryDelayMs,
      setTimer: this.setTimer,
      clearTimer: this.clearTimer,
      log: this.log,
    });
  }

  start(): void {
    const { socket } = this.deps;
    this.listen('connect', () => void this.onConnect());
    this.listen('disconnect', (reason) => this.onDisconnect(String(reason)));
    this.listen('connect_error', (error) => void this.onConnectError(error));
    this.listen('message:new', (payload) => void this.onMessageNew(payload));
    this.listen('group:read', (payload) => void this.onGroupRead(payload));
    this.listen('group:added', (payload) => void this.onGroupAdded(payload));
    this.listen('group:removed', (payload) => void this.onGroupRemoved(payload));
    this.listen('group:updated', (payload) => void this.onGroupUpdated(payload));
    this.listen('group:members', (payload) => void this.onGroupMembers(payload));
    this.listen('org:changed', (payload) => void this.onOrgChanged(payload));
    this.listen('org:request', (payload) => this.onOrgRequest(payload));
    this.listen('join:request', (payload) => this.onJoinPush('join:request', payload, this.joinRequestListeners));
    this.listen('join:decided', (payload) => this.onJoinPush('join:decided', payload, this.joinDecidedListeners));
    this.listen('auth:expired', () => {
      // The server closes this socket next; the reconnect must not reuse the expired token.
      this.forceRefreshNext = true;
    });
    this.cleanups.push(this.deps.visibility.subscribe(() => void this.markOpenGroupRead()));
    this.deps.onState('connecting');
    socket.connect();
  }

  /**
   * Stops syncing. Resolves once work already under way (an outbox flush, catch-ups, detail and chart fetches) has finished
   * with the database, so the caller can delete it without pulling it from under a write.
   * Disconnecting first makes in-flight requests answer `disconnected` at once.
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    this.stopped = true;
    const flushed = this.flusher.stop();
    for (const t of [this.reconnectTimer, this.groupListTimer]) if (t !== null) this.clearTimer(t);
    for (const c of this.cleanups.splice(0)) c();
    this.deps.socket.disconnect();
    this.stopping = Promise.allSettled([flushed, ...this.catchUps.values(), ...this.detailFetches.values(), this.chartFetch]).then(() => undefined);
    return this.stopping;
  }

  /**
   * For the socket's `auth` callback: a valid token, force-refreshed after the server refused one.
   * A token issued to another member is never handed to the socket: it ends this session instead.
   */
  async handshakeToken(): Promise<string | null> {
    const force = this.forceRefreshNext;
    this.forceRefreshNext = false;
    const r = await this.deps.accessToken(force);
    if (this.stopped) return null;
    if (r.ok) return this.isMine(r.value) ? r.value.accessToken : null;
    if (r.error.code === 'session_ended') this.endSession('ended');
    return null;
  }

  /** False (and the session ended as `replaced`) when the token belongs to someone else. */
  private isMine(token: AccessToken): boolean {
    if (token.memberId === this.deps.me.id) return true;
    this.log('the access token belongs to another member; ending this session');
    this.endSession('replaced');
    return false;
  }

  // ------------------------------------------------------------------ actions for the UI

  /** The group shown in the chat pane (null: none). Catches it up and marks it read. */
  openGroup(groupId: string | null): void {
    this.openGroupId = groupId;
    if (!groupId) return;
    void this.markOpenGroupRead();
    if (this.deps.socket.connected) void this.catchUp(groupId);
  }

  /** Calls back when this member loses a group (removed, banned, left, dissolved, ...). */
  onGroupRemoval(listener: (removal: GroupRemoval) => void): () => void {
    this.removalListeners.add(listener);
    return () => this.removalListeners.delete(listener);
  }

  /** Calls back when a super admin decided one of this member's requests (an external group). */
  onRequestDecided(listener: (request: ExternalGroupRequest) => void): () => void {
    this.decisionListeners.add(listener);
    return () => this.decisionListeners.delete(listener);
  }

  /** Calls back when a join request of a group this member decides on arrives or changes (the inbox). */
  onJoinRequest(listener: (request: JoinRequest) => void): () => void {
    this.joinRequestListeners.add(listener);
    return () => this.joinRequestListeners.delete(listener);
  }

  /** Calls back when this member's own join request was approved (a `group:added` follows) or rejected. */
  onJoinDecided(listener: (request: JoinRequest) => void): () => void {
    this.joinDecidedListeners.add(listener);
    return () => this.joinDecidedListeners.delete(listener);
  }

  /**
   * Keeps a group's detail fresh in the cache while its info panel is open: fetched now, after a
   * reconnect, and whenever a push says the group changed. Returns the unsubscribe function.
   */
  watchGroupDetail(groupId: string): () => void {
    this.watchedDetails.set(groupId, (this.watchedDetails.get(groupId) ?? 0) + 1);
    void this.refreshGroupDetail(groupId);
    return () => {
      const n = (this.watchedDetails.get(groupId) ?? 1) - 1;
      if (n <= 0) this.watchedDetails.delete(groupId);
      else this.watchedDetails.set(groupId, n);
    };
  }

  /** Fetches a group's detail into the cache (one fetch per group at a time). */
  refreshGroupDetail(groupId: string): Promise<Result<GroupDetail>> {
    const running = this.detailFetches.get(groupId);
    if (running) return running;
    const p = (async (): Promise<Result<GroupDetail>> => {
      const r = await this.request('groups:detail', { groupId });
      if (!r.ok) {
        // The server no longer counts us in: the group goes from the list as well.
        if (r.error.code === 'not_member' || r.error.code === 'not_found') await this.dropGroup(groupId, 'removed', false);
        return r;
      }
      try {
        if (!this.stopped) await storeGroupDetail(this.deps.db, r.value.group, this.deps.me.id);
      } catch (e) {
        this.log(`storing the detail of ${groupId} failed`, e);
      }
      return ok(r.value.group);
    })().finally(() => this.detailFetches.delete(groupId));
    this.detailFetches.set(groupId, p);
    return p;
  }

  /**
   * Fetches the org chart into the cache; concurrent callers share one fetch (and one more after it,
   * so a change announced during a fetch is not missed). Resolves with the failure, if any.
   */
  refreshOrgChart(): Promise<AppError | null> {
    if (this.chartFetch) {
      this.chartAgain = true;
      return this.chartFetch;
    }
    this.chartFetch = (async () => {
      let failure: AppError | null = null;
      do {
        this.chartAgain = false;
        const r = await this.request('org:chart', {});
        if (!r.ok) {
          this.log('org:chart failed', r.error);
          failure = r.error;
          continue;
        }
        failure = null;
        try {
          if (!this.stopped) await storeOrgChart(this.deps.db, r.value);
        } catch (e) {
          this.log('storing the org chart failed', e);
        }
      } while (this.chartAgain && !this.stopped);
      return failure;
    })().finally(() => {
      this.chartFetch = null;
    });
    return this.chartFetch;
  }

  /** A group this member just created (the server's answer): listed at once, before its push. */
  async addCreatedGroup(summary: Parameters<typeof addGroupSummary>[1]): Promise<void> {
    try {
      await addGroupSummary(this.deps.db, summary);
    } catch (e) {
      this.log('storing a created group failed', e);
    }
  }

  // The UI fires these and forgets them: a storage failure becomes a logged, typed error here.

  async send(groupId: string, body: string) {
    try {
      const r = await enqueueMessage(this.deps.db, { groupId, body, sender: this.deps.me });
      if (r.ok) void this.flusher.flush();
      return r;
    } catch (e) {
      this.log('saving a message to send failed', e);
      return err('internal', 'The message could not be saved locally');
    }
  }

  async retry(clientId: string): Promise<void> {
    try {
      if (await retryMessage(this.deps.db, clientId)) void this.flusher.flush();
    } catch (e) {
      this.log('requeueing a message failed', e);
    }
  }

  async discard(clientId: string): Promise<void> {
    try {
      await discardMessage(this.deps.db, clientId);
    } catch (e) {
      this.log('discarding a message failed', e);
    }
  }

  async loadOlder(groupId: string, beforeSeq: number): Promise<Result<OlderOutcome>> {
    try {
      return await loadOlder(this.deps.db, this.request, groupId, beforeSeq);
    } catch (e) {
      this.log(`loading older messages of ${groupId} failed`, e);
      return err('internal', 'Older messages could not be stored locally');
    }
  }

  /** Resolves when the current outbox flush (if any) is done — for tests and sign-out. */
  flushOutbox(): Promise<void> {
    return this.flusher.flush();
  }

  // ------------------------------------------------------------------ connection lifecycle

  private listen(event: string, listener: (...args: unknown[]) => void): void {
    this.deps.socket.on(event, listener);
    this.cleanups.push(() => this.deps.socket.off(event, listener));
  }

  private async onConnect(): Promise<void> {
    this.handshakeFailures = 0;
    this.deps.onState('online');
    // Order matters only loosely: the outbox does not need the group list, so it starts at once.
    // Each step handles its own failures; the catch is the backstop for a `void` caller.
    const flushing = this.flusher.flush();
    try {
      await this.refreshGroups();
      const open = this.openGroupId;
      if (open) await this.catchUp(open);
      // Pushes missed while offline: the chart and open details are fetched again.
      for (const groupId of this.watchedDetails.keys()) void this.refreshGroupDetail(groupId);
      await this.refreshOrgChart();
    } catch (e) {
      this.log('syncing after connect failed', e);
    }
    await flushing;
  }

  private onDisconnect(reason: string): void {
    if (this.stopped) return;
    this.deps.onState('offline');
    // socket.io does not reconnect after a server-side disconnect (e.g. token expiry): we do.
    if (reason === 'io server disconnect') this.scheduleReconnect();
  }

  private async onConnectError(error: unknown): Promise<void> {
    if (this.stopped) return;
    this.deps.onState('offline');
    const message = error instanceof Error ? error.message : String(error);
    if (message === HANDSHAKE_ERRORS.expired || message === HANDSHAKE_ERRORS.unauthorized) {
      this.handshakeFailures++;
      const r = await this.deps.accessToken(true);
      if (this.stopped) return;
      if (!r.ok && r.error.code === 'session_ended') {
        this.endSession('ended');
        return;
      }
      if (r.ok && !this.isMine(r.value)) return;
      this.scheduleReconnect();
      return;
    }
    // Network errors: socket.io keeps retrying with its own backoff. A refusal it will not retry:
    if (!this.deps.socket.active) {
      this.handshakeFailures++;
      this.scheduleReconnect();
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.ended || this.reconnectTimer !== null) return;
    const delays = this.deps.handshakeRetryDelaysMs ?? [0, 1000, 3000, 10_000, 30_000];
    const delay = delays[Math.min(Math.max(this.handshakeFailures - 1, 0), delays.length - 1)] ?? 30_000;
    this.reconnectTimer = this.setTimer(() => {
      this.reconnectTimer = null;
      if (!this.stopped && !this.deps.socket.connected) {
        this.deps.onState('connecting');
        this.deps.socket.connect();
      }
    }, delay);
  }

  private endSession(reason: EngineEndReason): void {
    if (this.ended) return;
    this.ended = true;
    this.deps.onSessionEnded(reason);
  }

  // ------------------------------------------------------------------ data

  private async refreshGroups(): Promise<void> {
    const r = await this.request('groups:list', {});
    if (!r.ok) {
      this.log('groups:list failed', r.error);
      return;
    }
    try {
      const { readAhead } = await upsertGroupList(this.deps.db, r.value.groups);
      this.deps.onGroupsSynced?.();
      for (const { groupId, seq } of readAhead) void this.reportRead(groupId, seq);
      await this.markOpenGroupRead();
    } catch (e) {
      this.log('storing the group list failed', e);
    }
  }

  /** One catch-up per group at a time; callers share the running one. */
  private catchUp(groupId: string): Promise<void> {
    const running = this.catchUps.get(groupId);
    if (running) return running;
    const p = (async () => {
      try {
        const r = await catchUpGroup(this.deps.db, this.request, groupId);
        if (!r.ok) this.log(`catch-up of ${groupId} failed`, r.error);
        await this.markReadIfOpen(groupId);
      } catch (e) {
        this.log(`catch-up of ${groupId} failed`, e);
      } finally {
        this.catchUps.delete(groupId);
      }
    })();
    this.catchUps.set(groupId, p);
    return p;
  }

  private async onMessageNew(payload: unknown): Promise<void> {
    const parsed = socketPushes['message:new'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed message:new push');
    const message: Message = parsed.data;
    try {
      const { unknownGroupIds } = await storeServerMessages(this.deps.db, [message]);
      // A message for a group we do not know: we were just added to it.
      if (unknownGroupIds.length) this.refreshGroupsSoon();
      const group = await this.deps.db.groups.get(message.groupId);
      // A gap before this message (missed while it was not open): fill it if the user is looking.
      if (group && message.groupId === this.openGroupId && group.syncedSeq < message.seq) void this.catchUp(message.groupId);
      await this.markReadIfOpen(message.groupId);
    } catch (e) {
      this.log('storing a pushed message failed', e);
    }
  }

  private async onGroupRead(payload: unknown): Promise<void> {
    const parsed = socketPushes['group:read'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed group:read push');
    try {
      await applyGroupRead(this.deps.db, parsed.data.groupId, parsed.data.lastReadSeq);
    } catch (e) {
      this.log('applying a group:read push failed', e);
    }
  }

  private async onGroupAdded(payload: unknown): Promise<void> {
    const parsed = socketPushes['group:added'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed group:added push');
    try {
      await addGroupSummary(this.deps.db, parsed.data);
    } catch (e) {
      this.log('storing an added group failed', e);
    }
  }

  private async onGroupRemoved(payload: unknown): Promise<void> {
    const parsed = socketPushes['group:removed'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed group:removed push');
    await this.dropGroup(parsed.data.groupId, parsed.data.reason, true);
  }

  private async dropGroup(groupId: string, reason: GroupRemovalReason, tell: boolean): Promise<void> {
    let name: string | null = null;
    try {
      name = (await removeGroupLocally(this.deps.db, groupId))?.name ?? null;
    } catch (e) {
      this.log(`forgetting group ${groupId} failed`, e);
    }
    if (this.openGroupId === groupId) this.openGroupId = null;
    if (!tell && name === null) return;
    for (const l of [...this.removalListeners]) {
      try {
        l({ groupId, name, reason });
      } catch (e) {
        this.log('a group removal listener failed', e);
      }
    }
  }

  private async onGroupUpdated(payload: unknown): Promise<void> {
    const parsed = socketPushes['group:updated'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed group:updated push');
    try {
      await applyGroupUpdated(this.deps.db, parsed.data);
    } catch (e) {
      this.log('applying a group:updated push failed', e);
    }
    // Settings and the announcement are not in the push: an open panel fetches them.
    if (this.watchedDetails.has(parsed.data.groupId)) void this.refreshGroupDetail(parsed.data.groupId);
  }

  private async onGroupMembers(payload: unknown): Promise<void> {
    const parsed = socketPushes['group:members'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed group:members push');
    try {
      await applyMembersChange(this.deps.db, parsed.data, this.deps.me.id);
    } catch (e) {
      this.log('applying a group:members push failed', e);
    }
  }

  /** Super admins get every pending request (their admin pages list them); the requester hears the decision. */
  private onOrgRequest(payload: unknown): void {
    const parsed = socketPushes['org:request'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed org:request push');
    const request = parsed.data;
    if (request.requester.id !== this.deps.me.id || request.status === 'pending') return;
    for (const l of [...this.decisionListeners]) {
      try {
        l(request);
      } catch (e) {
        this.log('a request decision listener failed', e);
      }
    }
  }

  /** Join requests are not cached: the pushes go to whoever listens (the inbox, the requester's notice). */
  private onJoinPush(name: 'join:request' | 'join:decided', payload: unknown, listeners: Set<(request: JoinRequest) => void>): void {
    const parsed = socketPushes[name].safeParse(payload);
    if (!parsed.success) return this.log(`ignored a malformed ${name} push`);
    for (const l of [...listeners]) {
      try {
        l(parsed.data.request);
      } catch (e) {
        this.log(`a ${name} listener failed`, e);
      }
    }
  }

  private async onOrgChanged(payload: unknown): Promise<void> {
    const parsed = socketPushes['org:changed'].safeParse(payload);
    if (!parsed.success) return this.log('ignored a malformed org:changed push');
    try {
      const cached = await orgChartVersion(this.deps.db);
      if (cached !== null && parsed.data.version <= cached) return;
    } catch (e) {
      this.log('reading the org chart version failed', e);
    }
    await this.refreshOrgChart();
  }

  private refreshGroupsSoon(): void {
    if (this.groupListTimer !== null) return;
    this.groupListTimer = this.setTimer(() => {
      this.groupListTimer = null;
      void this.refreshGroups();
    }, 300);
  }

  private markOpenGroupRead(): Promise<void> {
    return this.openGroupId ? this.markReadIfOpen(this.openGroupId) : Promise.resolve();
  }

  /** Reads count only when the user can see them: the group is open and the window visible. */
  private async markReadIfOpen(groupId: string): Promise<void> {
    if (this.stopped || groupId !== this.openGroupId || !this.deps.visibility.isVisible()) return;
    try {
      const seq = await markReadLocally(this.deps.db, groupId);
      // Offline: kept locally; the next group list shows it ahead of the server and reports it.
      if (seq !== null) await this.reportRead(groupId, seq);
    } catch (e) {
      this.log('marking read failed', e);
    }
  }

  /** Never rejects: it is also started without waiting (read-ahead reports after a group list). */
  private async reportRead(groupId: string, seq: number): Promise<void> {
    if (!this.deps.socket.connected) return;
    const r = await this.request('groups:markRead', { groupId, seq });
    if (!r.ok) return this.log(`reporting ${groupId} read failed`, r.error);
    try {
      await applyGroupRead(this.deps.db, r.value.groupId, r.value.lastReadSeq);
    } catch (e) {
      this.log(`storing ${groupId}'s read marker failed`, e);
    }
  }
}
