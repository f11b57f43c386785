import { MusterError } from '@shared/contract';
import { decide, PERMISSIONS, type Permission, type PermissionFacts } from '@shared/rules/permissions';

/**
 * The server's one gate: every action is decided here from the shared permission table.
 * A refusal is `forbidden` naming the permission that was missing (`details.permission`).
 * Returns whether the action waits for approval (only rules that say 'approval').
 */
export const authorize = (permission: Permission, facts: PermissionFacts): { approval: boolean } => {
  const d = decide(permission, facts);
  if (!d.allowed) {
    throw new MusterError('forbidden', `Not allowed to ${PERMISSIONS[permission].description}`, { permission });
  }
  return { approval: d.approval };
};
