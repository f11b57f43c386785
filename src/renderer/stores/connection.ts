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
