import { createStore, type StoreApi } from 'zustand';
import { ok, type BridgeArgs, type BridgeEvent, type Profile, type Result } from '@shared/contract';
import type { BridgeClient } from '../bridge/client';
import { deleteMemberDb, openMemberDb, type MusterDb } from '../db';
import { draftsKey, storageKeys, type KeyValueStorage } from '../lib/storage';
import type { TabSignal } from '../lib/tab-signal';
import { SyncEngine, type ConnectionState, type EngineEndReason, type HandshakeToken, type SocketLike, type Visibility } from '../sync';

export type SessionStatus = 'loading' | 'signedOut' | 'signedIn';

/**
 * Why the user is looking at the sign-in screen when it is not their own doing:
 * `sessionEnded` — the server refused the session (revoked, expired);
 * `replaced` — someone else signed in on this computer.
 */
export type SignInNotice = 'sessionEnded' | 'replaced';

export interface SessionState {
  status: SessionStatus;
  profile: Profile | null;
  db: MusterDb | null;
  engine: SyncEngine | null;
  /** The sign-out button was pressed (the server is being told). */
  signingOut: boolean;
  /** The local cache is being deleted: the shell is gone, the sign-in screen not yet shown. */
  wiping: boolean;
  /** Why the user is looking at the sign-in screen, when it is not their own doing. */
  notice: SignInNotice | null;
  /**
   * The last sign-in could not be stored (no secure storage on this computer): it lasts until the
   * app closes. The shell says so until dismissed.
   */
  notRemembered: boolean;
  init(): Promise<void>;
  signIn(credentials: BridgeArgs<'auth:signIn'>): Promise<Result<Profile>>;
  signOut(): Promise<void>;
  dismissNotRemembered(): void;
}

export interface SessionDeps {
  bridge: BridgeClient;
  storage: KeyValueStorage;
  createSocket(serverUrl: string, token: HandshakeToken): SocketLike;
  visibility: Visibility;
  onConnectionState(state: ConnectionState): void;
  onGroupsSynced(synced: boolean): void;
  /** Clears per-user UI state (selection, drafts) when the session goes away. */
  onSignedOut(): void;
  /** A member's session starts on this page (their drafts come back). */
  onSignedIn?(memberId: string): void;
  /** Sign-ins in the app's other tabs/windows: a tab on the sign-in screen follows them into the app. */
  tabs?: TabSignal;
  /** Fallback when a stored profile lacks the server URL. */
  serverUrl?: () => string | undefined;
}

export type SessionStore = StoreApi<SessionState>;

/** Deletes what this computer keeps of a member: their cache and their unsent drafts. */
async function forgetMember(storage: KeyValueStorage, memberId: string, db?: MusterDb | null): Promise<void> {
  storage.removeItem(draftsKey(memberId));
  await deleteMemberDb(memberId, db).catch((e: unknown) => console.warn('deleting the local cache failed', e));
}

/** Lets React commit the pending render (the shell unmounting) before we continue. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/**
 * The signed-in member's lifetime: opens their cache and sync engine, and on sign-out (or when the
 * session ends elsewhere) tears both down and deletes the cache — the next person at this desk must
 * not see the previous one's messages.
 */
export function createSessionStore(deps: SessionDeps): SessionStore {
  const { bridge, storage } = deps;
  let unsubscribeEnded: (() => void) | null = null;
  let unsubscribeTabs: (() => void) | null = null;
  /** This page's own sign-in is in flight: it, not another tab's, decides who is signed in here. */
  let signingIn = false;

  const store = createStore<SessionState>((set, get) => {
    const start = (profile: Profile, notRemembered = false) => {
      const db = openMemberDb(profile.member.id);
      storage.setItem(storageKeys.lastMemberId, profile.member.id);
      // The engine and the socket's auth callback need each other: bind late.
      let engine: SyncEngine | null = null;
      const socket = deps.createSocket(profile.serverUrl || deps.serverUrl?.() || '', () => engine?.handshakeToken() ?? Promise.resolve(null));
      engine = new SyncEngine({
        db,
        socket,
        me: { id: profile.member.id, name: profile.member.name },
        accessToken: (forceRefresh) => bridge.call('auth:accessToken', { forceRefresh }),
        onState: deps.onConnectionState,
        onGroupsSynced: () => deps.onGroupsSynced(true),
        onSessionEnded: (reason: EngineEndReason) => void endLocally(reason === 'replaced' ? 'replaced' : 'sessionEnded'),
        visibility: deps.visibility,
      });
      deps.onSignedIn?.(profile.member.id);
      set({ status: 'signedIn', profile, db, engine, notice: null, signingOut: false, notRemembered });
      engine.start();
    };

    /**
     * Stops syncing and deletes the member's cache, then shows the sign-in screen — in that order,
     * so the sign-in screen never appears while the previous member's data still exists.
     */
    let ending: Promise<void> | null = null;
    const endLocally = (notice: SessionState['notice']): Promise<void> =>
      (ending ??= (async () => {
        const { engine, db, profile } = get();
        // The shell unmounts first (a splash replaces it), so no live query reads a closing database.
        set({ wiping: true });
        // Waits for a send or catch-up in progress to let go of the database before it is deleted.
        await engine?.stop();
        await nextTask();
        const memberId = profile?.member.id ?? storage.getItem(storageKeys.lastMemberId);
        storage.removeItem(storageKeys.lastMemberId);
        if (memberId) await forgetMember(storage, memberId, db);
        deps.onSignedOut();
        deps.onConnectionState('connecting');
        deps.onGroupsSynced(false);
        set({ status: 'signedOut', profile: null, db: null, engine: null, notice, signingOut: false, wiping: false, notRemembered: false });
      })().finally(() => {
        ending = null;
      }));

    /** The main process says the session is over (for this page, another page, or everyone). */
    const onSessionEnded = async ({ reason }: BridgeEvent<'auth:sessionEnded'>): Promise<void> => {
      const profile = get().profile;
      if (get().status !== 'signedIn' || !profile) return;
      if (reason === 'replaced') {
        // Sent to every page when anyone signs in — including the page that did, and pages of the
        // same member. Only a page whose member is no longer the signed-in one must go.
        const current = await bridge.call('auth:current', {});
        if (!current.ok) return; // cannot tell; the token's owner check still guards the socket
        if (current.value.profile?.member.id === profile.member.id) return;
        if (get().profile !== profile) return; // ended meanwhile
        return endLocally('replaced');
      }
      // signed_out: the user's own doing (this tab or another) — no "session ended" notice.
      return endLocally(reason === 'signed_out' ? null : 'sessionEnded');
    };

    /**
     * Another tab or window signed in. A page on the plain sign-in screen joins that session (it is
     * shared: one member per desktop / web host). Not a page that was just told someone else
     * replaced its member — it keeps saying so — and not one busy signing in itself.
     */
    const onSignInElsewhere = async (): Promise<void> => {
      const ready = () => get().status === 'signedOut' && !signingIn && !ending && get().notice !== 'replaced';
      if (!ready()) return;
      const current = await bridge.call('auth:current', {});
      if (!current.ok || !current.value.profile || !ready()) return;
      const profile = current.value.profile;
      const lastMember = storage.getItem(storageKeys.lastMemberId);
      if (lastMember && lastMember !== profile.member.id) await forgetMember(storage, lastMember);
      if (ready()) start(profile);
    };

    return {
      status: 'loading',
      profile: null,
      db: null,
      engine: null,
      signingOut: false,
      wiping: false,
      notice: null,
      notRemembered: false,

      async init() {
        unsubscribeEnded ??= bridge.onSessionEnded((event) => {
          onSessionEnded(event).catch((e: unknown) => console.error('ending the session failed', e));
        });
        unsubscribeTabs ??=
          deps.tabs?.onSignInElsewhere(() => {
            onSignInElsewhere().catch((e: unknown) => console.error('following a sign-in in another tab failed', e));
          }) ?? null;
        // Local and fast: the cache renders before any network round trip.
        const r = await bridge.call('auth:current', {});
        const lastMember = storage.getItem(storageKeys.lastMemberId);
        if (r.ok && r.value.profile) {
          const profile = r.value.profile;
          if (lastMember && lastMember !== profile.member.id) await forgetMember(storage, lastMember);
          start(profile);
          return;
        }
        if (r.ok && lastMember) {
          // Signed out while the app was closed (or the session lapsed): the cache goes too.
          storage.removeItem(storageKeys.lastMemberId);
          await forgetMember(storage, lastMember);
        }
        set({ status: 'signedOut' });
      },

      async signIn(credentials) {
        signingIn = true;
        try {
          const r = await bridge.call('auth:signIn', credentials);
          if (!r.ok) return r;
          const { profile, persisted } = r.value;
          const lastMember = storage.getItem(storageKeys.lastMemberId);
          if (lastMember && lastMember !== profile.member.id) await forgetMember(storage, lastMember);
          await get().engine?.stop();
          start(profile, !persisted);
          deps.tabs?.announceSignIn(profile.member.id);
          return ok(profile);
        } finally {
          signingIn = false;
        }
      },

      async signOut() {
        if (get().status !== 'signedIn' || get().signingOut) return;
        set({ signingOut: true });
        void get().engine?.stop(); // no more sends while the server is told; endLocally awaits it
        // Best effort: revokes the refresh token when the server is reachable; local wipe regardless.
        // The main process also announces `signed_out` to every page (this one included) meanwhile.
        await bridge.call('auth:signOut', {});
        await endLocally(null);
      },

      dismissNotRemembered() {
        set({ notRemembered: false });
      },
    };
  });
  return store;
}
