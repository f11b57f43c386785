import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { MusterError, type SignInRequest, type TokenBundle } from '@shared/contract';
import {
  ACCESS_TOKEN_TTL_SECONDS,
  REFRESH_TOKEN_TTL_SECONDS,
  SIGN_IN_MAX_FAILURES,
  SIGN_IN_MAX_FAILURES_PER_ADDRESS,
  SIGN_IN_WINDOW_SECONDS,
} from '@shared/rules/limits';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { findMemberCredentials, findOrgBySlug, getMemberProfile, getOrg, normalizeAccount } from '../org';
import type { Db } from '../storage';
import type { AccessTokenIssuer, VerifyResult } from './access-token';
import { decodePasswordHash, hashPassword, needsRehash, verifyPassword, type KdfParams } from './password';
import * as repo from './repository';

export interface AuthSettings {
  kdf: KdfParams;
  refreshTokenTtlSeconds: number;
  /** Failed sign-ins per account inside the window. */
  maxFailures: number;
  /** Failed sign-ins per client address inside the window (many people may share one address). */
  maxFailuresPerAddress: number;
  windowSeconds: number;
}

export const DEFAULT_AUTH_SETTINGS: Omit<AuthSettings, 'kdf'> = {
  refreshTokenTtlSeconds: REFRESH_TOKEN_TTL_SECONDS,
  maxFailures: SIGN_IN_MAX_FAILURES,
  maxFailuresPerAddress: SIGN_IN_MAX_FAILURES_PER_ADDRESS,
  windowSeconds: SIGN_IN_WINDOW_SECONDS,
};

/**
 * A rotated refresh token presented again this soon, while its replacement is still unused, is a
 * client whose refresh response was lost (the server committed the rotation, the answer never
 * arrived) retrying — not a thief. It is rotated once more instead of ending the sign-in. Short,
 * because within it a stolen token is honoured too; a thief is still caught as soon as either
 * side presents a token that was replaced and whose replacement was used.
 */
export const REFRESH_REUSE_GRACE_SECONDS = 30;

/**
 * Refresh-token rows are kept this long past their expiry before being purged: presenting a spent
 * token (rotated, revoked or expired) keeps being answered — and a rotated one still revokes its
 * family as theft — for a while after it could have been used at all.
 */
export const REFRESH_TOKEN_RETENTION_SECONDS = 7 * 24 * 60 * 60;
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
    const accountKey = `account:${req.org}:${account}`;

    // Throttle before touching the password, for unknown accounts too: no probing, no free guesses.
    // The attempt is claimed atomically first, so parallel guesses cannot all pass one check.
    const claim = await repo.claimAttempt(
      this.db,
      [
        { key: accountKey, maxFailures: this.settings.maxFailures },
        { key: `ip:${ctx.ip}`, maxFailures: this.settings.maxFailuresPerAddress },
      ],
      this.clock(),
      this.settings.windowSeconds,
    );
    if (!claim.claimed) {
      throw new MusterError('rate_limited', 'Too many failed sign-in attempts; try again later', {
        retryAfterSeconds: claim.retryAfterSeconds,
      });
    }

    const org = await findOrgBySlug(this.db, req.org);
    const credentials = org ? await findMemberCredentials(this.db, org.id, account) : null;
    // Unknown org or account still pays for one hash, so the answer time does not tell them apart.
    const passwordOk = credentials
      ? await this.verifyStored(req.password, credentials.passwordHash, credentials.profile.id)
      : await verifyPassword(req.password, await this.getDummyHash()).then(() => false);

    // A failure leaves its claim in place: it now counts against the account and the address.
    if (!org || !credentials || !passwordOk) throw INVALID_CREDENTIALS();

    await repo.releaseClaim(this.db, claim.ids, accountKey);
    await this.upgradeHashIfWeak(req.password, credentials.passwordHash, credentials.profile.id);
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
   * by the owner after a thief — so the whole sign-in is revoked; except within the grace period
   * after its rotation while its replacement is unused (a lost response, see
   * REFRESH_REUSE_GRACE_SECONDS): then the unused replacement is superseded and a fresh one issued.
   */
  async refresh(refreshToken: string): Promise<TokenBundle> {
    const tokenHash = hashRefreshToken(refreshToken);
    const outcome = await this.db.transaction(async (tx) => {
      const now = this.clock();
      const row = await repo.findRefreshTokenForUpdate(tx, tokenHash);
      if (!row) return { ended: 'revoked' as const };
      if (row.revokedAt) {
        if (row.revokeReason === 'rotated') {
          const unused = await this.unusedReplacementInGrace(tx, row, now);
          if (unused) {
            await repo.revokeToken(tx, unused.id, 'superseded', now);
            const next = await this.issueRefreshToken(tx, row.memberId, row.familyId, { name: row.deviceName, platform: row.devicePlatform });
            await repo.setReplacedBy(tx, row.id, next.id);
            return { ended: null, row, next };
          }
        }
        if (row.revokeReason === 'rotated' || row.revokeReason === 'superseded') {
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

  /** Housekeeping: deletes long-dead refresh tokens and sign-in failures outside the window. */
  purgeStale(): Promise<repo.PurgeReport> {
    return repo.purgeStale(this.db, this.clock(), {
      refreshRetentionSeconds: REFRESH_TOKEN_RETENTION_SECONDS,
      windowSeconds: this.settings.windowSeconds,
    });
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

  /**
   * Ends every sign-in of a member (offboarding), inside the caller's transaction. Returns the
   * sessions that were live and `notify`, which closes their sockets through the session-ended
   * listeners: call it only after the transaction committed.
   */
  async revokeAllSessions(tx: Db, memberId: string): Promise<{ sessionIds: string[]; notify: () => void }> {
    const sessionIds = await repo.revokeAllOfMember(tx, memberId, 'offboarded', this.clock());
    return { sessionIds, notify: () => sessionIds.forEach((id) => this.notifySessionEnded(id)) };
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

  /** The replacement of a rotated token, when the token was rotated moments ago and the replacement never used. */
  private async unusedReplacementInGrace(tx: Db, row: repo.RefreshTokenRow, now: number): Promise<repo.RefreshTokenRow | null> {
    if (!row.revokedAt || !row.replacedBy) return null;
    if (now - row.revokedAt.getTime() > REFRESH_REUSE_GRACE_SECONDS * 1000) return null;
    const replacement = await repo.findRefreshTokenByIdForUpdate(tx, row.replacedBy);
    if (!replacement || replacement.revokedAt || replacement.expiresAt.getTime() <= now) return null;
    return replacement;
  }

  /**
   * Stored hashes made with another cost than the server's (an older, weaker default) are replaced
   * at the one moment the password is known. Only if the hash is still the one verified (a password
   * changed meanwhile wins); a failure here must not fail the sign-in.
   */
  private async upgradeHashIfWeak(password: string, stored: string, memberId: string): Promise<void> {
    if (!needsRehash(stored, this.settings.kdf)) return;
    const current = decodePasswordHash(stored)?.kdf;
    const target = this.settings.kdf;
    // Upgrade only: a server run with a cheaper cost (tests, a mistake) must not weaken stored hashes.
    const weaker = !current || current.N < target.N || current.r < target.r || current.p < target.p || current.keyLength < target.keyLength;
    if (!weaker) return;
    try {
      const upgraded = await hashPassword(password, this.settings.kdf);
      await repo.replacePasswordHash(this.db, memberId, stored, upgraded);
    } catch (e) {
      this.logger.error('password hash upgrade failed', { memberId, error: String(e) });
    }
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
