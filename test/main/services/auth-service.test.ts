import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { err, MusterError, ok, type BridgeEvent, type Result, type TokenBundle } from '@shared/contract';
import { createAuthService, type AuthService } from '../../../src/main/services/auth-service';
import { openKeyFileBox } from '../../../src/main/services/key-file-box';
import type { SecretBox } from '../../../src/main/services/secret-box';
import type { RouteName, ServerClient } from '../../../src/main/services/server-client';
import { createSessionStore, type SessionStore } from '../../../src/main/services/session-store';
import { DEMO, DEMO_LINA, makeBundle, makeMember } from '../helpers/stub-auth-server';
import { recordingLogger, tempDir } from '../helpers/temp';

const SERVER = 'http://127.0.0.1:7800';

/** What the renderer gets for a bundle: the access token and whose it is. */
const tokenOf = (bundle: TokenBundle) => ({ accessToken: bundle.accessToken, expiresAt: bundle.accessTokenExpiresAt, memberId: bundle.member.id });

/** A session store whose save fails (secure storage unavailable) while `failing.save` is true. */
function flakyStore(inner: SessionStore, failing: { save: boolean; clear?: boolean }): SessionStore & { saves: number } {
  const flaky = {
    saves: 0,
    filePath: inner.filePath,
    load: () => inner.load(),
    save: (session: Parameters<SessionStore['save']>[0]) => {
      flaky.saves += 1;
      return failing.save
        ? Promise.reject(new MusterError('internal', 'Secure storage is not available', { reason: 'secure_storage_unavailable' }))
        : inner.save(session);
    },
    clear: () => (failing.clear ? Promise.reject(new MusterError('internal', 'Could not delete the session file', { reason: 'session_write_failed' })) : inner.clear()),
  };
  return flaky;
}

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
  async function signIn(bundle: TokenBundle = makeBundle({ now: clock }), credentials: typeof DEMO | typeof DEMO_LINA = DEMO) {
    const result = auth.signIn(credentials);
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
        token: tokenOf(bundle),
        persisted: true,
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
    expect(await auth.accessToken({ forceRefresh: false })).toEqual(ok(tokenOf(bundle)));
    expect(server.calls.map((c) => c.route)).toEqual(['signIn']);
  });

  it('refreshes near expiry and persists the rotated refresh token', async () => {
    const { bundle } = await signIn();
    clock += 14.5 * 60_000; // 30 s left
    const pending = auth.accessToken({ forceRefresh: false });
    const call = await server.next('refresh');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    const rotated = makeBundle({ now: clock, who: bundle });
    call.resolve(ok(rotated));
    expect(await pending).toEqual(ok(tokenOf(rotated)));
    expect((await store.load())?.refreshToken).toBe(rotated.refreshToken);
    // And the new token is then served from memory.
    expect(await auth.accessToken({ forceRefresh: false })).toEqual(ok(tokenOf(rotated)));
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
    expect(await unforced).toEqual(ok(tokenOf(bundle)));

    // Back online: the kept refresh token works.
    const later = auth.accessToken({ forceRefresh: true });
    const call = await server.next('refresh');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    call.resolve(ok(makeBundle({ now: clock })));
    expect((await later).ok).toBe(true);
  });

  it('signs out offline: tells the server first, then wipes store and memory; other pages told', async () => {
    const { bundle } = await signIn();
    const pending = auth.signOut();
    const call = await server.next('signOut');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    // The server is asked before anything local can fail; the file goes afterwards.
    expect(await readdir(join(dir.path, 'data'))).toEqual(['session.bin']);
    // No page gets a token of the ending session meanwhile.
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    call.resolve(err('unavailable', 'offline'));
    expect(await pending).toEqual(ok({}));
    expect(await store.load()).toBeNull();
    expect(events).toEqual([{ reason: 'signed_out' }]);
    server.calls.length = 0;
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
    expect(server.calls).toEqual([]);
  });

  it('signs out even when the session file cannot be wiped: server revoked, memory cleared, failure logged', async () => {
    const failing = { save: false, clear: false };
    auth = make({ store: flakyStore(store, failing) });
    const { bundle } = await signIn();
    failing.clear = true;
    const pending = auth.signOut();
    const call = await server.next('signOut');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    call.resolve(ok({}));
    expect(await pending).toEqual(ok({}));
    expect(events).toEqual([{ reason: 'signed_out' }]);
    expect(log.lines.some((l) => l.level === 'error' && /Could not wipe the session file \(signed out\)/.test(l.message))).toBe(true);
    // Signed out in this process although the file is still there: it is not read back.
    server.calls.length = 0;
    expect(await auth.current()).toEqual(ok({ profile: null }));
    expect(await auth.accessToken({ forceRefresh: true })).toMatchObject({ ok: false, error: { code: 'session_ended' } });
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

  it('a rotated refresh token that could not be saved is still the one used (memory first, never the spent one)', async () => {
    const failing = { save: false };
    auth = make({ store: flakyStore(store, failing) });
    const { bundle } = await signIn();
    failing.save = true; // e.g. the disk is full, or the keychain went away
    const first = auth.accessToken({ forceRefresh: true });
    const rotated = makeBundle({ now: clock, who: bundle });
    (await server.next('refresh')).resolve(ok(rotated));
    expect(await first).toEqual(ok(tokenOf(rotated)));
    // The spent token is not left for the next start to present (the server would see reuse).
    expect(await store.load()).toBeNull();
    expect(await auth.current()).toEqual(ok({ profile: { member: bundle.member, org: bundle.org, serverUrl: SERVER } }));

    const second = auth.accessToken({ forceRefresh: true });
    const call = await server.next('refresh');
    expect(call.body).toEqual({ refreshToken: rotated.refreshToken });
    failing.save = false; // storage is back: the next rotation is persisted again
    const again = makeBundle({ now: clock, who: bundle });
    call.resolve(ok(again));
    expect(await second).toEqual(ok(tokenOf(again)));
    expect((await store.load())?.refreshToken).toBe(again.refreshToken);
    expect(events).toEqual([]);
  });

  it('without secure storage, sign-in succeeds in memory only (persisted: false) and nothing is written', async () => {
    const failing = { save: true };
    const flaky = flakyStore(store, failing);
    auth = make({ store: flaky });
    const bundle = makeBundle({ now: clock });
    const result = auth.signIn(DEMO);
    (await server.next('signIn')).resolve(ok(bundle));
    expect(await result).toEqual(ok({ profile: { member: bundle.member, org: bundle.org, serverUrl: SERVER }, token: tokenOf(bundle), persisted: false }));
    expect(flaky.saves).toBe(1);
    expect(await readdir(dir.path)).not.toContain('data');
    // The session is not thrown away on the server, and works from memory.
    expect(server.pending).toEqual([]);
    expect(await auth.current()).toEqual(ok({ profile: { member: bundle.member, org: bundle.org, serverUrl: SERVER } }));
    const refreshed = auth.accessToken({ forceRefresh: true });
    const call = await server.next('refresh');
    expect(call.body).toEqual({ refreshToken: bundle.refreshToken });
    const rotated = makeBundle({ now: clock, who: bundle });
    call.resolve(ok(rotated));
    expect(await refreshed).toEqual(ok(tokenOf(rotated)));
    expect(await readdir(dir.path)).not.toContain('data');
    expect(log.lines.some((l) => l.level === 'error' && /kept in memory only/.test(l.message))).toBe(true);
  });

  it("a session that cannot be stored wipes the previous member's file, so a restart never brings them back", async () => {
    const failing = { save: false };
    auth = make({ store: flakyStore(store, failing) });
    await signIn(makeBundle({ now: clock, who: makeMember('zhangwei') }));
    failing.save = true;
    const { result } = await signIn(makeBundle({ now: clock, who: makeMember('lina') }), DEMO_LINA);
    expect(result).toMatchObject({ ok: true, value: { persisted: false, profile: { member: { account: 'lina' } } } });
    expect(await store.load()).toBeNull();
    expect(await make().current()).toEqual(ok({ profile: null })); // a restarted process
  });

  it('signing in again as the same member revokes the old refresh token and ends no page', async () => {
    const who = makeMember('zhangwei');
    const { bundle: first } = await signIn(makeBundle({ now: clock, who }));
    const { bundle: second } = await signIn(makeBundle({ now: clock, who }));
    expect((await server.next('signOut')).body).toEqual({ refreshToken: first.refreshToken });
    expect((await store.load())?.refreshToken).toBe(second.refreshToken);
    expect(events).toEqual([]);
  });

  it("another member signing in replaces the session: 'replaced' once the new one is stored, tokens are the new member's", async () => {
    const zhang = makeMember('zhangwei');
    const lina = makeMember('lina', zhang.org);
    const { bundle: first } = await signIn(makeBundle({ now: clock, who: zhang }));
    let storedWhenTold: Promise<unknown> | null = null;
    auth = createAuthService({
      server,
      store,
      emit: (name, payload) => {
        events.push(payload as BridgeEvent<'auth:sessionEnded'>);
        storedWhenTold ??= store.load(); // queued behind any save already under way
      },
      serverUrl: SERVER,
      log,
      now: () => clock,
    }); // a restarted process: the previous member is only in the file
    const { bundle: second, result } = await signIn(makeBundle({ now: clock, who: lina }), DEMO_LINA);
    expect(result).toMatchObject({ ok: true, value: { persisted: true, token: { memberId: lina.member.id } } });
    expect(events).toEqual([{ reason: 'replaced' }]);
    expect(await storedWhenTold).toMatchObject({ refreshToken: second.refreshToken, profile: { member: { id: lina.member.id } } });
    // A page still showing zhangwei asks for a token and learns it is lina's.
    expect(await auth.accessToken({ forceRefresh: false })).toEqual(ok(tokenOf(second)));
    expect((await server.next('signOut')).body).toEqual({ refreshToken: first.refreshToken });
    // lina signing in again replaces no one.
    await signIn(makeBundle({ now: clock, who: lina }), DEMO_LINA);
    expect(events).toEqual([{ reason: 'replaced' }]);
  });
});
