/** The slice of the Web Storage API the renderer uses; injectable so logic runs in Node tests. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** In-memory storage: the fallback when localStorage is unavailable (privacy mode) and in tests. */
export function memoryStorage(): KeyValueStorage {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/** localStorage when usable; reading it can throw (blocked storage), so fall back quietly. */
export function browserStorage(): KeyValueStorage {
  return usable(() => globalThis.localStorage);
}

/** sessionStorage: per tab, survives a reload, gone when the tab closes. */
export function browserSessionStorage(): KeyValueStorage {
  return usable(() => globalThis.sessionStorage);
}

function usable(get: () => Storage | undefined): KeyValueStorage {
  try {
    const s = get();
    if (s) {
      const probe = '__muster_probe__';
      s.setItem(probe, '1');
      s.removeItem(probe);
      return s;
    }
  } catch {
    /* storage disabled: keep the session working, just without persistence */
  }
  return memoryStorage();
}

/** Keys the renderer persists (a single list so nothing is forgotten on sign-out). */
export const storageKeys = {
  locale: 'muster.locale',
  lastMemberId: 'muster.lastMemberId',
  /** The organization code last signed in with (not a secret: it is printed on the sign-in screen). */
  lastOrg: 'muster.lastOrg',
  /** sessionStorage: the open group, so a reload reopens it. */
  openGroup: 'muster.openGroup',
  /** A join link (token) that arrived before sign-in; it waits through it (features/join/pending.ts). */
  pendingJoin: 'muster.pendingJoin',
  /** The organization's invite public keys, to check a scanned code while offline (not secret). */
  inviteKeys: 'muster.inviteKeys',
  /** The camera last picked on the scan screen (a device preference: kept across sign-outs). */
  scanCamera: 'muster.scanCamera',
  /** Followed by a member id: that member's unsent drafts (JSON, group id → text); see draftsKey. */
  draftsPrefix: 'muster.drafts.',
} as const;

/**
 * Where a member's unsent drafts are kept. Per member, so a draft never shows to the next person
 * signing in at this desk; removed on sign-out and whenever that member's cache is deleted.
 */
export const draftsKey = (memberId: string): string => `${storageKeys.draftsPrefix}${memberId}`;
