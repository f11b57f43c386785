import { createStore, useStore } from 'zustand';

/**
 * App-wide dialogs any feature may open (the shell renders them), so features do not import each
 * other in a circle: Contacts opens "create group", the groups feature owns the dialog.
 */
interface DialogsState {
  /** Open with these people already picked; null: closed. */
  createGroup: { preselected: string[] } | null;
  openCreateGroup(preselected?: string[]): void;
  closeCreateGroup(): void;
}

export const dialogsStore = createStore<DialogsState>((set) => ({
  createGroup: null,
  openCreateGroup: (preselected = []) => set({ createGroup: { preselected } }),
  closeCreateGroup: () => set({ createGroup: null }),
}));

export const useDialogs = <T>(selector: (s: DialogsState) => T): T => useStore(dialogsStore, selector);
