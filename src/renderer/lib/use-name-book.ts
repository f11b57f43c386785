import { useCallback, useMemo, useSyncExternalStore } from 'react';
import { liveQuery, type Subscription } from 'dexie';
import type { DirectoryMember } from '@shared/contract';
import type { MusterDb } from '../db';
import { nameBook, type MemberNames, type NameBook } from './names';

/**
 * One live read of the org chart's people per database, shared by every component that names
 * members (each group in the list, the message log…): a subscription per list item would read
 * the whole table once per group on every change.
 */
interface Shared {
  people: readonly DirectoryMember[];
  listeners: Set<() => void>;
  subscription: Subscription | null;
}

const shared = new WeakMap<MusterDb, Shared>();
const NONE: readonly DirectoryMember[] = [];

function entry(db: MusterDb): Shared {
  let e = shared.get(db);
  if (!e) shared.set(db, (e = { people: NONE, listeners: new Set(), subscription: null }));
  return e;
}

function subscribe(db: MusterDb, listener: () => void): () => void {
  const e = entry(db);
  e.listeners.add(listener);
  e.subscription ??= liveQuery(() => db.people.toArray()).subscribe({
    next: (people) => {
      e.people = people;
      for (const l of [...e.listeners]) l();
    },
    // A closing database (sign-out) ends the query; names fall back to what messages carry.
    error: (error: unknown) => console.warn('reading names from the org chart cache failed', error),
  });
  return () => {
    e.listeners.delete(listener);
    if (e.listeners.size === 0) {
      e.subscription?.unsubscribe();
      e.subscription = null;
    }
  };
}

/** The name book for the signed-in member: the cached org chart plus their own profile. */
export function useNameBook(db: MusterDb, me: MemberNames & { id: string }): NameBook {
  // Stable per database, so a re-render does not drop and re-create the shared live query.
  const subscribeToDb = useCallback((listener: () => void) => subscribe(db, listener), [db]);
  const people = useSyncExternalStore(subscribeToDb, () => entry(db).people);
  return useMemo(() => nameBook(people, me), [people, me]);
}
