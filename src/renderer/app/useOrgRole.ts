import { useLiveQuery } from 'dexie-react-hooks';
import type { OrgRoleName } from '@shared/rules/permissions';
import { useSignedIn } from './services';

/**
 * The signed-in member's org role: the cached org chart's (it follows role changes live, through
 * `org:changed`), else the one from sign-in. Only decides what to show; the server decides the rest.
 */
export function useOrgRole(): OrgRoleName {
  const { db, profile } = useSignedIn();
  const cached = useLiveQuery(async () => (await db.people.get(profile.member.id))?.role ?? null, [db, profile.member.id]);
  return cached ?? profile.member.role;
}
