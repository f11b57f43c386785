import { createStore, type StoreApi } from 'zustand';
import { ok, type BridgeArgs, type Profile, type Result } from '@shared/contract';
import type { BridgeClient } from '../bridge/client';
import { deleteMemberDb, openMemberDb, type MusterDb } from '../db';
import { storageKeys, type KeyValueStorage } from '../lib/storage';
import { SyncEngine, type ConnectionState, type HandshakeToken, type SocketLike, type Visibility } from '../sync';

export type SessionStatus = 'loading' | 'signedOut' | 'signedIn';

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
  notice: 'sessionEnded' | null;
  init(): Promise<void>;
  signIn(credentials: BridgeArgs<'auth:signIn'>): Promise<Result<Profile>>;
  signOut(): Promise<void>;
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
  /** Fallback when a stored profile lacks the server URL. */
  serverUrl?: () => string | undefined;
}

export type SessionStore = StoreApi<SessionState>;

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

  const store = createStore<SessionState>((set, get) => {
    const start = (profile: Profile) => {
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
        onSessionEnded: () => void endLocally('sessionEnded'),
        visibility: deps.visibility,
      });
      set({ status: 'signedIn', profile, db, engine, notice: null, signingOut: false });
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
        engine?.stop();
        await nextTask();
        const memberId = profile?.member.id ?? storage.getItem(storageKeys.lastMemberId);
        storage.removeItem(storageKeys.lastMemberId);
        if (memberId) await deleteMemberDb(memberId, db).catch((e: unknown) => console.warn('deleting the local cache failed', e));
        deps.onSignedOut();
        deps.onConnectionState('connecting');
        deps.onGroupsSynced(false);
        set({ status: 'signedOut', profile: null, db: null, engine: null, notice, signingOut: false, wiping: false });
      })().finally(() => {
        ending = null;
      }));

    return {
      status: 'loading',
      profile: null,
      db: null,
      engine: null,
      signingOut: false,
      wiping: false,
      notice: null,

      async init() {
        unsubscribeEnded ??= bridge.onSessionEnded(() => {
          if (get().status === 'signedIn') void endLocally('sessionEnded');
        });
        // Local and fast: the cache renders before any network round trip.
        const r = await bridge.call('auth:current', {});
        const lastMember = storage.getItem(storageKeys.lastMemberId);
        if (r.ok && r.value.profile) {
          const profile = r.value.profile;
          if (lastMember && lastMember !== profile.member.id) await deleteMemberDb(lastMember).catch(() => undefined);
          start(profile);
          return;
        }
        if (r.ok && lastMember) {
          // Signed out while the app was closed (or the session lapsed): the cache goes too.
          storage.removeItem(storageKeys.lastMemberId);
          await deleteMemberDb(lastMember).catch(() => undefined);
        }
        set({ status: 'signedOut' });
      },

      async signIn(credentials) {
        const r = await bridge.call('auth:signIn', credentials);
        if (!r.ok) return r;
        const { profile } = r.value;
        const lastMember = storage.getItem(storageKeys.lastMemberId);
        if (lastMember && lastMember !== profile.member.id) await deleteMemberDb(lastMember).catch(() => undefined);
        get().engine?.stop();
        start(profile);
        return ok(profile);
      },

      async signOut() {
        if (get().status !== 'signedIn' || get().signingOut) return;
        set({ signingOut: true });
        get().engine?.stop();
        // Best effort: revokes the refresh token when the server is reachable; local wipe regardless.
        await bridge.call('auth:signOut', {});
        await endLocally(null);
      },
    };
  });
  return store;
}
