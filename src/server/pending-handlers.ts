import { MusterError } from '@shared/contract';
import type { FeatureHandlers } from './realtime';

// TEMPORARY scaffolding while the organization/groups features land in this session: every
// request the contract declares must have a handler (mergeHandlers), so the ones not built yet
// answer `internal`. Removed before the issue is closed.
const notYet = async (): Promise<never> => {
  throw new MusterError('internal', 'not implemented yet');
};
export const pendingHandlers: FeatureHandlers = Object.fromEntries(
  ([] as string[]).map((n) => [n, notYet]),
) as FeatureHandlers;
