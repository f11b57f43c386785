import {
  err,
  ok,
  type AccessToken,
  type BridgeEvent,
  type BridgeEventName,
  type BridgeParsedArgs,
  type BridgeResult,
  type Profile,
  type Result,
  type TokenBundle,
} from '@shared/contract';
import { describeError, type Logger } from './logger';
import type { ServerClient } from './server-client';
import type { SessionStore, StoredSession } from './session-store';

/**
 * Authentication in the main process. It owns the refresh token and hands the renderer
 * short-lived access tokens, which are kept in memory only.
 *
 * Where the session lives: IN MEMORY first. The latest refresh token (they rotate on every use)
 * and profile are held here and are what this process uses; the encrypted file written through
 * the session store is only how the NEXT start finds the session. So a save that fails — secure
 * storage missing (Linux basic_text, no keychain) or a disk error — never makes this process go
 * back to an older, already spent refresh token (which the server would treat as reuse and
 * revoke); it only means the user signs in again after a restart (`persisted: false`).
 *
 * One member per desktop (browser mode: per web host): a sign-in as another member replaces the
 * session for every page, and they are told with `auth:sessionEnded {reason: 'replaced'}`.
 */

/** An access token with less than this left is refreshed before it is handed out. */
export const ACCESS_TOKEN_MIN_REMAINING_MS = 60_000;
/** Sign-out must not hang the UI when the server is unreachable. */
export const SIGN_OUT_TIMEOUT_MS = 3_000;

export type BridgeEmitter = <N extends BridgeEventName>(name: N, payload: BridgeEvent<N>) => void;

export interface AuthService {
  signIn(args: BridgeParsedArgs<'auth:signIn'>): Promise<Result<BridgeResult<'auth:signIn'>>>;
  current(): Promise<Result<{ profile: Profile | null }>>;
  accessToken(options: { forceRefresh: boolean }): Promise<Result<AccessToken>>;
  signOut(): Promise<Result<Record<string, never>>>;
}

export interface AuthServiceOptions {
  server: ServerClient;
  store: SessionStore;
  emit: BridgeEmitter;
  serverUrl: string;
  log: Logger;
  device?: { name: string; platform: string };
  now?: () => number;
}

export function createAuthService(options: AuthServiceOptions): AuthService {
  const { server, store, emit, serverUrl, log } = options;
  const now = options.now ?? Date.now;

  /**
   * The session this process uses. `undefined`: the file has not been read yet (first use after
   * start); `null`: signed out — the file is NOT consulted again, even if wiping it failed.
   */
  let held: StoredSession | null | undefined;
  /** The access token; in memory only, never written to disk. */
  let memoryToken: AccessToken | null = null;
  /** The shared refresh in flight, so concurrent callers cause one server round trip. */
  let refreshing: Promise<Result<AccessToken>> | null = null;
  /**
   * Bumped by sign-in and sign-out. A refresh that started in an older epoch must not write its
   * result: the user signed out (or in as someone else) while it was on the wire.
   */
  let epoch = 0;

  const toStored = (bundle: TokenBundle): StoredSession => ({
    refreshToken: bundle.refreshToken,
    refreshTokenExpiresAt: bundle.refreshTokenExpiresAt,
    profile: { member: bundle.member, org: bundle.org, serverUrl },
  });
  const toAccessToken = (bundle: TokenBundle): AccessToken => ({
    accessToken: bundle.accessToken,
    expiresAt: bundle.accessTokenExpiresAt,
    memberId: bundle.member.id,
  });
  const msLeft = (iso: string): number => Date.parse(iso) - now();

  /** Revokes a refresh token we no longer keep; failures only get logged. */
  const revokeQuietly = (refreshToken: string, why: string): Promise<void> =>
    server.request('signOut', { refreshToken }, { timeoutMs: SIGN_OUT_TIMEOUT_MS }).then(
      (r) => {
        if (!r.ok) log.warn(`Could not revoke a discarded refresh token (${why}): ${r.error.code} ${r.error.message}`);
      },
      (e) => log.warn(`Could not revoke a discarded refresh token (${why}): ${describeError(e)}`),
    );

  /** Wipes the session file; a failure is logged, never thrown (memory is what counts now). */
  const clearStoreQuietly = (why: string): Promise<void> =>
    store.clear().catch((e) => log.error(`Could not wipe the session file (${why}): ${describeError(e)}`));

  /**
   * Stores `session` for the next start. Returns false when it could not be stored; the file is
   * then wiped too, so that the next start never presents an older refresh token (spent by
   * rotation, or another member's) — it just asks to sign in.
   */
  async function persist(session: StoredSession): Promise<boolean> {
    try {
      await store.save(session);
      return true;
    } catch (e) {
      log.error(`The session is kept in memory only (it will not survive a restart): ${describeError(e)}`);
      await clearStoreQuietly('superseded by a session that could not be stored');
      return false;
    }
  }

  /** The held session, reading the file on first use. One made against another server is discarded. */
  async function loadSession(): Promise<StoredSession | null> {
    if (held !== undefined) return held;
    const stored = await store.load();
    if (held !== undefined) return held; // signed in or out while the file was being read
    if (stored && stored.profile.serverUrl !== serverUrl) {
      log.warn('Stored session belongs to another server; treating as signed out', { stored: stored.profile.serverUrl, configured: serverUrl });
      held = null;
      await clearStoreQuietly('made against another server');
      return null;
    }
    held = stored;
    return held;
  }

  async function endSession(reason: 'revoked' | 'expired', message: string): Promise<Result<never>> {
    epoch += 1;
    held = null;
    memoryToken = null;
    await clearStoreQuietly('session ended');
    emit('auth:sessionEnded', { reason });
    return err('session_ended', message, { reason });
  }

  /** After the session changed under a refresh: the new session's token, if any (its memberId tells whose). */
  const currentOrSignedOut = (): Result<AccessToken> =>
    memoryToken && msLeft(memoryToken.expiresAt) > 0 ? ok(memoryToken) : err('session_ended', 'Signed out', { reason: 'signed_out' });

  async function refresh(): Promise<Result<AccessToken>> {
    const startedIn = epoch;
    const session = await loadSession();
    if (epoch !== startedIn) return currentOrSignedOut();
    if (!session) return err('session_ended', 'Not signed in', { reason: 'signed_out' });
    if (msLeft(session.refreshTokenExpiresAt) <= 0) return endSession('expired', 'The session expired; sign in again');

    const answer = await server.request('refresh', { refreshToken: session.refreshToken });
    if (epoch !== startedIn) {
      // Signed out or in as someone else meanwhile: drop this result (and the token it rotated).
      if (answer.ok) void revokeQuietly(answer.value.refreshToken, 'session changed during refresh');
      return currentOrSignedOut();
    }
    if (!answer.ok) {
      const { code, details } = answer.error;
      if (code === 'session_ended' || code === 'unauthorized') {
        const expired = msLeft(session.refreshTokenExpiresAt) <= 0 || details?.reason === 'expired';
        log.info(`Server ended the session (${code})`);
        return endSession(expired ? 'expired' : 'revoked', expired ? 'The session expired; sign in again' : 'The session was revoked; sign in again');
      }
      // Offline, throttled or a server fault: the session stays; the caller retries later.
      return answer;
    }
    // The old refresh token is spent now: memory takes the new one before anything can fail.
    held = toStored(answer.value);
    memoryToken = toAccessToken(answer.value);
    await persist(held);
    return ok(memoryToken);
  }

  return {
    async signIn(args) {
      // Read the file before the round trip, so that afterwards the previous session is known
      // without awaiting (two sign-ins racing each see the other's result, never a stale file).
      await loadSession().catch((e) => log.error(`Could not read the previous session: ${describeError(e)}`));
      const device = options.device;
      const answer = await server.request('signIn', device ? { ...args, device } : args);
      if (!answer.ok) return answer;
      epoch += 1;
      const previous = held ?? null;
      const session = toStored(answer.value);
      const token = toAccessToken(answer.value);
      held = session;
      memoryToken = token;
      const persisted = await persist(session);
      if (previous && previous.refreshToken !== session.refreshToken) void revokeQuietly(previous.refreshToken, 'replaced by a new sign-in');
      if (previous && previous.profile.member.id !== session.profile.member.id) {
        // Other pages still show the previous member: they end their local session. The page
        // signing in is not signed in yet when this arrives, so it ignores it.
        log.info('Another member signed in; the previous session is replaced');
        emit('auth:sessionEnded', { reason: 'replaced' });
      }
      return ok({ profile: session.profile, token, persisted });
    },

    async current() {
      const session = await loadSession();
      if (session && msLeft(session.refreshTokenExpiresAt) <= 0) {
        log.info('Stored session has expired; treating as signed out');
        held = null;
        memoryToken = null;
        await clearStoreQuietly('expired');
        return ok({ profile: null });
      }
      return ok({ profile: session?.profile ?? null });
    },

    async accessToken({ forceRefresh }) {
      if (!forceRefresh && memoryToken && msLeft(memoryToken.expiresAt) > ACCESS_TOKEN_MIN_REMAINING_MS) return ok(memoryToken);
      if (!refreshing) {
        refreshing = refresh().finally(() => {
          refreshing = null;
        });
      }
      const result = await refreshing;
      // Offline but the token we hold is still (briefly) valid: better than an error.
      if (!result.ok && result.error.code === 'unavailable' && !forceRefresh && memoryToken && msLeft(memoryToken.expiresAt) > 0) {
        return ok(memoryToken);
      }
      return result;
    },

    async signOut() {
      epoch += 1;
      const session = await loadSession().catch(() => null);
      // Memory goes at once (it cannot fail): no page gets a token of this session from now on,
      // and no refresh can rotate the refresh token out from under the revocation below.
      held = null;
      memoryToken = null;
      // The server first: the revocation is what really ends the session, and it must not be
      // skipped because of a local problem. Best effort, bounded, when offline.
      if (session) {
        const answer = await server
          .request('signOut', { refreshToken: session.refreshToken }, { timeoutMs: SIGN_OUT_TIMEOUT_MS })
          .catch((e: unknown) => err('unavailable', describeError(e)));
        if (!answer.ok) log.warn(`Server sign-out did not complete (the local session is wiped anyway): ${answer.error.code} ${answer.error.message}`);
      }
      await clearStoreQuietly('signed out');
      // Other windows / browser tabs follow the sign-out.
      emit('auth:sessionEnded', { reason: 'signed_out' });
      return ok({});
    },
  };
}
