import type { FeatureHandlers } from '../realtime';
import type { OrgService } from './service';

/** The org chart and member administration (org:chart, org:department:*, org:member:*). */
export const orgHandlers = (org: OrgService): FeatureHandlers => ({
  'org:chart': (ctx) => org.chart(ctx.memberId, ctx.orgId),
  'org:department:create': async (ctx, req) => ({ department: await org.createDepartment(ctx.memberId, ctx.orgId, req) }),
  'org:department:update': async (ctx, req) => ({ department: await org.updateDepartment(ctx.memberId, ctx.orgId, req) }),
  'org:department:move': async (ctx, req) => ({ department: await org.moveDepartment(ctx.memberId, ctx.orgId, req) }),
  'org:department:reorder': async (ctx, req) => {
    await org.reorderDepartments(ctx.memberId, ctx.orgId, req);
    return {};
  },
  'org:department:delete': async (ctx, req) => ({ movedMembers: await org.deleteDepartment(ctx.memberId, ctx.orgId, req) }),
  'org:member:create': (ctx, req) => org.createMember(ctx.memberId, ctx.orgId, req),
  'org:member:update': async (ctx, req) => ({ member: await org.updateMember(ctx.memberId, ctx.orgId, req) }),
  'org:member:setDepartments': async (ctx, req) => ({ member: await org.setDepartments(ctx.memberId, ctx.orgId, req) }),
  'org:member:setRole': async (ctx, req) => ({ member: await org.setRole(ctx.memberId, ctx.orgId, req) }),
  'org:member:offboard': (ctx, req) => org.offboard(ctx.memberId, ctx.orgId, req),
});
