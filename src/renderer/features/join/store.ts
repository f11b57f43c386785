import { createStore, useStore } from 'zustand';
import {
  JoinRefusal,
  type AppError,
  type GroupSummary,
  type JoinPreview,
  type JoinRequest,
  type JoinTarget,
  type Result,
  type SocketResponse,
} from '@shared/contract';
import { parseJoinText, type JoinText } from '@shared/rules/join-link';
import { browserStorage, type KeyValueStorage } from '../../lib/storage';
import type { RequestFn } from '../../sync/request';
import { checkOffline, loadInviteKeys, saveInviteKeys, type OfflineCheck } from './keys';
import { savePendingJoin, takePendingJoin } from './pending';

/** Where a join started (the server records via / shared-by itself from the token or directory). */
export type JoinHow = 'camera' | 'image' | 'paste' | 'deeplink' | 'directory';

/**
 * The join dialog's steps:
 * - `loading`: asking the server what joining would do;
 * - `preview`: the group and what comes next (`preview.next`: join, confirm real name, request,
 *   open, pending, full);
 * - `requested`: a join request was sent (approval groups, face verification, removed members);
 * - `refused`: the server said no, with a JoinRefusal reason — each has its own words and next step;
 * - `full`: the group is full (and whether this person may raise its cap to 2000 here);
 * - `notCode`: not a Muster code — shown as text (a URL may be opened in the browser);
 * - `offline`: no server: the code was checked against the cached keys; it goes on by itself
 *   when the connection is back;
 * - `failed`: anything else (a bug, an outage) in words, with Try again.
 */
export type JoinStep =
  | { kind: 'idle' }
  | { kind: 'loading' }
  | { kind: 'preview'; preview: JoinPreview }
  | { kind: 'requested'; request: JoinRequest }
  | { kind: 'refused'; reason: JoinRefusal }
  | { kind: 'full'; groupId: string; groupName: string | null; memberCap: number; canUpgrade: boolean }
  | { kind: 'notCode'; parsed: Exclude<JoinText, { kind: 'invite' }> }
  | { kind: 'offline'; check: OfflineCheck | null }
  | { kind: 'failed'; error: AppError };

/** The signed-in member's side of joining; set by JoinHost while the shell is mounted. */
export interface JoinSession {
  request: RequestFn;
  orgId: string;
  /** A joined group: listed at once (before its push) and opened. */
  joined(group: GroupSummary): void;
  /** Opens a group the member is already in. */
  open(groupId: string): void;
  /**
   * The app is still making its first connection (just started or signed in): a flow that cannot
   * reach the server waits for it and shows the preview then — it does not join unasked.
   */
  isConnecting(): boolean;
}

export interface AcceptOptions {
  request?: boolean;
  message?: string;
  confirmRealName?: boolean;
}

export interface JoinState {
  step: JoinStep;
  target: JoinTarget | null;
  how: JoinHow | null;
  /** An action (join, request, upgrade) is on its way. */
  busy: boolean;
  /** Why the last action on this step failed (the step stays; shown inline). */
  actionError: AppError | null;
  /** Codes waiting for the dialog (deep links arriving while one is shown). */
  queue: { text: string; how: JoinHow }[];
  start(text: string, how: JoinHow): void;
  startDirectory(groupId: string): void;
  accept(options?: AcceptOptions): Promise<void>;
  upgrade(): Promise<void>;
  retry(): void;
  /** The connection is back: an offline join goes on (and joins by itself when nothing is asked). */
  resume(): void;
  close(): void;
  attach(session: JoinSession): void;
  detach(): void;
  /** Fetches the organization's invite keys for offline checks (quietly: a failure keeps the old cache). */
  refreshKeys(): Promise<void>;
}

const refusalOf = (error: AppError): JoinRefusal | null => {
  if (error.code !== 'conflict') return null;
  const parsed = JoinRefusal.safeParse(error.details?.['reason']);
  return parsed.success ? parsed.data : null;
};

export interface JoinStoreDeps {
  storage: KeyValueStorage;
  now?: () => Date;
}

export function createJoinStore(deps: JoinStoreDeps) {
  const { storage } = deps;
  const now = deps.now ?? (() => new Date());
  let session: JoinSession | null = null;
  /** Bumped on every start and close: answers to an abandoned flow are dropped. */
  let generation = 0;
  /** After an offline wait: join without asking when the preview asks nothing more. */
  let autoJoin = false;

  return createStore<JoinState>((set, get) => {
    const idle = { step: { kind: 'idle' } as JoinStep, target: null, how: null, busy: false, actionError: null };

    const showPreview = async (target: JoinTarget): Promise<void> => {
      if (!session) return;
      const mine = ++generation;
      set({ step: { kind: 'loading' }, actionError: null, busy: false });
      const r = await session.request('join:preview', { target });
      if (mine !== generation) return;
      if (r.ok) {
        const preview = r.value.preview;
        if (autoJoin && preview.next === 'join') {
          autoJoin = false;
          set({ step: { kind: 'preview', preview } });
          await get().accept();
          return;
        }
        autoJoin = false;
        if (preview.next === 'full') {
          set({ step: { kind: 'full', groupId: preview.group.id, groupName: preview.group.name, memberCap: preview.group.memberCap, canUpgrade: preview.canUpgrade } });
        } else {
          set({ step: { kind: 'preview', preview } });
        }
        return;
      }
      handleFailure(r.error, target, null);
    };

    /** A failed preview or accept → the step that explains it. `inline`: keep the step, show the error in it. */
    const handleFailure = (error: AppError, target: JoinTarget, inline: JoinStep | null): void => {
      if (error.code === 'unavailable') {
        // Offline after the person chose to join (scanned, pasted, clicked Join): it finishes by
        // itself once the server is back, as the offline step promises.
        autoJoin = !session?.isConnecting();
        const check = target.source === 'token' && session ? checkOffline(target.token, loadInviteKeys(storage, session.orgId), now()) : null;
        if (check?.kind === 'expired') {
          autoJoin = false;
          set({ step: { kind: 'refused', reason: 'expired' }, busy: false });
        } else {
          set({ step: { kind: 'offline', check }, busy: false, actionError: null });
        }
        return;
      }
      const refusal = refusalOf(error);
      if (refusal === 'full') {
        const d = error.details ?? {};
        const inPreview = inline?.kind === 'preview' ? inline.preview.group : null;
        set({
          step: {
            kind: 'full',
            groupId: typeof d['groupId'] === 'string' ? d['groupId'] : (inPreview?.id ?? ''),
            groupName: inPreview?.name ?? null,
            memberCap: typeof d['memberCap'] === 'number' ? d['memberCap'] : (inPreview?.memberCap ?? 0),
            canUpgrade: d['canUpgrade'] === true,
          },
          busy: false,
        });
        return;
      }
      if (refusal === 'real_name_not_confirmed') {
        // The group started asking for a real name meanwhile: show the confirm step.
        void showPreview(target);
        return;
      }
      if (refusal) {
        set({ step: { kind: 'refused', reason: refusal }, busy: false });
        return;
      }
      if (inline) set({ step: inline, busy: false, actionError: error });
      else set({ step: { kind: 'failed', error }, busy: false });
    };

    const begin = (target: JoinTarget, how: JoinHow) => {
      autoJoin = false;
      set({ target, how, busy: false, actionError: null });
      void showPreview(target);
    };

    return {
      ...idle,
      queue: [],

      start(text, how) {
        const parsed = parseJoinText(text);
        if (!session) {
          // Signed out (or not yet signed in): an invite waits through sign-in; anything else is dropped.
          if (parsed.kind === 'invite') savePendingJoin(storage, parsed.token, now().getTime());
          return;
        }
        if (get().step.kind !== 'idle') {
          // A flow is on screen: the new code waits its turn (unless it is the same one again).
          const current = get().target;
          if (parsed.kind === 'invite' && current?.source === 'token' && current.token === parsed.token) return;
          set((s) => ({ queue: [...s.queue, { text, how }].slice(-5) }));
          return;
        }
        if (parsed.kind !== 'invite') {
          generation++;
          set({ ...idle, step: { kind: 'notCode', parsed }, how });
          return;
        }
        begin({ source: 'token', token: parsed.token }, how);
      },

      startDirectory(groupId) {
        if (!session) return;
        begin({ source: 'directory', groupId }, 'directory');
      },

      async accept(options = {}) {
        const { target, step } = get();
        if (!session || !target || get().busy) return;
        const mine = generation;
        set({ busy: true, actionError: null });
        const r = await session.request('join:accept', {
          target,
          request: options.request ?? false,
          message: options.message ?? '',
          confirmRealName: options.confirmRealName ?? false,
        });
        if (mine !== generation) return;
        if (!r.ok) {
          handleFailure(r.error, target, step);
          return;
        }
        const outcome: SocketResponse<'join:accept'> = r.value;
        if (outcome.outcome === 'requested') {
          set({ step: { kind: 'requested', request: outcome.request }, busy: false });
          return;
        }
        const s = session;
        get().close();
        if (outcome.outcome === 'joined') s.joined(outcome.group);
        else s.open(outcome.groupId);
      },

      async upgrade() {
        const { step, target } = get();
        if (!session || step.kind !== 'full' || !step.canUpgrade || !target || get().busy) return;
        const mine = generation;
        set({ busy: true, actionError: null });
        const r: Result<SocketResponse<'groups:upgradeCap'>> = await session.request('groups:upgradeCap', { groupId: step.groupId });
        if (mine !== generation) return;
        if (!r.ok) {
          set({ busy: false, actionError: r.error });
          return;
        }
        void showPreview(target);
      },

      retry() {
        const { target, step } = get();
        if (!target) return;
        // "Ask for approval" after a removal refusal: the preview now offers the request.
        if (step.kind === 'refused' || step.kind === 'failed' || step.kind === 'preview' || step.kind === 'full') void showPreview(target);
      },

      resume() {
        const { step, target } = get();
        if (step.kind !== 'offline' || !target) return;
        void showPreview(target);
      },

      close() {
        generation++;
        autoJoin = false;
        const [next, ...rest] = get().queue;
        set({ ...idle, queue: rest });
        if (next) get().start(next.text, next.how);
      },

      attach(s) {
        session = s;
        void get().refreshKeys();
        const pending = takePendingJoin(storage, now().getTime());
        if (pending) get().start(pending, 'deeplink');
      },

      detach() {
        session = null;
        generation++;
        autoJoin = false;
        set({ ...idle, queue: [] });
      },

      async refreshKeys() {
        const s = session;
        if (!s) return;
        const r = await s.request('invites:keys', {});
        if (r.ok && r.value.orgId === s.orgId) saveInviteKeys(storage, s.orgId, r.value.keys);
      },
    };
  });
}

export type JoinStore = ReturnType<typeof createJoinStore>;

export const joinStore = createJoinStore({ storage: browserStorage() });

export const useJoin = <T>(selector: (s: JoinState) => T): T => useStore(joinStore, selector);

/**
 * Opens the join flow for a scanned, pasted or deep-linked text (anything: it is parsed strictly,
 * and what is not a Muster code is shown safely as text). Before sign-in, an invite waits.
 */
export function startJoin(text: string, how: JoinHow): void {
  joinStore.getState().start(text, how);
}
