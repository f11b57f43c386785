import { createStore, useStore } from 'zustand';
import { browserSessionStorage, browserStorage, draftsKey, memoryStorage, storageKeys, type KeyValueStorage } from '../lib/storage';

/** The navigation rail's sections. */
export type Section = 'messages' | 'contacts' | 'admin';

export interface UiState {
  section: Section;
  setSection(section: Section): void;
  selectedGroupId: string | null;
  /** Unsent composer text per group, so switching groups or reloading does not lose a draft. */
  drafts: Record<string, string>;
  /** Whose drafts these are (the signed-in member); null when signed out: drafts stay in memory. */
  draftOwner: string | null;
  filter: string;
  selectGroup(id: string | null): void;
  setDraft(groupId: string, text: string): void;
  /** A member's session started: their drafts from the last visit come back. */
  openDrafts(memberId: string): void;
  setFilter(filter: string): void;
  /** Sign-out: selection, filter and the member's drafts go (also from storage). */
  reset(): void;
}

/** Reads a stored draft map; anything malformed (edited by hand, older format) counts as none. */
function readDrafts(storage: KeyValueStorage, memberId: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(draftsKey(memberId)) ?? '{}');
  } catch {
    return {};
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== ''));
}

function writeDrafts(storage: KeyValueStorage, memberId: string, drafts: Record<string, string>): void {
  try {
    if (Object.keys(drafts).length === 0) storage.removeItem(draftsKey(memberId));
    else storage.setItem(draftsKey(memberId), JSON.stringify(drafts));
  } catch (e) {
    // Storage full or blocked: the draft still lives in memory for this session.
    console.warn('keeping the draft failed', e);
  }
}

/**
 * UI state. The open group is kept in tab-scoped storage (`tabStorage`) so a reload reopens it in
 * that tab; drafts are kept per member in `draftStorage` (localStorage) so a reload, or closing
 * the app, does not lose unsent text.
 */
export function createUiStore(tabStorage: KeyValueStorage, draftStorage: KeyValueStorage = memoryStorage()) {
  return createStore<UiState>((set, get) => ({
    section: 'messages',
    setSection: (section) => set({ section }),
    selectedGroupId: tabStorage.getItem(storageKeys.openGroup),
    drafts: {},
    draftOwner: null,
    filter: '',
    selectGroup: (selectedGroupId) => {
      if (selectedGroupId) tabStorage.setItem(storageKeys.openGroup, selectedGroupId);
      else tabStorage.removeItem(storageKeys.openGroup);
      set({ selectedGroupId });
    },
    setDraft: (groupId, text) => {
      const change = (d: Record<string, string>) => {
        const next = { ...d };
        if (text) next[groupId] = text;
        else delete next[groupId];
        return next;
      };
      const owner = get().draftOwner;
      // Only this group's entry changes in storage: another tab of the same member keeps its drafts.
      if (owner) writeDrafts(draftStorage, owner, change(readDrafts(draftStorage, owner)));
      set({ drafts: change(get().drafts) });
    },
    openDrafts: (memberId) => {
      if (get().draftOwner === memberId) return;
      set({ draftOwner: memberId, drafts: readDrafts(draftStorage, memberId) });
    },
    setFilter: (filter) => set({ filter }),
    reset: () => {
      tabStorage.removeItem(storageKeys.openGroup);
      const owner = get().draftOwner;
      if (owner) draftStorage.removeItem(draftsKey(owner));
      set({ section: 'messages', selectedGroupId: null, drafts: {}, draftOwner: null, filter: '' });
    },
  }));
}

export const uiStore = createUiStore(browserSessionStorage(), browserStorage());

export const useUi = <T>(selector: (s: UiState) => T): T => useStore(uiStore, selector);
