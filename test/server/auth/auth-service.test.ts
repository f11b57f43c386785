import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MusterError, type TokenBundle } from '@shared/contract';
import { SIGN_IN_MAX_FAILURES, SIGN_IN_MAX_FAILURES_PER_ADDRESS, SIGN_IN_WINDOW_SECONDS } from '@shared/rules/limits';
import {
  AuthService,
  createAccessTokens,
  decodePasswordHash,
  DEFAULT_AUTH_SETTINGS,
  DEFAULT_KDF,
  hashPassword,
  REFRESH_REUSE_GRACE_SECONDS,
  REFRESH_TOKEN_RETENTION_SECONDS,
  TEST_ONLY_WEAK_KDF,
  verifyPassword,
  type AccessTokenIssuer,
  type KdfParams,
} from '../../../src/server/auth';
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

const sha256 = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A production-like cost: one verification takes tens of milliseconds, so parallel requests overlap. */
const REALISTIC_KDF: KdfParams = { ...DEFAULT_KDF, N: 2 ** 14 };

describe.each(backends)('auth service on $name', (backend) => {
  let database: TestDatabase;
  let db: Db;
  let now = Date.now();
  const clock = () => now;
  let auth: AuthService;
  let tokens: AccessTokenIssuer;
  const ended: string[] = [];
  const sessionOf = (b: TokenBundle): string => {
    const v = auth.verifyAccessToken(b.accessToken);
    if (!v.ok) throw new Error('access token does not verify');
    return v.claims.sid;
  };
  const storedHash = async (account: string): Promise<string> =>
    (await db.query<{ password_hash: string }>('select password_hash from members where account = $1', [account]))[0]!.password_hash;
  const sign = (account: string, password = 'muster-demo', ip = '10.0.0.1', org = 'demo') =>
    auth.signIn({ org, account, password }, { ip });

  beforeAll(async () => {
    database = await backend.create();
    db = await openDatabase(database.storage);
    await migrate(db);
    await seedDemo(db, { kdf: TEST_ONLY_WEAK_KDF, clock: Date.now });
    tokens = createAccessTokens({ key: randomBytes(32), ttlSeconds: 900, clock });
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
    const third = await auth.refresh(second.refreshToken); // the owner carries on
    const sid = sessionOf(first);
    expect(await auth.isSessionActive(sid)).toBe(true);

    const reuse = await failure(auth.refresh(first.refreshToken));
    expect(reuse.code).toBe('session_ended');
    expect(reuse.details).toEqual({ reason: 'revoked' });
    // The legitimate latest token died with its family.
    expect((await failure(auth.refresh(third.refreshToken))).code).toBe('session_ended');
    expect(await auth.isSessionActive(sid)).toBe(false);
    expect(ended).toEqual([sid]);
  });

  it('two refreshes racing with one token: both are answered, one token stays live, the other is spent', async () => {
    const b = await sign('emily.carter');
    const sid = sessionOf(b);
    // The second one finds the token just rotated and its replacement unused: the grace period.
    const results = await Promise.all([auth.refresh(b.refreshToken), auth.refresh(b.refreshToken)]);
    const live = await db.query<{ token_hash: string }>('select token_hash from refresh_tokens where family_id = $1 and revoked_at is null', [sid]);
    expect(live).toHaveLength(1);
    const winner = results.find((r) => sha256(r.refreshToken) === live[0]!.token_hash)!;
    const loser = results.find((r) => r !== winner)!;
    expect(winner).toBeDefined();
    // The superseded one is reuse when it shows up: the whole sign-in ends.
    expect((await failure(auth.refresh(loser.refreshToken))).code).toBe('session_ended');
    expect((await failure(auth.refresh(winner.refreshToken))).code).toBe('session_ended');
    expect(ended).toEqual([sid]);
  });

  describe('rotation grace period (a lost refresh response)', () => {
    it('the rotated token presented again within the grace period, its replacement unused, rotates again', async () => {
      const first = await sign('lina');
      const sid = sessionOf(first);
      const lost = await auth.refresh(first.refreshToken); // committed on the server, never reached the client
      now += (REFRESH_REUSE_GRACE_SECONDS - 5) * 1000;
      const retried = await auth.refresh(first.refreshToken);
      expect(retried.refreshToken).not.toBe(lost.refreshToken);
      expect(sessionOf(retried)).toBe(sid);
      expect(await auth.isSessionActive(sid)).toBe(true);
      expect(ended).toEqual([]);
      // The fresh pair works like any other…
      const next = await auth.refresh(retried.refreshToken);
      expect(next.member.account).toBe('lina');
      // …and once its replacement is used, the old token is reuse again, even inside the window.
      expect((await failure(auth.refresh(first.refreshToken))).details).toEqual({ reason: 'revoked' });
      expect(await auth.isSessionActive(sid)).toBe(false);
      expect(ended).toEqual([sid]);
    });

    it('the unused replacement it superseded is refused, and presenting it is reuse', async () => {
      const first = await sign('zhangwei');
      const sid = sessionOf(first);
      const lost = await auth.refresh(first.refreshToken);
      const retried = await auth.refresh(first.refreshToken);
      expect((await failure(auth.refresh(lost.refreshToken))).code).toBe('session_ended');
      expect((await failure(auth.refresh(retried.refreshToken))).code).toBe('session_ended');
      expect(ended).toEqual([sid]);
    });

    it('after the grace period the rotated token is reuse: the family is revoked', async () => {
      const first = await sign('lina');
      const sid = sessionOf(first);
      const second = await auth.refresh(first.refreshToken);
      now += (REFRESH_REUSE_GRACE_SECONDS + 1) * 1000;
      expect((await failure(auth.refresh(first.refreshToken))).details).toEqual({ reason: 'revoked' });
      expect((await failure(auth.refresh(second.refreshToken))).code).toBe('session_ended');
      expect(ended).toEqual([sid]);
    });

    it('within the grace period but after the replacement was used, the rotated token is reuse', async () => {
      const first = await sign('emily.carter');
      const sid = sessionOf(first);
      const second = await auth.refresh(first.refreshToken);
      const third = await auth.refresh(second.refreshToken); // the replacement was used
      expect((await failure(auth.refresh(first.refreshToken))).code).toBe('session_ended');
      expect((await failure(auth.refresh(third.refreshToken))).code).toBe('session_ended');
      expect(await auth.isSessionActive(sid)).toBe(false);
      expect(ended).toEqual([sid]);
    });
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

    it('locks an address across accounts after the per-address limit, unknown accounts included (no free probing)', async () => {
      for (let i = 0; i < SIGN_IN_MAX_FAILURES_PER_ADDRESS; i++) {
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

    it('one person locking their account does not lock the others behind the same address', async () => {
      const office = '198.51.100.20';
      for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++) expect((await failure(sign('lina', 'typo', office))).code).toBe('invalid_credentials');
      expect((await failure(sign('lina', 'muster-demo', office))).code).toBe('rate_limited');
      await expect(sign('zhangwei', 'muster-demo', office)).resolves.toMatchObject({ member: { account: 'zhangwei' } });
      await expect(sign('emily.carter', 'muster-demo', office)).resolves.toMatchObject({ member: { account: 'emily.carter' } });
    });

    describe('parallel attempts at a production-like cost', () => {
      let slow: AuthService;
      let linaHash: string;
      beforeAll(async () => {
        slow = new AuthService(db, tokens, { ...DEFAULT_AUTH_SETTINGS, kdf: REALISTIC_KDF }, clock, silentLogger);
        linaHash = await storedHash('lina');
        await db.query(`update members set password_hash = $1 where account = 'lina'`, [await hashPassword('muster-demo', REALISTIC_KDF)]);
      });
      afterAll(async () => {
        await db.query(`update members set password_hash = $1 where account = 'lina'`, [linaHash]);
      });
      const outcomes = async (attempts: Promise<unknown>[]): Promise<Record<string, number>> => {
        const codes = await Promise.all(attempts.map((p) => failure(p).then((e) => e.code)));
        return codes.reduce<Record<string, number>>((n, c) => ({ ...n, [c]: (n[c] ?? 0) + 1 }), {});
      };

      it('N parallel wrong passwords for one account: at most the allowed failures are verified', async () => {
        const n = 40;
        const started = Date.now();
        const codes = await outcomes(
          Array.from({ length: n }, (_, i) => slow.signIn({ org: 'demo', account: 'lina', password: `guess-${i}` }, { ip: `10.9.${i}.1` })),
        );
        expect(codes).toEqual({ invalid_credentials: SIGN_IN_MAX_FAILURES, rate_limited: n - SIGN_IN_MAX_FAILURES });
        expect(Date.now() - started).toBeGreaterThan(20); // the cost was real: the race window existed
        // The right password is refused too now: the account is locked.
        expect((await failure(slow.signIn({ org: 'demo', account: 'lina', password: 'muster-demo' }, { ip: '10.9.99.1' }))).code).toBe('rate_limited');
      });

      it('N parallel guesses from one address over many accounts: at most the per-address limit is verified', async () => {
        const n = SIGN_IN_MAX_FAILURES_PER_ADDRESS + 30;
        const codes = await outcomes(
          Array.from({ length: n }, (_, i) => slow.signIn({ org: 'demo', account: `probe${i}`, password: 'x' }, { ip: '203.0.113.99' })),
        );
        expect(codes).toEqual({ invalid_credentials: SIGN_IN_MAX_FAILURES_PER_ADDRESS, rate_limited: n - SIGN_IN_MAX_FAILURES_PER_ADDRESS });
      });

      it('parallel right passwords all succeed and leave no failures behind', async () => {
        const results = await Promise.all(
          Array.from({ length: SIGN_IN_MAX_FAILURES - 1 }, (_, i) =>
            slow.signIn({ org: 'demo', account: 'lina', password: 'muster-demo' }, { ip: `10.8.${i}.1` }),
          ),
        );
        expect(results.every((r) => r.member.account === 'lina')).toBe(true);
        expect(await db.query('select key from sign_in_failures')).toEqual([]);
      });
    });

    it('unknown accounts accumulate failures like real ones', async () => {
      for (let i = 0; i < SIGN_IN_MAX_FAILURES; i++) await failure(sign('nobody', 'x', `10.2.0.${i}`));
      expect((await failure(sign('nobody', 'x', '10.2.1.1'))).code).toBe('rate_limited');
    });
  });

  describe('password hash upgrade', () => {
    it('a member with a weak-cost hash gets a default-cost hash at a successful sign-in', async () => {
      const before = await storedHash('zhangwei');
      expect(decodePasswordHash(before)?.kdf.N).toBe(TEST_ONLY_WEAK_KDF.N);
      const production = new AuthService(db, tokens, { ...DEFAULT_AUTH_SETTINGS, kdf: DEFAULT_KDF }, clock, silentLogger);
      try {
        // A wrong password proves nothing and changes nothing.
        await failure(production.signIn({ org: 'demo', account: 'zhangwei', password: 'wrong' }, { ip: '10.3.0.1' }));
        expect(await storedHash('zhangwei')).toBe(before);

        await production.signIn({ org: 'demo', account: 'zhangwei', password: 'muster-demo' }, { ip: '10.3.0.1' });
        const after = await storedHash('zhangwei');
        expect(after).not.toBe(before);
        expect(decodePasswordHash(after)?.kdf).toMatchObject({ N: DEFAULT_KDF.N, r: DEFAULT_KDF.r, p: DEFAULT_KDF.p });
        expect(await verifyPassword('muster-demo', after)).toBe(true);

        // A server with a cheaper cost (this suite's) signs in with it but never weakens it again.
        await sign('zhangwei');
        expect(await storedHash('zhangwei')).toBe(after);
      } finally {
        await db.query(`update members set password_hash = $1 where account = 'zhangwei'`, [before]);
      }
    });
  });

  describe('purge', () => {
    it('deletes refresh tokens long past expiry and failures outside the window, nothing else', async () => {
      const memberId = (await db.query<{ id: string }>(`select id from members where account = 'admin'`))[0]!.id;
      const day = 24 * 60 * 60 * 1000;
      const retention = REFRESH_TOKEN_RETENTION_SECONDS * 1000;
      const rows: [name: string, expiresAt: number, revoked: boolean][] = [
        ['long-dead rotated', now - retention - day, true],
        ['long-dead unused', now - retention - 1000, false],
        ['recently expired', now - day, true],
        ['revoked, not yet expired', now + day, true],
        ['live', now + 30 * day, false],
      ];
      for (const [name, expiresAt, revoked] of rows) {
        await db.query(
          `insert into refresh_tokens (member_id, family_id, token_hash, expires_at, revoked_at, revoke_reason)
           values ($1, gen_random_uuid(), $2, $3::timestamptz, $4::timestamptz, $5)`,
          [memberId, sha256(name), new Date(expiresAt).toISOString(), revoked ? new Date(expiresAt - 31 * day).toISOString() : null, revoked ? 'rotated' : null],
        );
      }
      // The long-dead token was replaced by the recent one: the reference must not block the purge.
      await db.query(`update refresh_tokens set replaced_by = (select id from refresh_tokens where token_hash = $2) where token_hash = $1`, [
        sha256('long-dead rotated'),
        sha256('recently expired'),
      ]);
      const window = SIGN_IN_WINDOW_SECONDS * 1000;
      await db.query(`insert into sign_in_failures (key, failed_at) values ('purge:old', $1::timestamptz), ('purge:recent', $2::timestamptz)`, [
        new Date(now - window - 1000).toISOString(),
        new Date(now - window + 60_000).toISOString(),
      ]);

      expect(await auth.purgeStale()).toEqual({ refreshTokens: 2, signInFailures: 1 });
      const left = await db.query<{ token_hash: string }>('select token_hash from refresh_tokens where member_id = $1', [memberId]);
      const names = rows.map(([name]) => name).filter((name) => left.some((r) => r.token_hash === sha256(name)));
      expect(names).toEqual(['recently expired', 'revoked, not yet expired', 'live']);
      expect(await db.query(`select key from sign_in_failures`)).toEqual([{ key: 'purge:recent' }]);
      expect(await auth.purgeStale()).toEqual({ refreshTokens: 0, signInFailures: 0 });
    });
  });
});
