import { describe, expect, it } from 'vitest';
import {
  decodeBase64url,
  decodeInviteToken,
  encodeBase64url,
  INVITE_TOKEN_BYTES,
  INVITE_TOKEN_CHARS,
  inviteSigningMessage,
  inviteTokenBody,
  inviteVerifyKeys,
  newInviteKeyPair,
  signInviteToken,
  verifyInviteToken,
  type InviteTokenFields,
  type InviteVerifyKey,
} from '@shared/rules/invite-token';
import { ed25519 } from '@noble/curves/ed25519.js';
import { INVITE_KEY_GRACE_DAYS } from '@shared/rules/limits';

/**
 * The token format on its own: layout, strict decoding, and 10,000+ hostile tokens (mutated,
 * truncated, extended, re-signed with another key, another organization's, random) of which not
 * one may verify.
 */

/** A small seeded PRNG: the fuzz cases are the same on every run (a failure can be replayed). */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const NOW = new Date('2026-12-04T10:00:00Z');
const orgA = newInviteKeyPair();
const orgA2 = newInviteKeyPair(); // another key of the same org (rotation)
const orgB = newInviteKeyPair();
const keysOfA: InviteVerifyKey[] = [
  { keyId: 7, publicKey: orgA.publicKey },
  { keyId: 8, publicKey: orgA2.publicKey },
];
const fields: InviteTokenFields = {
  kind: 'link',
  keyId: 7,
  tag: new Uint8Array([9, 8, 7, 6, 5, 4, 3, 2]),
  expiresAt: new Date(NOW.getTime() + 7 * 86_400_000),
};
const good = signInviteToken(fields, orgA.secretKey);
const bytesOf = (t: string) => decodeBase64url(t)!;

describe('invite token format', () => {
  it('is 82 bytes, 110 base64url characters, and verifies with its key', () => {
    expect(good).toHaveLength(INVITE_TOKEN_CHARS);
    expect(good).toMatch(/^[A-Za-z0-9_-]{110}$/);
    expect(bytesOf(good)).toHaveLength(INVITE_TOKEN_BYTES);
    const r = verifyInviteToken(good, keysOfA, NOW);
    expect(r).toEqual({ ok: true, token: { kind: 'link', keyId: 7, tag: fields.tag, expiresAt: fields.expiresAt } });
  });

  it('lays the fields out as the format says (big-endian) and signs prefix + 18 bytes', () => {
    const b = bytesOf(good);
    expect([...b.slice(0, 6)]).toEqual([1, 2, 0, 0, 0, 7]);
    expect([...b.slice(6, 14)]).toEqual([...fields.tag]);
    const seconds = fields.expiresAt.getTime() / 1000;
    expect(((b[14]! << 24) >>> 0) + (b[15]! << 16) + (b[16]! << 8) + b[17]!).toBe(seconds);
    const message = inviteSigningMessage(b.slice(0, 18));
    expect(String.fromCharCode(...message.slice(0, 16))).toBe('muster-invite-v1');
    expect(ed25519.verify(b.slice(18), message, orgA.publicKey)).toBe(true);
    for (const [kind, code] of [['qr', 1], ['link', 2], ['live', 3]] as const) {
      expect(inviteTokenBody({ ...fields, kind })[1]).toBe(code);
    }
  });

  it('refuses to build a token it could not carry', () => {
    expect(() => inviteTokenBody({ ...fields, keyId: 2 ** 32 })).toThrow(RangeError);
    expect(() => inviteTokenBody({ ...fields, keyId: -1 })).toThrow(RangeError);
    expect(() => inviteTokenBody({ ...fields, expiresAt: new Date(1500) })).toThrow(RangeError); // not whole seconds
    expect(() => inviteTokenBody({ ...fields, tag: new Uint8Array(7) })).toThrow(RangeError);
  });

  it('decodes strictly: canonical base64url of exactly 110 characters, version 1, a known kind', () => {
    expect(decodeInviteToken(good)?.keyId).toBe(7);
    expect(decodeInviteToken(`${good}=`)).toBeNull();
    expect(decodeInviteToken(` ${good.slice(1)}`)).toBeNull();
    expect(decodeInviteToken(`${good.slice(0, 109)}\n`)).toBeNull();
    expect(decodeInviteToken(good.replace(/-/g, '+').replace(/_/g, '/'))).toBe(good.includes('-') || good.includes('_') ? null : decodeInviteToken(good));
    // The last character carries 2 bits of the last byte and 4 spare bits that must be zero.
    const last = good.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const v = alphabet.indexOf(last);
    expect(decodeInviteToken(good.slice(0, -1) + alphabet[v | 1])).toBe(v & 1 ? decodeInviteToken(good) : null);
    const b = bytesOf(good);
    for (const [at, value] of [[0, 0], [0, 2], [1, 0], [1, 4], [1, 255]] as const) {
      const c = b.slice();
      c[at] = value;
      expect(decodeInviteToken(encodeBase64url(c)), `byte ${at} = ${value}`).toBeNull();
    }
    expect(decodeInviteToken('')).toBeNull();
    expect(decodeInviteToken(undefined as unknown as string)).toBeNull();
  });

  it('base64url round-trips every length and matches Node', () => {
    for (let n = 0; n < 100; n++) {
      const b = Uint8Array.from({ length: n }, (_, i) => (i * 89 + n * 13) & 0xff);
      const text = encodeBase64url(b);
      expect(text).toBe(Buffer.from(b).toString('base64url'));
      expect([...decodeBase64url(text)!]).toEqual([...b]);
    }
    expect(decodeBase64url('A')).toBeNull();
    expect(decodeBase64url('AB')).toBeNull(); // spare bits set
    expect(decodeBase64url('AA==')).toBeNull();
  });

  it('expires at its expiry second: valid the second before, expired at and after', () => {
    const at = fields.expiresAt.getTime();
    expect(verifyInviteToken(good, keysOfA, new Date(at - 1000)).ok).toBe(true);
    expect(verifyInviteToken(good, keysOfA, new Date(at - 1)).ok).toBe(true);
    expect(verifyInviteToken(good, keysOfA, new Date(at))).toEqual({ ok: false, reason: 'expired' });
    expect(verifyInviteToken(good, keysOfA, new Date(at + 1000))).toEqual({ ok: false, reason: 'expired' });
  });

  it('a retired key verifies until its grace ends, then nothing it signed does', () => {
    const retiredAt = new Date(NOW.getTime() - 1000).toISOString();
    const wire = [{ keyId: 7, publicKey: encodeBase64url(orgA.publicKey), retiredAt }];
    const keys = inviteVerifyKeys(wire);
    expect(keys[0]!.validUntil!.getTime()).toBe(Date.parse(retiredAt) + INVITE_KEY_GRACE_DAYS * 86_400_000);
    expect(verifyInviteToken(good, keys, NOW).ok).toBe(true);
    // A token (made up) that would live past the grace: refused once the grace is over.
    const long = signInviteToken({ ...fields, expiresAt: new Date(NOW.getTime() + 90 * 86_400_000) }, orgA.secretKey);
    expect(verifyInviteToken(long, keys, new Date(keys[0]!.validUntil!.getTime() - 1000)).ok).toBe(true);
    expect(verifyInviteToken(long, keys, keys[0]!.validUntil!)).toEqual({ ok: false, reason: 'invalid' });
    // Keys that are not 32-byte base64url are left out.
    expect(inviteVerifyKeys([{ keyId: 1, publicKey: 'not a key', retiredAt: null }, { keyId: 2, publicKey: 'AAAA', retiredAt: null }])).toEqual([]);
  });

  it('unknown key: a token of another organization (or an old key nobody listed)', () => {
    const other = signInviteToken({ ...fields, keyId: 99 }, orgB.secretKey);
    expect(verifyInviteToken(other, keysOfA, NOW)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('refuses a non-canonical signature (S + L) — no ZIP-215 leniency', () => {
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    const b = bytesOf(good);
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(b[18 + i]!);
    let t = s + L;
    const c = b.slice();
    for (let i = 32; i < 64; i++) {
      c[18 + i] = Number(t & 0xffn);
      t >>= 8n;
    }
    expect(verifyInviteToken(encodeBase64url(c), keysOfA, NOW)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('accepts none of 10,000+ hostile tokens', () => {
    const rand = prng(6);
    const int = (n: number) => Math.floor(rand() * n);
    const base = bytesOf(good);
    const hostile: string[] = [];
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

    // Every single bit flipped (656), then 3,000 tokens with 2–6 random bit flips.
    for (let bit = 0; bit < base.length * 8; bit++) {
      const c = base.slice();
      c[bit >> 3]! ^= 1 << (bit & 7);
      hostile.push(encodeBase64url(c));
    }
    for (let i = 0; i < 3000; i++) {
      const c = base.slice();
      const flips = 2 + int(5);
      for (let k = 0; k < flips; k++) c[int(c.length)]! ^= 1 << int(8);
      if (c.every((v, j) => v === base[j])) c[0]! ^= 1;
      hostile.push(encodeBase64url(c));
    }
    // 1,500 byte swaps (of bytes that differ).
    for (let i = 0; i < 1500; i++) {
      const c = base.slice();
      let a = int(c.length);
      let b = int(c.length);
      while (c[a] === c[b]) {
        a = int(c.length);
        b = int(c.length);
      }
      [c[a], c[b]] = [c[b]!, c[a]!];
      hostile.push(encodeBase64url(c));
    }
    // 1,000 character substitutions in the text.
    for (let i = 0; i < 1000; i++) {
      const at = int(good.length);
      let ch = alphabet[int(64)]!;
      while (ch === good[at]) ch = alphabet[int(64)]!;
      hostile.push(good.slice(0, at) + ch + good.slice(at + 1));
    }
    // Truncated to every length; extended by 1–40 characters, padding and whitespace.
    for (let n = 0; n < good.length; n++) hostile.push(good.slice(0, n));
    for (let i = 0; i < 500; i++) hostile.push(good + Array.from({ length: 1 + int(40) }, () => alphabet[int(64)]).join(''));
    hostile.push(`${good}=`, `${good}==`, `${good} `, ` ${good}`, `${good}\n`, `${good}\u0000`, `${good}\u200b`);
    // 1,000 re-signed with another key under the same key id (a forger's key), and 1,000 tokens of
    // another organization (their own key id) with every kind.
    const forgers = Array.from({ length: 20 }, () => newInviteKeyPair());
    for (let i = 0; i < 1000; i++) {
      const forger = forgers[i % forgers.length]!;
      const kind = (['qr', 'link', 'live'] as const)[i % 3]!;
      const tag = Uint8Array.from({ length: 8 }, () => int(256));
      hostile.push(signInviteToken({ ...fields, kind, tag, keyId: i % 2 === 0 ? 7 : 8 }, forger.secretKey));
      hostile.push(signInviteToken({ ...fields, kind, tag, keyId: 1000 + i }, orgB.secretKey));
    }
    // The right key, but a body the signature does not cover: a signature of another token spliced in.
    for (let i = 0; i < 500; i++) {
      const other = bytesOf(signInviteToken({ ...fields, tag: Uint8Array.from({ length: 8 }, () => int(256)) }, orgA.secretKey));
      const c = base.slice();
      c.set(other.slice(18), 18);
      hostile.push(encodeBase64url(c));
    }
    // 1,500 random strings: of the token's exact length in the alphabet, of any length, of any characters.
    for (let i = 0; i < 500; i++) hostile.push(Array.from({ length: INVITE_TOKEN_CHARS }, () => alphabet[int(64)]).join(''));
    for (let i = 0; i < 500; i++) hostile.push(encodeBase64url(Uint8Array.from({ length: int(200) }, () => int(256))));
    for (let i = 0; i < 500; i++) hostile.push(String.fromCharCode(...Array.from({ length: int(300) }, () => int(0x3000))));

    expect(hostile.length).toBeGreaterThanOrEqual(10_000);
    const accepted = hostile.filter((h) => h !== good && verifyInviteToken(h, keysOfA, NOW).ok);
    expect(accepted).toEqual([]);
    // And the original still passes (the harness did not break the keys).
    expect(verifyInviteToken(good, keysOfA, NOW).ok).toBe(true);
    // Pure-JS Ed25519: a few thousand signature checks take tens of seconds on a busy 2-core machine.
  }, 300_000);
});
