import { useSyncExternalStore } from 'react';
import { createStore, useStore } from 'zustand';
import type { ConnectionState } from '../sync';

interface ConnectionStore {
  state: ConnectionState;
  /** The server's group list arrived at least once this session. */
  groupsSynced: boolean;
  set(state: ConnectionState): void;
  setGroupsSynced(synced: boolean): void;
}

export const connectionStore = createStore<ConnectionStore>((set) => ({
  state: 'connecting',
  groupsSynced: false,
  set: (state) => set({ state }),
  setGroupsSynced: (groupsSynced) => set({ groupsSynced }),
}));

export const useConnectionState = () => useStore(connectionStore, (s) => s.state);
export const useGroupsSynced = () => useStore(connectionStore, (s) => s.groupsSynced);

/**
 * Why we are offline, as far as the page can tell: `network` when the device itself has no
 * network (navigator.onLine false — reliable in that direction only), `server` when the device
 * is on a network but the server does not answer (stopped, restarting, unreachable). Telling a
 * user "network disconnected" while only the server is down sends them to fix the wrong thing.
 */
export type OfflineReason = 'network' | 'server';

export function offlineReason(state: ConnectionState, deviceOnline: boolean): OfflineReason | null {
  if (state !== 'offline') return null;
  return deviceOnline ? 'server' : 'network';
}

const subscribeDeviceOnline = (onChange: () => void): (() => void) => {
  window.addEventListener('online', onChange);
  window.addEventListener('offline', onChange);
  return () => {
    window.removeEventListener('online', onChange);
    window.removeEventListener('offline', onChange);
  };
};

/** navigator.onLine, kept current by the window's online/offline events. */
export const useDeviceOnline = () =>
  useSyncExternalStore(
    subscribeDeviceOnline,
    () => navigator.onLine,
    () => true,
  );
