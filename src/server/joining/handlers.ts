import type { Logger } from '../logger';
import type { FeatureHandlers, Pushes } from '../realtime';
import type { Db } from '../storage';
import { JoiningService } from './service';

/**
 * Join requests and the group directory. (join:preview / join:accept belong to src/server/invites,
 * which hands both token and directory targets to the joining core.)
 */
export const joiningHandlers = (deps: { db: Db; pushes: Pushes; logger: Logger }): FeatureHandlers => {
  const joining = new JoiningService(deps.db, deps.pushes, deps.logger);
  return {
    'join:requests:list': (ctx, req) => joining.listRequests(ctx.memberId, ctx.orgId, req.status, req.groupId),
    'join:requests:mine': async (ctx) => ({ requests: await joining.mine(ctx.memberId, ctx.orgId) }),
    'join:requests:decide': async (ctx, req) => ({ request: await joining.decide(ctx.memberId, ctx.orgId, req.id, req.approve) }),
    'join:requests:cancel': async (ctx, req) => {
      await joining.cancel(ctx.memberId, ctx.orgId, req.id);
      return {};
    },
    'groups:directory': (ctx, req) => joining.directory(ctx.memberId, ctx.orgId, req.query, req.cursor, req.limit),
  };
};
