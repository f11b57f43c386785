import { InviteKey, type InviteKey as InviteKeyT } from '@shared/contract';
import { decodeInviteToken, inviteVerifyKeys, verifyInviteToken } from '@shared/rules/invite-token';
import { z } from 'zod';
import { storageKeys, type KeyValueStorage } from '../../lib/storage';

/**
 * The organization's invite public keys, cached so a code scanned while offline can still be
 * checked (signature, organization, expiry). Public keys are not secrets; the server decides
 * anyway once it can be asked.
 */
const Cached = z.object({ orgId: z.string(), keys: z.array(InviteKey) });

export function saveInviteKeys(storage: KeyValueStorage, orgId: string, keys: InviteKeyT[]): void {
  storage.setItem(storageKeys.inviteKeys, JSON.stringify({ orgId, keys }));
}

export function loadInviteKeys(storage: KeyValueStorage, orgId: string): InviteKeyT[] | null {
  const raw = storage.getItem(storageKeys.inviteKeys);
  if (raw === null) return null;
  try {
    const parsed = Cached.safeParse(JSON.parse(raw));
    return parsed.success && parsed.data.orgId === orgId ? parsed.data.keys : null;
  } catch {
    return null;
  }
}

/**
 * What can be said about a token without the server:
 * - `valid`: signed by one of the organization's keys and not expired (until `expiresAt`);
 * - `expired`: genuine, but past its expiry;
 * - `foreign`: not signed by any key of this organization we know — forged, damaged, or another
 *   organization's code (the server tells which);
 * - `unknown`: no keys cached yet: it cannot be checked here.
 */
export type OfflineCheck = { kind: 'valid'; expiresAt: Date } | { kind: 'expired'; expiresAt: Date } | { kind: 'foreign' } | { kind: 'unknown' };

export function checkOffline(token: string, keys: InviteKeyT[] | null, now: Date): OfflineCheck {
  if (!keys || keys.length === 0) return { kind: 'unknown' };
  const r = verifyInviteToken(token, inviteVerifyKeys(keys), now);
  if (r.ok) return { kind: 'valid', expiresAt: r.token.expiresAt };
  // 'expired' is only said after the signature held: the code is genuine, just old.
  const expiresAt = decodeInviteToken(token)?.expiresAt;
  if (r.reason === 'expired' && expiresAt) return { kind: 'expired', expiresAt };
  return { kind: 'foreign' };
}
