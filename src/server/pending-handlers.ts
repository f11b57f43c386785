import { MusterError } from '@shared/contract';
import type { FeatureHandlers } from './realtime';

// TEMPORARY scaffolding while the organization/groups features land in this session: every
// request the contract declares must have a handler (mergeHandlers), so the ones not built yet
// answer `internal`. Removed before the issue is closed.
const notYet = async (): Promise<never> => {
  throw new MusterError('internal', 'not implemented yet');
};
export const pendingHandlers: FeatureHandlers = Object.fromEntries(
  [
    'org:chart', 'org:department:create', 'org:department:update', 'org:department:move', 'org:department:reorder',
    'org:department:delete', 'org:member:create', 'org:member:update', 'org:member:setDepartments', 'org:member:setRole',
    'org:member:offboard', 'org:import:batch', 'org:requests:list', 'org:requests:decide',
    'groups:create', 'groups:detail', 'groups:addMembers', 'groups:removeMember', 'groups:unban', 'groups:setRole',
    'groups:transferOwnership', 'groups:update', 'groups:setAnnouncement', 'groups:updateSettings', 'groups:muteMember',
    'groups:upgradeCap', 'groups:leave', 'groups:dissolve', 'groups:closeDepartmentSync',
    'audit:list', 'audit:export', 'audit:verify',
  ].map((n) => [n, notYet]),
) as FeatureHandlers;
