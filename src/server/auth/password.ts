import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard). The encoded form records every parameter —
 * `scrypt$<N>$<r>$<p>$<salt b64>$<key b64>` — so the cost can be raised later without breaking
 * stored hashes (see `needsRehash`).
 */
export interface KdfParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
  keyLength: number;
  saltLength: number;
}

/** ≈32 MiB and tens of milliseconds per hash: the production default. */
export const DEFAULT_KDF: KdfParams = Object.freeze({ N: 2 ** 15, r: 8, p: 1, keyLength: 32, saltLength: 16 });

/**
 * Deliberately weak parameters for test suites only, passed explicitly through `startServer({ kdf })`.
 * Hashes made with it still verify, because the encoding records the cost.
 */
export const TEST_ONLY_WEAK_KDF: KdfParams = Object.freeze({ N: 2 ** 10, r: 8, p: 1, keyLength: 32, saltLength: 16 });

// Bounds on what a stored hash may ask for: a tampered row must not make verification allocate gigabytes.
const LIMITS = { minN: 2 ** 10, maxN: 2 ** 20, maxR: 32, maxP: 16, minKey: 16, maxKey: 64, minSalt: 8, maxSalt: 64 };

const scryptAsync = (password: string, salt: Buffer, keyLength: number, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    scrypt(password, salt, keyLength, opts, (e, key) => (e ? reject(e) : resolve(key)));
  });

// scrypt needs 128·N·r bytes; node's default ceiling (32 MiB) is exactly the default cost, so lift it.
const options = (k: Pick<KdfParams, 'N' | 'r' | 'p'>): ScryptOptions => ({
  N: k.N,
  r: k.r,
  p: k.p,
  maxmem: 256 * k.N * k.r + 1024 * 1024,
});

/** Same text, same bytes: NFC so a composed and a decomposed "é" are one password. */
const normalize = (password: string): string => password.normalize('NFC');

export const validateKdf = (k: KdfParams): void => {
  const powerOfTwo = Number.isInteger(Math.log2(k.N));
  if (
    !powerOfTwo ||
    k.N < LIMITS.minN ||
    k.N > LIMITS.maxN ||
    !Number.isInteger(k.r) ||
    k.r < 1 ||
    k.r > LIMITS.maxR ||
    !Number.isInteger(k.p) ||
    k.p < 1 ||
    k.p > LIMITS.maxP ||
    k.keyLength < LIMITS.minKey ||
    k.keyLength > LIMITS.maxKey ||
    k.saltLength < LIMITS.minSalt ||
    k.saltLength > LIMITS.maxSalt
  ) {
    throw new RangeError(`Unsupported scrypt parameters: ${JSON.stringify(k)}`);
  }
};

export const hashPassword = async (password: string, kdf: KdfParams = DEFAULT_KDF): Promise<string> => {
  validateKdf(kdf);
  const salt = randomBytes(kdf.saltLength);
  const key = await scryptAsync(normalize(password), salt, kdf.keyLength, options(kdf));
  return ['scrypt', kdf.N, kdf.r, kdf.p, salt.toString('base64'), key.toString('base64')].join('$');
};

interface Decoded {
  kdf: KdfParams;
  salt: Buffer;
  key: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const decodePasswordHash = (encoded: string): Decoded | null => {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, n, r, p, saltB64, keyB64] = parts as [string, string, string, string, string, string];
  if (![n, r, p].every((x) => /^[1-9][0-9]{0,9}$/.test(x)) || !BASE64.test(saltB64) || !BASE64.test(keyB64)) return null;
  const salt = Buffer.from(saltB64, 'base64');
  const key = Buffer.from(keyB64, 'base64');
  const kdf: KdfParams = { N: Number(n), r: Number(r), p: Number(p), keyLength: key.length, saltLength: salt.length };
  try {
    validateKdf(kdf);
  } catch {
    return null;
  }
  return { kdf, salt, key };
};

/** Constant-time comparison; a malformed stored hash verifies as false (and is worth a log line upstream). */
export const verifyPassword = async (password: string, encoded: string): Promise<boolean> => {
  const decoded = decodePasswordHash(encoded);
  if (!decoded) return false;
  const candidate = await scryptAsync(normalize(password), decoded.salt, decoded.key.length, options(decoded.kdf));
  return candidate.length === decoded.key.length && timingSafeEqual(candidate, decoded.key);
};

/** True when a stored hash was made with other parameters than the current ones. */
export const needsRehash = (encoded: string, kdf: KdfParams = DEFAULT_KDF): boolean => {
  const d = decodePasswordHash(encoded);
  return !d || d.kdf.N !== kdf.N || d.kdf.r !== kdf.r || d.kdf.p !== kdf.p || d.kdf.keyLength !== kdf.keyLength;
};
