import { createStore, useStore } from 'zustand';

/** Which "Join a group" panel is open (the menu in the groups header opens them). */
export type JoinPanel = 'scan' | 'paste' | 'directory';

interface EntryState {
  panel: JoinPanel | null;
  open(panel: JoinPanel): void;
  close(): void;
}

export const entryStore = createStore<EntryState>((set) => ({
  panel: null,
  open: (panel) => set({ panel }),
  close: () => set({ panel: null }),
}));

export const useEntry = <T>(selector: (s: EntryState) => T): T => useStore(entryStore, selector);
