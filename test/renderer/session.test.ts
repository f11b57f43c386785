import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { Dexie } from 'dexie';
import { err, ok, type BridgeArgs, type BridgeCallName, type BridgeEvent, type BridgeResult, type Profile, type Result } from '@shared/contract';
import type { BridgeClient } from '../../src/renderer/bridge/client';
import { memberDbName, upsertGroupList } from '../../src/renderer/db';
import { draftsKey, memoryStorage, storageKeys } from '../../src/renderer/lib/storage';
import type { TabSignal } from '../../src/renderer/lib/tab-signal';
import { createSessionStore, type SessionStore } from '../../src/renderer/stores/session';
import type { HandshakeToken } from '../../src/renderer/sync';
import { FakeServer, ORG_ID } from './support/fake-server';
import { FakeSocket } from './support/fake-socket';
import { eventually } from './support/helpers';

const profileOf = (name: string): Profile => ({
  member: { id: crypto.randomUUID(), orgId: ORG_ID, account: name, name, nameEn: null, role: 'employee', departmentId: null, title: null },
  org: { id: ORG_ID, slug: 'demo', name: '演示企业', nameEn: 'Demo' },
  serverUrl: 'http://127.0.0.1:7800',
});

type Handlers = { [N in BridgeCallName]?: (args: BridgeArgs<N>) => Result<BridgeResult<N>> };
type EndReason = BridgeEvent<'auth:sessionEnded'>['reason'];

function fakeBridge(handlers: Handlers) {
  const calls: string[] = [];
  const endedListeners = new Set<(e: BridgeEvent<'auth:sessionEnded'>) => void>();
  const endSession = (reason: EndReason) => endedListeners.forEach((l) => l({ reason }));
  const client: BridgeClient = {
    async call(name, args) {
      calls.push(name);
      const h = handlers[name] as ((a: unknown) => Result<unknown>) | undefined;
      const r = h ? h(args) : err('unavailable', 'no handler');
      // Like the main process: a sign-out is announced to every page (the caller's too) before it answers.
      if (name === 'auth:signOut' && r.ok) endSession('signed_out');
      return r as never;
    },
    onSessionEnded(listener) {
      endedListeners.add(listener);
      return () => endedListeners.delete(listener);
    },
  };
  return { client, calls, endSession };
}

const stores: SessionStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) {
    const { db, engine } = s.getState();
    engine?.stop();
    await db?.delete().catch(() => undefined);
  }
});

/** The app's tabs on one desktop: what one announces, the others hear (never itself). */
function tabHub() {
  const tabs = new Set<Set<(memberId: string) => void>>();
  return {
    tab(): TabSignal {
      const listeners = new Set<(memberId: string) => void>();
      tabs.add(listeners);
      return {
        announceSignIn: (memberId) => {
          for (const other of tabs) if (other !== listeners) for (const l of other) l(memberId);
        },
        onSignInElsewhere(listener) {
          listeners.add(listener);
          return () => listeners.delete(listener);
        },
      };
    },
  };
}

function setup(handlers: Handlers, storage = memoryStorage(), tabs?: TabSignal) {
  const bridge = fakeBridge(handlers);
  const sockets: FakeSocket[] = [];
  const handshakeTokens: HandshakeToken[] = [];
  const signedOut: number[] = [];
  const signedIn: string[] = [];
  const store = createSessionStore({
    bridge: bridge.client,
    storage,
    createSocket: (_url, handshakeToken) => {
      const s = new FakeSocket(); // never connects: the server is unreachable
      sockets.push(s);
      handshakeTokens.push(handshakeToken);
      return s;
    },
    visibility: { isVisible: () => true, subscribe: () => () => undefined },
    onConnectionState: () => undefined,
    onGroupsSynced: () => undefined,
    onSignedOut: () => signedOut.push(1),
    onSignedIn: (memberId) => signedIn.push(memberId),
    tabs,
  });
  stores.push(store);
  return { store, bridge, sockets, handshakeTokens, storage, signedOut, signedIn };
}

const tokenFor = (profile: Profile) => ok({ accessToken: 't', expiresAt: '2030-01-01T00:00:00Z', memberId: profile.member.id });

describe('session', () => {
  it('starts from the stored profile without waiting for the network, with that member’s cache', async () => {
    const profile = profileOf('zhangwei');
    const { store, sockets, bridge } = setup({ 'auth:current': () => ok({ profile }), 'auth:accessToken': () => tokenFor(profile) });
    expect(store.getState().status).toBe('loading');
    await store.getState().init();
    const { status, db } = store.getState();
    expect(status).toBe('signedIn');
    expect(db?.name).toBe(memberDbName(profile.member.id));
    expect(sockets[0]!.connectCalls).toBe(1); // connecting in the background, never connected
    expect(bridge.calls).toEqual(['auth:current']); // no token needed to show the cache
  });

  it('signing out revokes the session and deletes the cache before the sign-in screen shows', async () => {
    const profile = profileOf('lina');
    const { store, bridge, storage, signedOut } = setup({
      'auth:current': () => ok({ profile }),
      'auth:signOut': () => ok({}),
    });
    await store.getState().init();
    const server = new FakeServer({ id: profile.member.id, name: 'lina' });
    await upsertGroupList(store.getState().db!, [server.summary(server.addGroup('secret'))]);
    expect(storage.getItem(storageKeys.lastMemberId)).toBe(profile.member.id);

    // What the sign-in screen's first render would find in IndexedDB:
    let existedWhenSignInShowed: Promise<boolean> | null = null;
    store.subscribe((s, prev) => {
      if (s.status === 'signedOut' && prev.status !== 'signedOut')
        existedWhenSignInShowed = indexedDB.databases().then((dbs) => dbs.some((d) => d.name === memberDbName(profile.member.id)));
    });
    await store.getState().signOut();
    expect(bridge.calls).toContain('auth:signOut');
    expect(store.getState()).toMatchObject({ status: 'signedOut', profile: null, db: null, engine: null, notice: null });
    expect(await existedWhenSignInShowed!).toBe(false);
    expect(storage.getItem(storageKeys.lastMemberId)).toBeNull();
    expect(signedOut).toHaveLength(1);
  });

  it('still wipes locally when the server cannot be told about the sign-out', async () => {
    const profile = profileOf('offline');
    const { store } = setup({ 'auth:current': () => ok({ profile }) }); // auth:signOut -> unavailable
    await store.getState().init();
    await store.getState().db!.groups.count();
    await store.getState().signOut();
    expect(store.getState().status).toBe('signedOut');
    expect(await Dexie.exists(memberDbName(profile.member.id))).toBe(false);
  });

  it('a session ended elsewhere wipes the cache and says so', async () => {
    const profile = profileOf('revoked');
    const { store, bridge } = setup({ 'auth:current': () => ok({ profile }) });
    await store.getState().init();
    await store.getState().db!.groups.count();
    bridge.endSession('revoked');
    await eventually(() => store.getState().status === 'signedOut');
    expect(store.getState().notice).toBe('sessionEnded');
    expect(await Dexie.exists(memberDbName(profile.member.id))).toBe(false);
  });

  it('a sign-out in another window ends this one too, without the "session ended" notice', async () => {
    const profile = profileOf('elsewhere');
    const { store, bridge, signedOut } = setup({ 'auth:current': () => ok({ profile }) });
    await store.getState().init();
    await store.getState().db!.groups.count();
    bridge.endSession('signed_out');
    await eventually(() => store.getState().status === 'signedOut');
    expect(store.getState().notice).toBeNull();
    expect(signedOut).toHaveLength(1);
    expect(await Dexie.exists(memberDbName(profile.member.id))).toBe(false);
  });

  it('someone else signing in on this computer ends the session with its own notice', async () => {
    const mine = profileOf('mine');
    let current: Profile | null = mine;
    const { store, bridge } = setup({ 'auth:current': () => ok({ profile: current }) });
    await store.getState().init();
    await store.getState().db!.groups.count();

    // The announcement reaches every page, including those of the member who just signed in again.
    bridge.endSession('replaced');
    await new Promise((r) => setTimeout(r, 20));
    expect(store.getState().status).toBe('signedIn');

    current = profileOf('someone else');
    bridge.endSession('replaced');
    await eventually(() => store.getState().status === 'signedOut');
    expect(store.getState().notice).toBe('replaced');
    expect(await Dexie.exists(memberDbName(mine.member.id))).toBe(false);
  });

  it('never passes another member’s token to the socket: the session ends as replaced and the cache goes', async () => {
    const mine = profileOf('mine');
    const { store, handshakeTokens } = setup({
      'auth:current': () => ok({ profile: mine }),
      'auth:accessToken': () => tokenFor(profileOf('intruder')),
    });
    await store.getState().init();
    await store.getState().db!.groups.count();
    expect(await handshakeTokens[0]!()).toBeNull();
    await eventually(() => store.getState().status === 'signedOut');
    expect(store.getState().notice).toBe('replaced');
    expect(await Dexie.exists(memberDbName(mine.member.id))).toBe(false);
  });

  it('a sign-in that could not be stored is flagged for the shell until dismissed or signed out', async () => {
    const profile = profileOf('ephemeral');
    let persisted = false;
    const { store } = setup({
      'auth:current': () => ok({ profile: null }),
      'auth:signIn': () => ok({ profile, token: tokenFor(profile).value, persisted }),
      'auth:signOut': () => ok({}),
    });
    await store.getState().init();
    await store.getState().signIn({ org: 'demo', account: 'ephemeral', password: 'muster-demo' });
    expect(store.getState().notRemembered).toBe(true);
    store.getState().dismissNotRemembered();
    expect(store.getState()).toMatchObject({ status: 'signedIn', notRemembered: false });

    await store.getState().signIn({ org: 'demo', account: 'ephemeral', password: 'muster-demo' });
    expect(store.getState().notRemembered).toBe(true);
    await store.getState().signOut();
    expect(store.getState().notRemembered).toBe(false);

    persisted = true;
    await store.getState().signIn({ org: 'demo', account: 'ephemeral', password: 'muster-demo' });
    expect(store.getState()).toMatchObject({ status: 'signedIn', notRemembered: false });
  });

  it('deletes the cache of a member whose session is gone at start-up', async () => {
    const stale = profileOf('stale');
    const storage = memoryStorage();
    const first = setup({ 'auth:current': () => ok({ profile: stale }) }, storage);
    await first.store.getState().init();
    await first.store.getState().db!.groups.count();
    first.store.getState().engine!.stop();
    first.store.getState().db!.close();

    const next = setup({ 'auth:current': () => ok({ profile: null }) }, storage);
    await next.store.getState().init();
    expect(next.store.getState().status).toBe('signedOut');
    expect(await Dexie.exists(memberDbName(stale.member.id))).toBe(false);
    expect(storage.getItem(storageKeys.lastMemberId)).toBeNull();
  });

  it('signing in as someone else removes the previous member’s cache', async () => {
    const before = profileOf('before');
    const after = profileOf('after');
    const storage = memoryStorage();
    const first = setup({ 'auth:current': () => ok({ profile: before }) }, storage);
    await first.store.getState().init();
    await first.store.getState().db!.groups.count();
    first.store.getState().engine!.stop();
    first.store.getState().db!.close();

    storage.setItem(storageKeys.lastMemberId, before.member.id);
    const second = setup(
      {
        'auth:current': () => ok({ profile: null }),
        'auth:signIn': () => ok({ profile: after, token: tokenFor(after).value, persisted: true }),
      },
      storage,
    );
    const r = await second.store.getState().signIn({ org: 'demo', account: 'after', password: 'muster-demo' });
    expect(r.ok).toBe(true);
    expect(second.store.getState().status).toBe('signedIn');
    expect(await Dexie.exists(memberDbName(before.member.id))).toBe(false);
    expect(storage.getItem(storageKeys.lastMemberId)).toBe(after.member.id);
  });

  it('a failed sign-in returns the typed error and stays signed out', async () => {
    const { store } = setup({
      'auth:current': () => ok({ profile: null }),
      'auth:signIn': () => err('rate_limited', 'locked', { retryAfterSeconds: 900 }),
    });
    await store.getState().init();
    const r = await store.getState().signIn({ org: 'demo', account: 'x', password: 'y' });
    expect(r).toEqual(err('rate_limited', 'locked', { retryAfterSeconds: 900 }));
    expect(store.getState().status).toBe('signedOut');
  });

  // issue 12 defect 7: one member per desktop (web host); its tabs follow each other's sign-ins.
  describe('tabs of one desktop', () => {
    it('a tab on the sign-in screen moves into the app when another tab signs in', async () => {
      const emily = profileOf('emily');
      let shared: Profile | null = null; // the web host's session, seen by every tab
      const hub = tabHub();
      const handlers: Handlers = {
        'auth:current': () => ok({ profile: shared }),
        'auth:signIn': () => {
          shared = emily;
          return ok({ profile: emily, token: tokenFor(emily).value, persisted: true });
        },
      };
      const storage = memoryStorage();
      const first = setup(handlers, storage, hub.tab());
      const second = setup(handlers, storage, hub.tab());
      await first.store.getState().init();
      await second.store.getState().init();
      expect(second.store.getState().status).toBe('signedOut');

      await first.store.getState().signIn({ org: 'demo', account: 'emily', password: 'muster-demo' });
      await eventually(() => second.store.getState().status === 'signedIn');
      expect(second.store.getState().profile?.member.id).toBe(emily.member.id);
      expect(second.signedIn).toEqual([emily.member.id]); // its drafts come back too
    });

    it('a tab told that someone else replaced its member keeps saying so instead of turning into them', async () => {
      const zhang = profileOf('zhang');
      const admin = profileOf('admin');
      let shared: Profile | null = zhang;
      const hub = tabHub();
      const storage = memoryStorage();
      const kicked = setup({ 'auth:current': () => ok({ profile: shared }) }, storage, hub.tab());
      const other = setup(
        {
          'auth:current': () => ok({ profile: shared }),
          'auth:signIn': () => {
            shared = admin;
            kicked.bridge.endSession('replaced'); // the main process tells every page
            return ok({ profile: admin, token: tokenFor(admin).value, persisted: true });
          },
        },
        storage,
        hub.tab(),
      );
      await kicked.store.getState().init();
      await kicked.store.getState().db!.groups.count();
      await other.store.getState().init();
      await other.store.getState().signIn({ org: 'demo', account: 'admin', password: 'muster-demo' });
      await eventually(() => kicked.store.getState().status === 'signedOut');
      await new Promise((r) => setTimeout(r, 30));
      expect(kicked.store.getState()).toMatchObject({ status: 'signedOut', notice: 'replaced' });
    });
  });

  // issue 12 defect 8: drafts are kept per member and go with the member's cache.
  it('tells the UI whose drafts to show, and deletes the drafts of a member whose cache goes', async () => {
    const stale = profileOf('stale');
    const storage = memoryStorage();
    const first = setup({ 'auth:current': () => ok({ profile: stale }) }, storage);
    await first.store.getState().init();
    expect(first.signedIn).toEqual([stale.member.id]);
    await first.store.getState().db!.groups.count();
    first.store.getState().engine!.stop();
    first.store.getState().db!.close();
    storage.setItem(draftsKey(stale.member.id), JSON.stringify({ g1: 'unsent' }));

    // the session lapsed while the app was closed: cache and drafts go
    const next = setup({ 'auth:current': () => ok({ profile: null }) }, storage);
    await next.store.getState().init();
    expect(storage.getItem(draftsKey(stale.member.id))).toBeNull();
  });
});
