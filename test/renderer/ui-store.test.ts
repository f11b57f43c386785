import { describe, expect, it } from 'vitest';
import { draftsKey, memoryStorage, storageKeys } from '../../src/renderer/lib/storage';
import { createUiStore } from '../../src/renderer/stores/ui';

/** Issue 12 defect 8: a reload keeps the open group and the unsent draft (per member, per group). */
describe('ui store', () => {
  const reload = (tab: ReturnType<typeof memoryStorage>, local: ReturnType<typeof memoryStorage>) => createUiStore(tab, local);

  it('a reload keeps the open group (per tab) and each group’s draft (per member)', () => {
    const tab = memoryStorage();
    const local = memoryStorage();
    const before = reload(tab, local);
    before.getState().openDrafts('zhang');
    before.getState().selectGroup('g1');
    before.getState().setDraft('g1', 'half a thought\nsecond line');
    before.getState().setDraft('g2', 'another');

    const after = reload(tab, local);
    expect(after.getState().selectedGroupId).toBe('g1');
    expect(after.getState().drafts).toEqual({}); // nobody's until the session says whose
    after.getState().openDrafts('zhang');
    expect(after.getState().drafts).toEqual({ g1: 'half a thought\nsecond line', g2: 'another' });
  });

  it('sending (an emptied draft) clears it from storage too', () => {
    const local = memoryStorage();
    const ui = reload(memoryStorage(), local);
    ui.getState().openDrafts('zhang');
    ui.getState().setDraft('g1', 'x');
    ui.getState().setDraft('g1', '');
    expect(local.getItem(draftsKey('zhang'))).toBeNull();
    const after = reload(memoryStorage(), local);
    after.getState().openDrafts('zhang');
    expect(after.getState().drafts).toEqual({});
  });

  it('signing out clears the open group and the drafts; another member never sees them', () => {
    const tab = memoryStorage();
    const local = memoryStorage();
    const ui = reload(tab, local);
    ui.getState().openDrafts('zhang');
    ui.getState().selectGroup('g1');
    ui.getState().setDraft('g1', 'private');
    const other = reload(tab, local);
    other.getState().openDrafts('lina');
    expect(other.getState().drafts).toEqual({});

    ui.getState().reset();
    expect(tab.getItem(storageKeys.openGroup)).toBeNull();
    expect(local.getItem(draftsKey('zhang'))).toBeNull();
    expect(ui.getState()).toMatchObject({ selectedGroupId: null, drafts: {}, draftOwner: null });
  });

  it('another tab of the same member keeps its own drafts when this one writes', () => {
    const local = memoryStorage();
    const a = reload(memoryStorage(), local);
    const b = reload(memoryStorage(), local);
    a.getState().openDrafts('zhang');
    b.getState().openDrafts('zhang');
    a.getState().setDraft('g1', 'from tab a');
    b.getState().setDraft('g2', 'from tab b');
    const after = reload(memoryStorage(), local);
    after.getState().openDrafts('zhang');
    expect(after.getState().drafts).toEqual({ g1: 'from tab a', g2: 'from tab b' });
  });

  it('ignores stored drafts it cannot read', () => {
    const local = memoryStorage();
    local.setItem(draftsKey('zhang'), '{not json');
    const ui = reload(memoryStorage(), local);
    ui.getState().openDrafts('zhang');
    expect(ui.getState().drafts).toEqual({});
    local.setItem(draftsKey('zhang'), JSON.stringify({ g1: 42, g2: 'kept' }));
    const again = reload(memoryStorage(), local);
    again.getState().openDrafts('zhang');
    expect(again.getState().drafts).toEqual({ g2: 'kept' });
  });
});
