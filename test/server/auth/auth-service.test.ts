import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MusterError } from '@shared/contract';
import { SIGN_IN_MAX_FAILURES, SIGN_IN_WINDOW_SECONDS } from '@shared/rules/limits';
import { AuthService, createAccessTokens, DEFAULT_AUTH_SETTINGS, TEST_ONLY_WEAK_KDF } from '../../../src/server/auth';
import { silentLogger } from '../../../src/server/logger';
import { seedDemo } from '../../../src/server/seed';
import { migrate, openDatabase, type Db } from '../../../src/server/storage';
import { backends, type TestDatabase } from '../support/databases';

/** The MusterError a promise rejects with (fails the test if it resolves). */
const failure = async (p: Promise<unknown>): Promise<MusterError> => {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof MusterError)) throw new Error(`expected a MusterError, got ${String(e)}`);
  return e;
};

describe.each(backends)('auth service on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  let now = Date.now();
  const clock = () => now;
  let auth: AuthService;
  const ended: string[] = [];
  const sign = (account: string, password = 'muster-demo', ip = '10.0.0.1', org = 'demo') =>
    auth.signIn({ org, account, password }, { ip });

  beforeAll(async () => {
    database = await backend.create();
    db = await openDatabase(database.storage);
    await migrate(db);
    await seedDemo(db, { kdf: TEST_ONLY_WEAK_KDF, clock: Date.now });
    const tokens = createAccessTokens({ key: randomBytes(32), ttlSeconds: 900, clock });
    auth = new AuthService(db, tokens, { ...DEFAULT_AUTH_SETTINGS, kdf: TEST_ONLY_WEAK_KDF }, clock, silentLogger);
    auth.onSessionEnded((sid) => ended.push(sid));
  });
  afterAll(async () => {
    await db?.close();
    await database?.dispose();
  });
  beforeEach(async () => {
    now = Date.now();
    ended.length = 0;
    await db.query('delete from sign_in_failures');
  });

  it('signs in (account case-insensitive) and returns profile, org and both tokens', async () => {
    const b = await sign('  ZhangWei ');
    expect(b.member).toMatchObject({ account: 'zhangwei', name: '张伟', nameEn: 'Zhang Wei', role: 'dept_head' });
    expect(b.org).toMatchObject({ slug: 'demo', name: '星河科技' });
    expect(new Date(b.accessTokenExpiresAt).getTime()).toBeGreaterThan(now);
    expect(b.refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const v = auth.verifyAccessToken(b.accessToken);
    expect(v.ok && v.claims.sub).toBe(b.member.id);
    // Only a hash of the refresh token is stored.
    const stored = await db.query<{ token_hash: string }>('select token_hash from refresh_tokens');
    expect(stored.some((r) => r.token_hash.includes(b.refreshToken))).toBe(false);
  });

  it('answers unknown org, unknown account and wrong password identically', async () => {
    const errors = await Promise.all([
      failure(sign('zhangwei', 'muster-demo', '10.0.1.1', 'no-such-org')),
      failure(sign('nobody', 'muster-demo', '10.0.1.2')),
      failure(sign('zhangwei', 'wrong-password', '10.0.1.3')),
    ]);
    for (const e of errors) {
      expect(e.code).toBe('invalid_credentials');
      expect(e.message).toBe(errors[0]!.message);
      expect(e.details).toBeUndefined();
    }
  });

  it('rotates the refresh token on every refresh; the new one works, the old one is spent', async () => {
    const first = await sign('lina');
    const second = await auth.refresh(first.refreshToken);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect(second.member.id).toBe(first.member.id);
    const third = await auth.refresh(second.refreshToken);
    expect(third.member.account).toBe('lina');
    const claims = [first, second, third].map((b) => {
      const v = auth.verifyAccessToken(b.accessToken);
      return v.ok ? v.claims.sid : null;
    });
    expect(new Set(claims).size).toBe(1); // one sign-in, one session
  });

  it('reuse of a rotated token revokes the whole family (theft detection)', async () => {
    const first = await sign('lina');
    const second = await auth.refresh(first.refreshToken);
    const sid = (auth.verifyAccessToken(first.accessToken) as { ok: true; claims: { sid: string } }).claims.sid;
    expect(await auth.isSessionActive(sid)).toBe(true);

    const reuse = await failure(auth.refresh(first.refreshToken));
    expect(reuse.code).toBe('session_ended');
    expect(reuse.details).toEqual({ reason: 'revoked' });
    // The legitimate latest token died with its family.
    expect((await failure(auth.refresh(second.refreshToken))).code).toBe('session_ended');
    expect(await auth.isSessionActive(sid)).toBe(false);
    expect(ended).toEqual([sid]);
  });

  it('two refreshes racing with one token: exactly one wins, and the family is revoked', async () => {
    const b = await sign('emily.carter');
    const results = await Promise.allSettled([auth.refresh(b.refreshToken), auth.refresh(b.refreshToken)]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const won = results.find((r) => r.status === 'fulfilled')!;
    expect((await failure(auth.refresh(won.value.refreshToken))).code).toBe('session_ended');
  });

  it('sign-out ends the session; unknown tokens sign out quietly', async () => {
    const b = await sign('zhangwei');
    await auth.signOut(b.refreshToken);
    const e = await failure(auth.refresh(b.refreshToken));
    expect(e).toMatchObject({ code: 'session_ended', details: { reason: 'signed_out' } });
    await expect(auth.signOut(randomBytes(32).toString('base64url'))).resolves.toBeUndefined();
    await expect(auth.signOut(b.refreshToken)).resolves.toBeUndefined();
    expect(ended).toHaveLength(2); // the family was reported on both sign-outs of a known token
  });

  it('an expired refresh token ends the session with reason expired; unknown ones as revoked', async () => {
    const b = await sign('zhangwei');
    now += DEFAULT_AUTH_SETTINGS.refreshTokenTtlSeconds * 1000 + 1000;
    expect(await failure(auth.refresh(b.refreshToken))).toMatchObject({ code: 'session_ended', details: { reason: 'expired' } });
    expect(await failure(auth.refresh(randomBytes(32).toString('base64url')))).toMatchObject({
      code: 'session_ended',
      details: { reason: 'revoked' },
    });
  });

  describe('sign-in throttling', () => {
    it('locks an account after the allowed failures, even with the right password, and tells when to retry', async () => {
      for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++) {
        // Different addresses: only the account counter reaches the limit.
        expect((await failure(sign('lina', 'nope', `10.1.0.${i}`))).code).toBe('invalid_credentials');
      }
      now += 60_000;
      const locked = await failure(sign('lina', 'muster-demo', '10.1.9.9'));
      expect(locked.code).toBe('rate_limited');
      const retry = locked.details?.['retryAfterSeconds'] as number;
      expect(retry).toBeGreaterThan(SIGN_IN_WINDOW_SECONDS - 70);
      expect(retry).toBeLessThanOrEqual(SIGN_IN_WINDOW_SECONDS - 60);
      // Other accounts are unaffected.
      await expect(sign('zhangwei', 'muster-demo', '10.1.9.9')).resolves.toBeTruthy();
      // The window passes: the account may sign in again, and success clears its failures.
      now += SIGN_IN_WINDOW_SECONDS * 1000;
      await expect(sign('LINA', 'muster-demo', '10.1.9.9')).resolves.toBeTruthy();
      expect(await db.query(`select 1 from sign_in_failures where key = 'account:demo:lina'`)).toHaveLength(0);
    });

    it('locks an address across accounts, unknown accounts included (no free probing)', async () => {
      for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++) {
        expect((await failure(sign(`ghost${i}`, 'whatever', '192.0.2.7'))).code).toBe('invalid_credentials');
      }
      const locked = await failure(sign('zhangwei', 'muster-demo', '192.0.2.7'));
      expect(locked.code).toBe('rate_limited');
      expect(locked.details?.['retryAfterSeconds']).toBeGreaterThan(0);
      // An unknown account from a locked address is refused before any credential check too.
      expect((await failure(sign('ghost-new', 'x', '192.0.2.7'))).code).toBe('rate_limited');
      // Another address is fine.
      await expect(sign('zhangwei', 'muster-demo', '192.0.2.8')).resolves.toBeTruthy();
    });

    it('unknown accounts accumulate failures like real ones', async () => {
      for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++) await failure(sign('nobody', 'x', `10.2.0.${i}`));
      expect((await failure(sign('nobody', 'x', '10.2.1.1'))).code).toBe('rate_limited');
    });
  });
});
