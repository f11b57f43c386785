import { ed25519 } from '@noble/curves/ed25519.js';
import { INVITE_KEY_GRACE_DAYS } from './limits';

/**
 * The compact invite token (issue 6), shared by the client, the kiosk and the server. Binary,
 * written as base64url without padding:
 *
 *   version u8 (=1) | kind u8 (1 qr, 2 link, 3 live) | keyId u32 | tag 8 bytes | expiresAt u32 (unix s) | signature 64
 *
 * 82 bytes, 110 characters: small enough for a QR code a phone reads from a screen across a desk.
 * The Ed25519 signature covers the ASCII prefix `muster-invite-v1` followed by the 18 bytes before
 * it, so a token cannot be re-read as anything else signed with the same key. Anyone holding the
 * organization's public keys (`invites:keys`) can check signature and expiry offline; the server
 * still decides (revocation, uses, bans) — the tag names the invite row.
 *
 * Pure: no Node, no DOM. Integers are big-endian.
 */

export type InviteTokenKind = 'qr' | 'link' | 'live';

export const INVITE_TOKEN_VERSION = 1;
export const INVITE_TOKEN_SIGNED_BYTES = 18;
export const INVITE_TOKEN_SIGNATURE_BYTES = 64;
export const INVITE_TOKEN_BYTES = INVITE_TOKEN_SIGNED_BYTES + INVITE_TOKEN_SIGNATURE_BYTES; // 82
export const INVITE_TOKEN_CHARS = 110; // ceil(82 * 4 / 3), no padding
export const INVITE_TAG_BYTES = 8;
export const INVITE_PUBLIC_KEY_BYTES = 32;
/** Largest key id and expiry a u32 holds. */
export const U32_MAX = 0xffff_ffff;

const SIGNING_PREFIX = 'muster-invite-v1';
const KIND_CODE: Record<InviteTokenKind, number> = { qr: 1, link: 2, live: 3 };
const KIND_OF_CODE: Record<number, InviteTokenKind> = { 1: 'qr', 2: 'link', 3: 'live' };

export interface InviteTokenFields {
  kind: InviteTokenKind;
  keyId: number;
  /** 8 random bytes naming the invite on the server. */
  tag: Uint8Array;
  /** Whole seconds (the token stores unix seconds). */
  expiresAt: Date;
}

/** What decoding proves: the token is well formed. Nothing about who signed it. */
export interface DecodedInviteToken extends InviteTokenFields {
  /** The 18 signed bytes and the signature, for verification. */
  signed: Uint8Array;
  signature: Uint8Array;
}

/** A public key as verification needs it. `validUntil`: a retired key verifies until then (null/absent: no end). */
export interface InviteVerifyKey {
  keyId: number;
  publicKey: Uint8Array;
  validUntil?: Date | null;
}

export type InviteTokenCheck =
  | { ok: true; token: InviteTokenFields }
  | { ok: false; reason: 'invalid' | 'expired' | 'unknown_key' };

// ------------------------------------------------------------------ base64url (strict)

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const VALUE = new Map([...ALPHABET].map((c, i) => [c, i]));

export const encodeBase64url = (bytes: Uint8Array): string => {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    if (i + 1 < bytes.length) out += ALPHABET[(n >> 6) & 63]!;
    if (i + 2 < bytes.length) out += ALPHABET[n & 63]!;
  }
  return out;
};

/**
 * Strict base64url without padding: only the 64 characters, no '=', no whitespace, a length that a
 * whole number of bytes gives, and zero bits where the last character has spare ones — so every
 * byte string has exactly one text (a token cannot be varied without changing its bytes).
 * Returns null for anything else.
 */
export const decodeBase64url = (text: string): Uint8Array | null => {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < text.length; i++) {
    const v = VALUE.get(text[i]!);
    if (v === undefined) return null;
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >> bits) & 0xff;
    }
  }
  // Leftover bits must be zero (canonical form).
  if (bits > 0 && (acc & ((1 << bits) - 1)) !== 0) return null;
  return out;
};

// ------------------------------------------------------------------ layout

const writeU32 = (b: Uint8Array, at: number, v: number): void => {
  b[at] = (v >>> 24) & 0xff;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
};
const readU32 = (b: Uint8Array, at: number): number => ((b[at]! << 24) >>> 0) + (b[at + 1]! << 16) + (b[at + 2]! << 8) + b[at + 3]!;

const isU32 = (n: number): boolean => Number.isInteger(n) && n >= 0 && n <= U32_MAX;

/** The 18 bytes before the signature. Throws on fields a token cannot carry (a programming error). */
export const inviteTokenBody = (f: InviteTokenFields): Uint8Array => {
  const seconds = f.expiresAt.getTime() / 1000;
  if (!(f.kind in KIND_CODE)) throw new RangeError(`unknown invite kind ${String(f.kind)}`);
  if (!isU32(f.keyId)) throw new RangeError(`invite key id must be a u32, got ${f.keyId}`);
  if (!isU32(seconds)) throw new RangeError('invite expiry must be whole unix seconds within a u32');
  if (f.tag.length !== INVITE_TAG_BYTES) throw new RangeError(`invite tag must be ${INVITE_TAG_BYTES} bytes`);
  const b = new Uint8Array(INVITE_TOKEN_SIGNED_BYTES);
  b[0] = INVITE_TOKEN_VERSION;
  b[1] = KIND_CODE[f.kind];
  writeU32(b, 2, f.keyId);
  b.set(f.tag, 6);
  writeU32(b, 14, seconds);
  return b;
};

/** What the signature covers: the ASCII prefix, then the 18 token bytes. */
export const inviteSigningMessage = (signed: Uint8Array): Uint8Array => {
  const m = new Uint8Array(SIGNING_PREFIX.length + signed.length);
  for (let i = 0; i < SIGNING_PREFIX.length; i++) m[i] = SIGNING_PREFIX.charCodeAt(i);
  m.set(signed, SIGNING_PREFIX.length);
  return m;
};

/** Signs a token (server side: the secret key is the 32-byte Ed25519 seed). */
export const signInviteToken = (f: InviteTokenFields, secretKey: Uint8Array): string => {
  const body = inviteTokenBody(f);
  const signature = ed25519.sign(inviteSigningMessage(body), secretKey);
  const all = new Uint8Array(INVITE_TOKEN_BYTES);
  all.set(body, 0);
  all.set(signature, INVITE_TOKEN_SIGNED_BYTES);
  return encodeBase64url(all);
};

/** A new Ed25519 key pair (server side; the randomness is the platform's CSPRNG through noble). */
export const newInviteKeyPair = (): { secretKey: Uint8Array; publicKey: Uint8Array } => {
  const { secretKey, publicKey } = ed25519.keygen();
  return { secretKey, publicKey };
};

export const publicKeyOf = (secretKey: Uint8Array): Uint8Array => ed25519.getPublicKey(secretKey);

// ------------------------------------------------------------------ reading

/**
 * Reads a token's fields without checking who signed it. Strict: exactly 110 canonical base64url
 * characters (no padding, no whitespace — trim before), version 1, a known kind. Null otherwise.
 */
export const decodeInviteToken = (text: string): DecodedInviteToken | null => {
  if (typeof text !== 'string' || text.length !== INVITE_TOKEN_CHARS) return null;
  const bytes = decodeBase64url(text);
  if (!bytes || bytes.length !== INVITE_TOKEN_BYTES) return null;
  if (bytes[0] !== INVITE_TOKEN_VERSION) return null;
  const kind = KIND_OF_CODE[bytes[1]!];
  if (!kind) return null;
  return {
    kind,
    keyId: readU32(bytes, 2),
    tag: bytes.slice(6, 14),
    expiresAt: new Date(readU32(bytes, 14) * 1000),
    signed: bytes.slice(0, INVITE_TOKEN_SIGNED_BYTES),
    signature: bytes.slice(INVITE_TOKEN_SIGNED_BYTES),
  };
};

/**
 * Checks a token offline against an organization's public keys: well formed (else 'invalid'), a
 * key with its keyId (else 'unknown_key'), a valid signature — canonical encodings only, no
 * ZIP-215 leniency (else 'invalid') —, not expired at `now` (expired from `expiresAt` on: else
 * 'expired'), and a key still within its validity (a retired key past its grace: 'invalid').
 * A good token passing here may still be refused by the server (revoked, used up, banned).
 */
export const verifyInviteToken = (text: string, keys: readonly InviteVerifyKey[], now: Date): InviteTokenCheck => {
  const t = decodeInviteToken(text);
  if (!t) return { ok: false, reason: 'invalid' };
  const key = keys.find((k) => k.keyId === t.keyId);
  if (!key) return { ok: false, reason: 'unknown_key' };
  if (key.publicKey.length !== INVITE_PUBLIC_KEY_BYTES) return { ok: false, reason: 'invalid' };
  let good = false;
  try {
    good = ed25519.verify(t.signature, inviteSigningMessage(t.signed), key.publicKey, { zip215: false });
  } catch {
    good = false; // a malformed point or signature encoding
  }
  if (!good) return { ok: false, reason: 'invalid' };
  // Expired first: a real token that ran out says so, whatever became of its key since.
  if (now.getTime() >= t.expiresAt.getTime()) return { ok: false, reason: 'expired' };
  if (key.validUntil && now.getTime() >= key.validUntil.getTime()) return { ok: false, reason: 'invalid' };
  return { ok: true, token: { kind: t.kind, keyId: t.keyId, tag: t.tag, expiresAt: t.expiresAt } };
};

/**
 * The wire's keys (`invites:keys`) as verification needs them: the public key decoded, and a
 * retired key valid for INVITE_KEY_GRACE_DAYS after `retiredAt`. Keys whose text is not a 32-byte
 * base64url key are left out (they could verify nothing).
 */
export const inviteVerifyKeys = (
  keys: readonly { keyId: number; publicKey: string; retiredAt: string | null }[],
): InviteVerifyKey[] =>
  keys.flatMap((k) => {
    const publicKey = decodeBase64url(k.publicKey);
    if (!publicKey || publicKey.length !== INVITE_PUBLIC_KEY_BYTES) return [];
    const retired = k.retiredAt === null ? null : Date.parse(k.retiredAt);
    const validUntil = retired === null || Number.isNaN(retired) ? null : new Date(retired + INVITE_KEY_GRACE_DAYS * 86_400_000);
    return [{ keyId: k.keyId, publicKey, validUntil }];
  });

/** The tag as the server stores it (16 lowercase hex digits). */
export const inviteTagHex = (tag: Uint8Array): string => [...tag].map((b) => b.toString(16).padStart(2, '0')).join('');
