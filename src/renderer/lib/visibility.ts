import type { Visibility } from '../sync';

/** Page visibility (a hidden or minimized window does not mark messages read). */
export const documentVisibility = (): Visibility => ({
  isVisible: () => document.visibilityState === 'visible',
  subscribe(listener) {
    document.addEventListener('visibilitychange', listener);
    window.addEventListener('focus', listener);
    return () => {
      document.removeEventListener('visibilitychange', listener);
      window.removeEventListener('focus', listener);
    };
  },
});
