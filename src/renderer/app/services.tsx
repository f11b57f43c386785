import { createContext, useContext } from 'react';
import { useStore } from 'zustand';
import type { SessionState, SessionStore } from '../stores/session';

export interface Services {
  session: SessionStore;
}

export const ServicesContext = createContext<Services | null>(null);

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('ServicesContext is missing');
  return services;
}

export function useSession<T>(selector: (s: SessionState) => T): T {
  return useStore(useServices().session, selector);
}

/** The signed-in member's cache and engine; only used under the signed-in shell. */
export function useSignedIn() {
  const db = useSession((s) => s.db);
  const engine = useSession((s) => s.engine);
  const profile = useSession((s) => s.profile);
  if (!db || !engine || !profile) throw new Error('useSignedIn outside a session');
  return { db, engine, profile };
}
