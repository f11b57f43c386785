import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createAccessTokens } from '../../../src/server/auth';

const subject = { memberId: randomUUID(), orgId: randomUUID(), sessionId: randomUUID() };

describe('access tokens', () => {
  const key = randomBytes(32);
  let now = Date.UTC(2025, 0, 1, 8, 0, 0);
  const tokens = createAccessTokens({ key, ttlSeconds: 900, clock: () => now });

  it('round-trips claims and expires after the TTL', () => {
    now = Date.UTC(2025, 0, 1, 8, 0, 0);
    const issued = tokens.issue(subject);
    expect(issued.expiresAt.getTime()).toBe(now + 900_000);
    const ok = tokens.verify(issued.token);
    expect(ok).toEqual({ ok: true, claims: expect.objectContaining({ sub: subject.memberId, org: subject.orgId, sid: subject.sessionId }) });

    now += 899_000;
    expect(tokens.verify(issued.token).ok).toBe(true);
    now += 1_000;
    expect(tokens.verify(issued.token)).toEqual({ ok: false, reason: 'expired' });
  });

  it('rejects tampering, foreign keys and malformed tokens as invalid (not expired)', () => {
    now = Date.UTC(2025, 0, 1, 8, 0, 0);
    const { token } = tokens.issue(subject);
    const [prefix, payload, sig] = token.split('.') as [string, string, string];

    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url');
    const flippedSig = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    const other = createAccessTokens({ key: randomBytes(32), ttlSeconds: 900, clock: () => now }).issue(subject).token;

    const bad: unknown[] = [
      `${prefix}.${forged}.${sig}`,
      `${prefix}.${payload}.${flippedSig}`,
      `${prefix}.${payload}.`,
      `${prefix}.${payload}`,
      `xyz1.${payload}.${sig}`,
      other,
      '',
      'garbage',
      `${token}.x`,
      'a'.repeat(5000),
      undefined,
      null,
      42,
      { token },
    ];
    for (const b of bad) expect(tokens.verify(b)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts only the canonical spelling of the signature', () => {
    now = Date.UTC(2025, 0, 1, 8, 0, 0);
    const { token } = tokens.issue(subject);
    const [prefix, payload, sig] = token.split('.') as [string, string, string];
    // 32 bytes are 43 base64url characters: the last one carries 4 bits and 2 unused ones, so three
    // other characters decode to exactly the same signature bytes.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet.indexOf(sig.at(-1)!);
    const aliases = [1, 2, 3].map((low) => `${sig.slice(0, -1)}${alphabet[(last & ~3) | ((last + low) & 3)]!}`);
    expect(tokens.verify(token).ok).toBe(true);
    for (const alias of aliases) {
      expect(alias).not.toBe(sig);
      expect(Buffer.from(alias, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true); // same bytes…
      expect(tokens.verify(`${prefix}.${payload}.${alias}`)).toEqual({ ok: false, reason: 'invalid' }); // …other spelling
    }
  });

  it('does not trust an expiry from an unsigned payload', () => {
    now = Date.UTC(2025, 0, 1, 8, 0, 0);
    const { token } = tokens.issue(subject);
    now += 3_600_000; // expired…
    const [prefix, payload] = token.split('.') as [string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, number>;
    const extended = Buffer.from(JSON.stringify({ ...claims, exp: claims['exp']! + 7200 })).toString('base64url');
    // …and extending it by hand breaks the signature: invalid, not a fresh token.
    expect(tokens.verify(`${prefix}.${extended}.${token.split('.')[2]}`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('signs payloads that fail the claim schema as invalid', async () => {
    const { createHmac } = await import('node:crypto');
    const payload = Buffer.from(JSON.stringify({ sub: 'not-a-uuid', exp: 9_999_999_999 })).toString('base64url');
    const sig = createHmac('sha256', key).update(`mat1.${payload}`).digest('base64url');
    expect(tokens.verify(`mat1.${payload}.${sig}`)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('refuses a short key', () => {
    expect(() => createAccessTokens({ key: randomBytes(8), ttlSeconds: 1, clock: () => 0 })).toThrow(RangeError);
  });
});
