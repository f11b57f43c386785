import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { Id } from '@shared/contract';
import type { Clock } from '../clock';

/**
 * Short-lived access tokens: `mat1.<payload b64url>.<HMAC-SHA256 b64url>`. Stateless to verify
 * (one HMAC), so every node can check them with the shared key from `server_secrets`.
 * `sid` is the sign-in's refresh-token family, so the socket handshake can refuse a token whose
 * session was signed out.
 */
const PREFIX = 'mat1';
const MAX_TOKEN_CHARS = 1024;

export const AccessClaims = z.strictObject({
  sub: Id, // member id
  org: Id,
  sid: Id, // session = refresh-token family
  exp: z.number().int().positive(), // seconds since the epoch
  jti: Id,
});
export type AccessClaims = z.infer<typeof AccessClaims>;

export type VerifyResult = { ok: true; claims: AccessClaims } | { ok: false; reason: 'invalid' | 'expired' };

export interface AccessTokenIssuer {
  issue(subject: { memberId: string; orgId: string; sessionId: string }): { token: string; expiresAt: Date; claims: AccessClaims };
  verify(token: unknown): VerifyResult;
}

export const createAccessTokens = (opts: { key: Buffer; ttlSeconds: number; clock: Clock }): AccessTokenIssuer => {
  if (opts.key.length < 32) throw new RangeError('the access-token key must be at least 32 bytes');
  const sign = (signingInput: string): Buffer => createHmac('sha256', opts.key).update(signingInput).digest();

  return {
    issue({ memberId, orgId, sessionId }) {
      const exp = Math.floor(opts.clock() / 1000) + opts.ttlSeconds;
      const claims: AccessClaims = { sub: memberId, org: orgId, sid: sessionId, exp, jti: randomUUID() };
      const signingInput = `${PREFIX}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
      return { token: `${signingInput}.${sign(signingInput).toString('base64url')}`, expiresAt: new Date(exp * 1000), claims };
    },

    verify(token) {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'invalid' };
      const parts = token.split('.');
      if (parts.length !== 3 || parts[0] !== PREFIX) return { ok: false, reason: 'invalid' };
      const [, payload, signature] = parts as [string, string, string];
      // Compared as text against the canonical encoding: base64url decoding ignores the unused low
      // bits of the last character, so several spellings decode to one signature — accept only ours.
      const given = Buffer.from(signature, 'utf8');
      const expected = Buffer.from(sign(`${PREFIX}.${payload}`).toString('base64url'), 'utf8');
      // Signature first: nothing from an unsigned payload is trusted, not even its expiry.
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'invalid' };
      let json: unknown;
      try {
        json = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      } catch {
        return { ok: false, reason: 'invalid' };
      }
      const parsed = AccessClaims.safeParse(json);
      if (!parsed.success) return { ok: false, reason: 'invalid' };
      if (parsed.data.exp * 1000 <= opts.clock()) return { ok: false, reason: 'expired' };
      return { ok: true, claims: parsed.data };
    },
  };
};
