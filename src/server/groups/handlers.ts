import type { FeatureHandlers, Pushes } from '../realtime';
import type { GroupManager } from './manage';
import type { GroupService } from './service';

/** The group list and read markers (chat). */
export const groupHandlers = (groups: GroupService, pushes: Pushes): FeatureHandlers => ({
  'groups:list': async (ctx) => ({ groups: await groups.list(ctx.memberId) }),

  'groups:markRead': async (ctx, req) => {
    const r = await groups.markRead(ctx.memberId, req.groupId, req.seq);
    // The member's other devices; this one has the answer in its ack.
    if (r.changed) pushes.toMember(ctx.memberId, 'group:read', { groupId: r.groupId, lastReadSeq: r.lastReadSeq }, ctx.socketId);
    return { groupId: r.groupId, lastReadSeq: r.lastReadSeq };
  },
});

/** Group management, and the external-group requests that wait for a super admin (org:requests:*). */
export const groupManagementHandlers = (m: GroupManager): FeatureHandlers => ({
  'groups:create': (ctx, req) => m.create(ctx.memberId, ctx.orgId, req),
  'groups:detail': async (ctx, req) => ({ group: await m.detail(ctx.memberId, ctx.orgId, req.groupId) }),
  'groups:addMembers': (ctx, req) => m.addMembers(ctx.memberId, ctx.orgId, req.groupId, req.memberIds),
  'groups:removeMember': async (ctx, req) => {
    await m.removeMember(ctx.memberId, ctx.orgId, req.groupId, req.memberId, req.ban);
    return {};
  },
  'groups:unban': async (ctx, req) => {
    await m.unban(ctx.memberId, ctx.orgId, req.groupId, req.memberId);
    return {};
  },
  'groups:setRole': async (ctx, req) => {
    await m.setRole(ctx.memberId, ctx.orgId, req.groupId, req.memberId, req.role);
    return {};
  },
  'groups:transferOwnership': async (ctx, req) => {
    await m.transferOwnership(ctx.memberId, ctx.orgId, req.groupId, req.memberId);
    return {};
  },
  'groups:update': async (ctx, req) => {
    await m.update(ctx.memberId, ctx.orgId, req.groupId, { name: req.name, avatarColor: req.avatarColor });
    return {};
  },
  'groups:setAnnouncement': async (ctx, req) => {
    await m.setAnnouncement(ctx.memberId, ctx.orgId, req.groupId, req.text);
    return {};
  },
  'groups:updateSettings': async (ctx, req) => ({ settings: await m.updateSettings(ctx.memberId, ctx.orgId, req.groupId, req.settings) }),
  'groups:muteMember': async (ctx, req) => {
    await m.muteMember(ctx.memberId, ctx.orgId, req.groupId, req.memberId, req.muted);
    return {};
  },
  'groups:upgradeCap': async (ctx, req) => ({ memberCap: await m.upgradeCap(ctx.memberId, ctx.orgId, req.groupId) }),
  'groups:leave': async (ctx, req) => {
    await m.leave(ctx.memberId, ctx.orgId, req.groupId);
    return {};
  },
  'groups:dissolve': async (ctx, req) => {
    await m.dissolve(ctx.memberId, ctx.orgId, req.groupId);
    return {};
  },
  'groups:closeDepartmentSync': async (ctx, req) => {
    await m.closeDepartmentSync(ctx.memberId, ctx.orgId, req.groupId);
    return {};
  },
  'org:requests:list': async (ctx, req) => ({ requests: await m.listRequests(ctx.memberId, ctx.orgId, req.status) }),
  'org:requests:decide': async (ctx, req) => ({ request: await m.decideRequest(ctx.memberId, ctx.orgId, req.id, req.approve) }),
});
