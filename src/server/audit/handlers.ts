import { authorize, loadActor } from '../access';
import type { FeatureHandlers } from '../realtime';
import type { Db } from '../storage';
import { exportAudit, listAudit, verifyChain } from './service';

/** `audit:list`, `audit:export`, `audit:verify`: the caller's own organization only, for those with `org.audit.read`. */
export const auditHandlers = (deps: { db: Db }): FeatureHandlers => {
  const { db } = deps;
  const gate = async (ctx: { memberId: string; orgId: string }): Promise<void> => {
    const actor = await loadActor(db, ctx.memberId, ctx.orgId);
    authorize('org.audit.read', { orgRole: actor.orgRole });
  };
  return {
    'audit:list': async (ctx, req) => {
      await gate(ctx);
      return listAudit(db, ctx.orgId, req);
    },
    'audit:export': async (ctx, req) => {
      await gate(ctx);
      return exportAudit(db, ctx.orgId, req.filter);
    },
    'audit:verify': async (ctx) => {
      await gate(ctx);
      return verifyChain(db, ctx.orgId);
    },
  };
};
