import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MusterError, type SignInRequest, type TokenBundle } from '@shared/contract';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  SIGN_IN_MAX_FAILURES,
  SIGN_IN_WINDOW_SECONDS,
} from '@shared/rules/limits';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { findMemberCredentials, findOrgBySlug, getMemberProfile, getOrg, normalizeAccount } from '../org';
import type { Db } from '../storage';
import type { AccessTokenIssuer, VerifyResult } from './access-token';
import { decodePasswordHash, hashPassword, verifyPassword, type KdfParams } from './password';
import * as repo from './repository';

export interface AuthSettings {
  kdf: KdfParams;
  refreshTokenTtlSeconds: number;
  maxFailures: number;
  windowSeconds: number;
}

export const DEFAULT_AUTH_SETTINGS: Omit<AuthSettings, 'kdf'> = {
  refreshTokenTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
  maxFailures: SIGN_IN_MAX_FAILURES,
  windowSeconds: SIGN_IN_WINDOW_SECONDS,
};
export { ACCESS_TOKEN_TTL_SECONDS };

/** Why a session ended, in the words of the bridge's `auth:sessionEnded` event. */
export type SessionEndReason = 'signed_out' | 'revoked' | 'expired';

export interface SignInContext {
  /** The caller's address, for per-address throttling. */
  ip: string;
}

const INVALID_CREDENTIALS = (): MusterError =>
  new MusterError('invalid_credentials', 'Unknown organization, account or wrong password');

const sessionEnded = (reason: SessionEndReason): MusterError =>
  new MusterError('session_ended', 'The session has ended; sign in again', { reason });

/** Refresh tokens are stored hashed: a leaked table cannot be replayed. */
const hashRefreshToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class AuthService {
  private dummyHash: Promise<string> | undefined;
  private readonly sessionEndedListeners = new Set<(sessionId: string) => void>();

  constructor(
    private readonly db: Db,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly settings: AuthSettings,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** Notified when a sign-in is ended (sign-out or theft detection) so live sockets can be closed. */
  onSessionEnded(listener: (sessionId: string) => void): () => void {
    this.sessionEndedListeners.add(listener);
    return () => this.sessionEndedListeners.delete(listener);
  }

  verifyAccessToken(token: unknown): VerifyResult {
    return this.accessTokens.verify(token);
  }

  isSessionActive(sessionId: string): Promise<boolean> {
    return repo.isFamilyActive(this.db, sessionId, this.clock());
  }

  async signIn(req: SignInRequest, ctx: SignInContext): Promise<TokenBundle> {
    const account = normalizeAccount(req.account);
    const keys = [`account:${req.org}:${account}`, `ip:${ctx.ip}`] as const;

    // Throttle before touching the password, for unknown accounts too: no probing, no free guesses.
    const waits = await Promise.all(
      keys.map((k) => repo.secondsUntilAllowed(this.db, k, this.clock(), this.settings.maxFailures, this.settings.windowSeconds)),
    );
    const retryAfterSeconds = Math.max(...waits);
    if (retryAfterSeconds > 0) {
      throw new MusterError('rate_limited', 'Too many failed sign-in attempts; try again later', { retryAfterSeconds });
    }

    const org = await findOrgBySlug(this.db, req.org);
    const credentials = org ? await findMemberCredentials(this.db, org.id, account) : null;
    // Unknown org or account still pays for one hash, so the answer time does not tell them apart.
    const passwordOk = credentials
      ? await this.verifyStored(req.password, credentials.passwordHash, credentials.profile.id)
      : await verifyPassword(req.password, await this.getDummyHash()).then(() => false);

    if (!org || !credentials || !passwordOk) {
      await repo.recordFailure(this.db, keys, this.clock(), this.settings.windowSeconds);
      throw INVALID_CREDENTIALS();
    }

    await repo.clearFailures(this.db, keys[0]);
    const sessionId = randomUUID();
    const refresh = await this.db.transaction((tx) =>
      this.issueRefreshToken(tx, credentials.profile.id, sessionId, req.device ?? null),
    );
    const access = this.accessTokens.issue({ memberId: credentials.profile.id, orgId: org.id, sessionId });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
      member: credentials.profile,
      org,
    };
  }

  /**
   * Rotates the refresh token. A token that was already rotated is being replayed — by a thief or
   * by the owner after a thief — so the whole sign-in is revoked.
   */
  async refresh(refreshToken: string): Promise<TokenBundle> {
    const tokenHash = hashRefreshToken(refreshToken);
    const outcome = await this.db.transaction(async (tx) => {
      const now = this.clock();
      const row = await repo.findRefreshTokenForUpdate(tx, tokenHash);
      if (!row) return { ended: 'revoked' as const };
      if (row.revokedAt) {
        if (row.revokeReason === 'rotated') {
          await repo.revokeFamily(tx, row.familyId, 'reuse_detected', now);
          return { ended: 'revoked' as const, reuseOf: row };
        }
        return { ended: endReasonOf(row.revokeReason) };
      }
      if (row.expiresAt.getTime() <= now) {
        await repo.revokeToken(tx, row.id, 'expired', now);
        return { ended: 'expired' as const };
      }
      const next = await this.issueRefreshToken(tx, row.memberId, row.familyId, {
        name: row.deviceName,
        platform: row.devicePlatform,
      });
      await repo.markRotated(tx, row.id, next.id, now);
      return { ended: null, row, next };
    });

    if (outcome.ended !== null) {
      if ('reuseOf' in outcome && outcome.reuseOf) {
        this.logger.warn('refresh token reuse detected; session revoked', {
          memberId: outcome.reuseOf.memberId,
          sessionId: outcome.reuseOf.familyId,
        });
        this.notifySessionEnded(outcome.reuseOf.familyId);
      }
      throw sessionEnded(outcome.ended);
    }

    const member = await getMemberProfile(this.db, outcome.row.memberId);
    const org = member ? await getOrg(this.db, member.orgId) : null;
    if (!member || !org) throw sessionEnded('revoked'); // member deleted since
    const access = this.accessTokens.issue({ memberId: member.id, orgId: org.id, sessionId: outcome.row.familyId });
    return {
      accessToken: access.token,
      accessTokenExpiresAt: access.expiresAt.toISOString(),
      refreshToken: outcome.next.token,
      refreshTokenExpiresAt: outcome.next.expiresAt.toISOString(),
      member,
      org,
    };
  }

  /** Ends the sign-in the token belongs to. Unknown or already-ended tokens are fine: the goal is met. */
  async signOut(refreshToken: string): Promise<void> {
    const familyId = await this.db.transaction(async (tx) => {
      const row = await repo.findRefreshTokenForUpdate(tx, hashRefreshToken(refreshToken));
      if (!row) return null;
      await repo.revokeFamily(tx, row.familyId, 'signed_out', this.clock());
      return row.familyId;
    });
    if (familyId) this.notifySessionEnded(familyId);
  }

  private async issueRefreshToken(
    tx: Db,
    memberId: string,
    familyId: string,
    device: { name: string | null; platform: string | null } | null,
  ): Promise<{ id: string; token: string; expiresAt: Date }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock();
    const expiresAtMs = now + this.settings.refreshTokenTtlSeconds * 1000;
    const id = await repo.insertRefreshToken(tx, {
      memberId,
      familyId,
      tokenHash: hashRefreshToken(token),
      expiresAtMs,
      nowMs: now,
      deviceName: device?.name || null,
      devicePlatform: device?.platform || null,
    });
    return { id, token, expiresAt: new Date(expiresAtMs) };
  }

  private async verifyStored(password: string, stored: string, memberId: string): Promise<boolean> {
    if (!decodePasswordHash(stored)) {
      this.logger.error('stored password hash is malformed', { memberId });
      await verifyPassword(password, await this.getDummyHash()); // keep the timing uniform
      return false;
    }
    return verifyPassword(password, stored);
  }

  private getDummyHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex'), this.settings.kdf);
    return this.dummyHash;
  }

  private notifySessionEnded(sessionId: string): void {
    for (const listener of this.sessionEndedListeners) {
      try {
        listener(sessionId);
      } catch (e) {
        this.logger.error('session-ended listener failed', { error: String(e) });
      }
    }
  }
}

const endReasonOf = (reason: repo.RevokeReason | null): SessionEndReason =>
  reason === 'signed_out' ? 'signed_out' : reason === 'expired' ? 'expired' : 'revoked';
