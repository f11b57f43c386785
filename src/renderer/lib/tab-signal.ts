/**
 * Tells the app's other tabs (browser mode) or windows that this one signed in, so a tab still on
 * the sign-in screen follows into the app: the session itself is shared (it lives in the web host /
 * main process), only the pages need telling. Sign-outs already reach every page through the
 * bridge's `auth:sessionEnded`.
 */
export interface TabSignal {
  announceSignIn(memberId: string): void;
  /** Another tab or window of this app signed in (never called for this page's own announcement). */
  onSignInElsewhere(listener: (memberId: string) => void): () => void;
}

const CHANNEL = 'muster.session';
/** The storage-event fallback's key; its value changes on every sign-in so the event always fires. */
const STORAGE_KEY = 'muster.signedInElsewhere';

interface Message {
  type: 'signedIn';
  memberId: string;
}

const isMessage = (v: unknown): v is Message =>
  typeof v === 'object' && v !== null && (v as Message).type === 'signedIn' && typeof (v as Message).memberId === 'string';

/**
 * BroadcastChannel where there is one (every current browser and Electron); otherwise the
 * `storage` event, which localStorage fires in the other tabs of the same origin.
 */
export function browserTabSignal(scope: typeof globalThis = globalThis): TabSignal {
  if (typeof scope.BroadcastChannel === 'function') {
    const channel = new scope.BroadcastChannel(CHANNEL);
    const listeners = new Set<(memberId: string) => void>();
    channel.onmessage = (e: MessageEvent) => {
      if (isMessage(e.data)) for (const l of [...listeners]) l(e.data.memberId);
    };
    return {
      announceSignIn: (memberId) => channel.postMessage({ type: 'signedIn', memberId } satisfies Message),
      onSignInElsewhere(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
  }
  return {
    announceSignIn(memberId) {
      try {
        scope.localStorage.setItem(STORAGE_KEY, JSON.stringify({ type: 'signedIn', memberId, at: Date.now() }));
      } catch {
        /* storage blocked: the other tabs catch up on their next reload */
      }
    },
    onSignInElsewhere(listener) {
      const onStorage = (e: StorageEvent) => {
        if (e.key !== STORAGE_KEY || !e.newValue) return;
        try {
          const data: unknown = JSON.parse(e.newValue);
          if (isMessage(data)) listener(data.memberId);
        } catch {
          /* not ours */
        }
      };
      scope.addEventListener('storage', onStorage);
      return () => scope.removeEventListener('storage', onStorage);
    },
  };
}
