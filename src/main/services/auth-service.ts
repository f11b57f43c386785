import {
  err,
  MusterError,
  ok,
  type AccessToken,
  type BridgeEvent,
  type BridgeEventName,
  type BridgeParsedArgs,
  type Profile,
  type Result,
  type TokenBundle,
} from '@shared/contract';
import { describeError, type Logger } from './logger';
import type { ServerClient } from './server-client';
import type { SessionStore, StoredSession } from './session-store';

/**
 * Authentication in the main process. It owns the refresh token (encrypted at rest through the
 * session store) and hands the renderer short-lived access tokens, which are kept in memory only.
 */

/** An access token with less than this left is refreshed before it is handed out. */
export const ACCESS_TOKEN_MIN_REMAINING_MS = 60_000;
/** Sign-out must not hang the UI when the server is unreachable. */
export const SIGN_OUT_TIMEOUT_MS = 3_000;

export type BridgeEmitter = <N extends BridgeEventName>(name: N, payload: BridgeEvent<N>) => void;

export interface AuthService {
  signIn(args: BridgeParsedArgs<'auth:signIn'>): Promise<Result<{ profile: Profile; token: AccessToken }>>;
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

  /** In memory only: never written to disk. */
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
  const toAccessToken = (bundle: TokenBundle): AccessToken => ({ accessToken: bundle.accessToken, expiresAt: bundle.accessTokenExpiresAt });
  const msLeft = (iso: string): number => Date.parse(iso) - now();

  /** Revokes a refresh token we no longer keep; failures only get logged. */
  const revokeQuietly = (refreshToken: string, why: string): Promise<void> =>
    server.request('signOut', { refreshToken }, { timeoutMs: SIGN_OUT_TIMEOUT_MS }).then(
      (r) => {
        if (!r.ok) log.warn(`Could not revoke a discarded refresh token (${why}): ${r.error.code} ${r.error.message}`);
      },
      (e) => log.warn(`Could not revoke a discarded refresh token (${why}): ${describeError(e)}`),
    );

  /** Reads the stored session; one made against another server (config changed) is discarded. */
  async function loadSession(): Promise<StoredSession | null> {
    const session = await store.load();
    if (session && session.profile.serverUrl !== serverUrl) {
      log.warn('Stored session belongs to another server; treating as signed out', { stored: session.profile.serverUrl, configured: serverUrl });
      await store.clear();
      return null;
    }
    return session;
  }

  async function endSession(reason: 'revoked' | 'expired', message: string): Promise<Result<never>> {
    epoch += 1;
    memoryToken = null;
    await store.clear().catch((e) => log.error(`Could not wipe the ended session: ${describeError(e)}`));
    emit('auth:sessionEnded', { reason });
    return err('session_ended', message, { reason });
  }

  async function refresh(): Promise<Result<AccessToken>> {
    const startedIn = epoch;
    const session = await loadSession();
    if (!session) return err('session_ended', 'Not signed in', { reason: 'signed_out' });
    if (msLeft(session.refreshTokenExpiresAt) <= 0) return endSession('expired', 'The session expired; sign in again');

    const answer = await server.request('refresh', { refreshToken: session.refreshToken });
    if (epoch !== startedIn) {
      // Signed out or in as someone else meanwhile: drop this result (and the token it rotated).
      if (answer.ok) void revokeQuietly(answer.value.refreshToken, 'session changed during refresh');
      return memoryToken && msLeft(memoryToken.expiresAt) > 0 ? ok(memoryToken) : err('session_ended', 'Signed out', { reason: 'signed_out' });
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
    memoryToken = toAccessToken(answer.value);
    try {
      await store.save(toStored(answer.value));
    } catch (e) {
      // The old refresh token is spent (rotation); keep working on the in-memory token for now.
      // The next start will find the old token refused and ask to sign in again.
      log.error(`Could not persist the rotated refresh token: ${describeError(e)}`);
    }
    return ok(memoryToken);
  }

  return {
    async signIn(args) {
      const device = options.device;
      const answer = await server.request('signIn', device ? { ...args, device } : args);
      if (!answer.ok) return answer;
      epoch += 1;
      const previous = await loadSession().catch(() => null);
      const stored = toStored(answer.value);
      try {
        await store.save(stored);
      } catch (e) {
        memoryToken = null;
        // We cannot keep the refresh token, so do not leave it alive on the server either.
        void revokeQuietly(answer.value.refreshToken, 'could not be stored');
        if (e instanceof MusterError) return e.toErr();
        throw e;
      }
      if (previous && previous.refreshToken !== stored.refreshToken) void revokeQuietly(previous.refreshToken, 'replaced by a new sign-in');
      memoryToken = toAccessToken(answer.value);
      return ok({ profile: stored.profile, token: memoryToken });
    },

    async current() {
      const session = await loadSession();
      if (session && msLeft(session.refreshTokenExpiresAt) <= 0) {
        log.info('Stored session has expired; treating as signed out');
        await store.clear();
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
      memoryToken = null;
      const session = await store.load().catch(() => null);
      // Wipe first: even if the process dies during the network call, the secret is gone.
      await store.clear();
      if (session) {
        const answer = await server
          .request('signOut', { refreshToken: session.refreshToken }, { timeoutMs: SIGN_OUT_TIMEOUT_MS })
          .catch((e: unknown) => err('unavailable', describeError(e)));
        if (!answer.ok) log.warn(`Server sign-out did not complete (the local session is wiped anyway): ${answer.error.code} ${answer.error.message}`);
      }
      // Other windows / browser tabs follow the sign-out.
      emit('auth:sessionEnded', { reason: 'signed_out' });
      return ok({});
    },
  };
}
