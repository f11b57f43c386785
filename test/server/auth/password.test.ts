import { describe, expect, it } from 'vitest';
import {
  DEFAULT_KDF,
  TEST_ONLY_WEAK_KDF,
  decodePasswordHash,
  hashPassword,
  needsRehash,
  verifyPassword,
} from '../../../src/server/auth';

describe('password hashing (scrypt)', () => {
  it('uses memory-hard defaults and records them in a self-describing format', async () => {
    expect(DEFAULT_KDF).toMatchObject({ N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 });
    const encoded = await hashPassword('correct horse battery staple');
    const parts = encoded.split('$');
    expect(parts.slice(0, 4)).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(parts[4]!, 'base64')).toHaveLength(16);
    expect(Buffer.from(parts[5]!, 'base64')).toHaveLength(32);
    expect(await verifyPassword('correct horse battery staple', encoded)).toBe(true);
    expect(await verifyPassword('correct horse battery stapl', encoded)).toBe(false);
    expect(needsRehash(encoded)).toBe(false);
  });

  it('salts every hash, and the cheap test cost still verifies (the format records it)', async () => {
    const a = await hashPassword('muster-demo', TEST_ONLY_WEAK_KDF);
    const b = await hashPassword('muster-demo', TEST_ONLY_WEAK_KDF);
    expect(a).not.toBe(b);
    expect(a.startsWith(`scrypt$${2 ** 10}$8$1$`)).toBe(true);
    expect(await verifyPassword('muster-demo', a)).toBe(true);
    expect(await verifyPassword('muster-demo', b)).toBe(true);
    expect(await verifyPassword('Muster-demo', a)).toBe(false);
    expect(needsRehash(a, DEFAULT_KDF)).toBe(true);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const h = await hashPassword('caf\u00e9-密码', TEST_ONLY_WEAK_KDF);
    expect(await verifyPassword('cafe\u0301-密码', h)).toBe(true);
  });

  it('rejects malformed or abusive stored hashes without throwing', async () => {
    const good = await hashPassword('pw', TEST_ONLY_WEAK_KDF);
    const [, , r, p, salt, key] = good.split('$');
    const variants = [
      '',
      'plain-text-password',
      'bcrypt$10$abc',
      good.replace('scrypt', 'SCRYPT'),
      `scrypt$1000$${r}$${p}$${salt}$${key}`, // N not a power of two
      `scrypt$${2 ** 30}$${r}$${p}$${salt}$${key}`, // would allocate gigabytes
      `scrypt$1024$${r}$${p}$${salt}$!!!`,
      `scrypt$1024$${r}$${p}$${salt}`,
      `${good}$extra`,
    ];
    for (const v of variants) {
      expect(decodePasswordHash(v)).toBeNull();
      expect(await verifyPassword('pw', v)).toBe(false);
    }
  });

  it('refuses to hash with unsupported parameters', async () => {
    await expect(hashPassword('pw', { ...DEFAULT_KDF, N: 3000 })).rejects.toThrow(RangeError);
    await expect(hashPassword('pw', { ...DEFAULT_KDF, saltLength: 2 })).rejects.toThrow(RangeError);
  });
});
