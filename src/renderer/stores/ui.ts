import { createStore, useStore } from 'zustand';
import { browserSessionStorage, storageKeys, type KeyValueStorage } from '../lib/storage';

/** The navigation rail's sections. */
export type Section = 'messages' | 'contacts' | 'admin';

export interface UiState {
  section: Section;
  setSection(section: Section): void;
  selectedGroupId: string | null;
  /** Unsent composer text per group, so switching groups does not lose a draft. */
  drafts: Record<string, string>;
  filter: string;
  selectGroup(id: string | null): void;
  setDraft(groupId: string, text: string): void;
  setFilter(filter: string): void;
  reset(): void;
}

/** UI state; the open group is kept in (tab-scoped) storage so a reload reopens it. */
export function createUiStore(storage: KeyValueStorage) {
  return createStore<UiState>((set) => ({
    section: 'messages',
    setSection: (section) => set({ section }),
    selectedGroupId: storage.getItem(storageKeys.openGroup),
    drafts: {},
    filter: '',
    selectGroup: (selectedGroupId) => {
      if (selectedGroupId) storage.setItem(storageKeys.openGroup, selectedGroupId);
      else storage.removeItem(storageKeys.openGroup);
      set({ selectedGroupId });
    },
    setDraft: (groupId, text) =>
      set((s) => {
        const drafts = { ...s.drafts };
        if (text) drafts[groupId] = text;
        else delete drafts[groupId];
        return { drafts };
      }),
    setFilter: (filter) => set({ filter }),
    reset: () => {
      storage.removeItem(storageKeys.openGroup);
      set({ section: 'messages', selectedGroupId: null, drafts: {}, filter: '' });
    },
  }));
}

export const uiStore = createUiStore(browserSessionStorage());

export const useUi = <T>(selector: (s: UiState) => T): T => useStore(uiStore, selector);
