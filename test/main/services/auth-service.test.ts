import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, MusterError, ok, type BridgeEvent, type Result, type TokenBundle } from '@shared/contract';
import { createAuthService, type AuthService } from '../../../src/main/services/auth-service';
import { openKeyFileBox } from '../../../src/main/services/key-file-box';
import type { SecretBox } from '../../../src/main/services/secret-box';
import type { RouteName, ServerClient } from '../../../src/main/services/server-client';
import { createSessionStore, type SessionStore } from '../../../src/main/services/session-store';
import { DEMO, makeBundle } from '../helpers/stub-auth-server';
import { recordingLogger, tempDir } from '../helpers/temp';

const SERVER = 'http://127.0.0.1:7800';

type Pending = { route: RouteName; body: unknown; resolve: (r: Result<unknown>) => void };

/**
 * A ServerClient double whose answers the test decides, one request at a time: requests queue up
 * in `pending` until answered, so concurrency (single-flight, sign-out during refresh) is explicit.
 */
function controllableServer(): ServerClient & { pending: Pending[]; calls: { route: RouteName; body: unknown }[]; next(route: RouteName): Promise<Pending> } {
  const pending: Pending[] = [];
  const calls: { route: RouteName; body: unknown }[] = [];
  const waiters: (() => void)[] = [];
  return {
    baseUrl: SERVER,
    pending,
    calls,
    request(route, body) {
      calls.push({ route, body });
      return new Promise((resolve) => {
        pending.push({ route, body, resolve: resolve as (r: Result<unknown>) => void });
        waiters.splice(0).forEach((w) => w());
      });
    },
    async next(route) {
      for (;;) {
        const index = pending.findIndex((p) => p.route === route);
        if (index >= 0) return pending.splice(index, 1)[0]!;
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  } as ServerClient & { pending: Pending[]; calls: { route: RouteName; body: unknown }[]; next(route: RouteName): Promise<Pending> };
}

describe('auth service', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let box: SecretBox;
  let store: SessionStore;
  let server: ReturnType<typeof controllableServer>;
  let events: BridgeEvent<'auth:sessionEnded'>[];
  let clock: number;
  let auth: AuthService;
  const log = recordingLogger();

  const make = (overrides: { store?: SessionStore; serverUrl?: string } = {}) =>
    createAuthService({
      server,
      store: overrides.store ?? store,
      emit: (name, payload) => {
        if (name === 'auth:sessionEnded') events.push(payload as BridgeEvent<'auth:sessionEnded'>);
      },
      serverUrl: overrides.serverUrl ?? SERVER,
      log,
      device: { name: 'test-host', platform: 'linux' },
      now: () => clock,
    });

  /** Signs in, answering the server call with `bundle`. */
  async function signIn(bundle: TokenBundle = makeBundle({ now: clock })) {
    const result = auth.signIn(DEMO);
    (await server.next('signIn')).resolve(ok(bundle));
    return { result: await result, bundle };
  }

  beforeEach(async () => {
    dir = await tempDir();
    box = await openKeyFileBox({ keyFile: join(dir.path, 'web.key') });
    store = createSessionStore({ dataDir: join(dir.path, 'data'), secretBox: box, log });
    server = controllableServer();
    events = [];
    clock = Date.parse('2026-03-01T08:00:00.000Z');
    auth = make();
  });
  afterEach(() => dir.cleanup());

  it('signs in: stores refresh token + profile, keeps the access token in memory only', async () => {
    const { result, bundle } = await signIn();
    expect(result).toEqual(
      ok({
        profile: { member: bundle.member, org: bundle.org, serverUrl: SERVER },
        token: { accessToken: bundle.accessToken, expiresAt: bundle.accessTokenExpiresAt },
      }),
    );
    expect(server.calls[0]).toEqual({ route: 'signIn', body: { ...DEMO, device: { name: 'test-host', platform: 'linux' } } });
    expect(await store.load()).toEqual({ refreshToken: bundle.refreshToken, refreshTokenExpiresAt: bundle.refreshTokenExpiresAt, profile: { member: bundle.member, org: bundle.org, serverUrl: SERVER } });
    const plain = (await box.decrypt(await readFile(store.filePath))).toString('utf8');
    expect(plain).not.toContain(bundle.accessToken);
  });

  it('passes a refused sign-in through and stores nothing', async () => {
    const result = auth.signIn(DEMO);
    (await server.next('signIn')).resolve(err('invalid_credentials', 'nope'));
    expect(await result).toEqual(err('invalid_credentials', 'nope'));
    expect(await store.load()).toBeNull();
  });

  it('current() reads the stored profile without the network', async () => {
    const { bundle } = await signIn();
    const fresh = make(); // a restarted main process
    server.calls.length = 0;
    expect(await fresh.current()).toEqual(ok({ profile: { member: bundle.member, org: bundle.org, serverUrl: SERVER } }));
    expect(server.calls).toEqual([]);
  });

  it('current() forgets a session made against another server or already expired', async () => {
    await signIn();
    expect(await make({ serverUrl: 'https://other.example.com' }).current()).toEqual(ok({ profile: null }));
    expect(await store.load()).toBeNull();

    await signIn(makeBundle({ now: clock, refreshTtlMs: 1_000 }));
    clock += 2_000;
    expect(await auth.current()).toEqual(ok({ profile: null }));
    expect(await store.load()).toBeNull();
  });

  it('hands out the in-memory token while more than 60 s are left, without the network', async () => {
    const { bundle } = await signIn();
    clock += 10 * 60_000; // 5 min left of 15
    expect(await auth.accessToken({ forceRefresh: false })).toEqual(ok({ accessToken: bundle.accessToken, expiresAt: bundle.accessTokenExpiresAt }));
    expect(server.calls.map((c) => c.route)).toEqual(['signIn']);
  });

  it('refreshes near expiry and persists the rotated refresh token', async () => {
    const { bundle } = await signIn();
    clock += 14.5 * 60_000; // 30 s left
    const pending = auth.accessToken({ forceRefresh: false });
    const call = await server.next('refresh');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    const rotated = makeBundle({ now: clock });
    call.resolve(ok(rotated));
    expect(await pending).toEqual(ok({ accessToken: rotated.accessToken, expiresAt: rotated.accessTokenExpiresAt }));
    expect((await store.load())?.refreshToken).toBe(rotated.refreshToken);
    // And the new token is then served from memory.
    expect(await auth.accessToken({ forceRefresh: false })).toEqual(ok({ accessToken: rotated.accessToken, expiresAt: rotated.accessTokenExpiresAt }));
    expect(server.calls.filter((c) => c.route === 'refresh')).toHaveLength(1);
  });

  it('shares ONE refresh among concurrent callers (single flight)', async () => {
    await signIn();
    clock += 14.5 * 60_000; // < 60 s left: forced and unforced callers all need a refresh
    const callers = Array.from({ length: 5 }, (_, i) => auth.accessToken({ forceRefresh: i % 2 === 0 }));
    const call = await server.next('refresh');
    await new Promise((r) => setTimeout(r, 20)); // give any duplicate refresh a chance to show up
    expect(server.pending).toEqual([]);
    const rotated = makeBundle({ now: clock });
    call.resolve(ok(rotated));
    const results = await Promise.all(callers);
    expect(new Set(results.map((r) => (r.ok ? r.value.accessToken : 'error')))).toEqual(new Set([rotated.accessToken]));
    expect(server.calls.filter((c) => c.route === 'refresh')).toHaveLength(1);
    // The next forced refresh is a new round trip with the rotated token.
    const again = auth.accessToken({ forceRefresh: true });
    expect((await server.next('refresh')).body).toEqual({ refreshToken: rotated.refreshToken });
    void again;
  });

  it('server says session_ended: wipes the store, emits revoked, answers session_ended', async () => {
    await signIn();
    const pending = auth.accessToken({ forceRefresh: true });
    (await server.next('refresh')).resolve(err('session_ended', 'revoked'));
    expect(await pending).toMatchObject({ ok: false, error: { code: 'session_ended', details: { reason: 'revoked' } } });
    expect(events).toEqual([{ reason: 'revoked' }]);
    expect(await store.load()).toBeNull();
    // Afterwards: no network, still session_ended, no second event.
    server.calls.length = 0;
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    expect(server.calls).toEqual([]);
    expect(events).toHaveLength(1);
  });

  it('unauthorized with an expiry reason from the server is reported as expired', async () => {
    await signIn();
    const pending = auth.accessToken({ forceRefresh: true });
    (await server.next('refresh')).resolve(err('unauthorized', 'expired', { reason: 'expired' }));
    expect(await pending).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    expect(events).toEqual([{ reason: 'expired' }]);
  });

  it('a refresh token that expired locally ends the session without a round trip', async () => {
    await signIn(makeBundle({ now: clock, refreshTtlMs: 30 * 60_000 }));
    clock += 31 * 60_000;
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    expect(events).toEqual([{ reason: 'expired' }]);
    expect(server.calls.map((c) => c.route)).toEqual(['signIn']);
    expect(await store.load()).toBeNull();
  });

  it('offline: answers unavailable and keeps the session for later', async () => {
    const { bundle } = await signIn();
    const forced = auth.accessToken({ forceRefresh: true });
    (await server.next('refresh')).resolve(err('unavailable', 'Could not reach the server'));
    expect(await forced).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect(events).toEqual([]);
    expect((await store.load())?.refreshToken).toBe(bundle.refreshToken);

    // Unforced, with < 60 s left but not yet expired: the still-valid token beats an error.
    clock += 14.5 * 60_000;
    const unforced = auth.accessToken({ forceRefresh: false });
    (await server.next('refresh')).resolve(err('unavailable', 'Could not reach the server'));
    expect(await unforced).toEqual(ok({ accessToken: bundle.accessToken, expiresAt: bundle.accessTokenExpiresAt }));

    // Back online: the kept refresh token works.
    const later = auth.accessToken({ forceRefresh: true });
    const call = await server.next('refresh');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    call.resolve(ok(makeBundle({ now: clock })));
    expect((await later).ok).toBe(true);
  });

  it('signs out offline: still ok, store and memory wiped, other pages told', async () => {
    const { bundle } = await signIn();
    const pending = auth.signOut();
    const call = await server.next('signOut');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    // Wiped before the server answered.
    expect(await store.load()).toBeNull();
    call.resolve(err('unavailable', 'offline'));
    expect(await pending).toEqual(ok({}));
    expect(events).toEqual([{ reason: 'signed_out' }]);
    server.calls.length = 0;
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    expect(server.calls).toEqual([]);
  });

  it('a refresh that lands after sign-out is dropped, and its rotated token revoked', async () => {
    await signIn();
    const refreshing = auth.accessToken({ forceRefresh: true });
    const refreshCall = await server.next('refresh');
    const signingOut = auth.signOut();
    (await server.next('signOut')).resolve(ok({}));
    await signingOut;
    const rotated = makeBundle({ now: clock });
    refreshCall.resolve(ok(rotated));
    expect(await refreshing).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    expect(await store.load()).toBeNull();
    const revoke = await server.next('signOut');
    expect(revoke.body).toEqual({ refreshToken: rotated.refreshToken });
    revoke.resolve(ok({}));
  });

  it('when the session cannot be stored, sign-in fails clearly and the server token is revoked', async () => {
    const failingStore: SessionStore = {
      ...store,
      save: () => Promise.reject(new MusterError('internal', 'Secure storage is not available', { reason: 'secure_storage_unavailable' })),
    };
    auth = make({ store: failingStore });
    const bundle = makeBundle({ now: clock });
    const result = auth.signIn(DEMO);
    (await server.next('signIn')).resolve(ok(bundle));
    expect(await result).toMatchObject({ ok: false, error: { code: 'internal', details: { reason: 'secure_storage_unavailable' } } });
    expect((await server.next('signOut')).body).toEqual({ refreshToken: bundle.refreshToken });
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
  });

  it('signing in again revokes the replaced refresh token', async () => {
    const { bundle: first } = await signIn();
    const { bundle: second } = await signIn();
    expect((await server.next('signOut')).body).toEqual({ refreshToken: first.refreshToken });
    expect((await store.load())?.refreshToken).toBe(second.refreshToken);
  });
});
