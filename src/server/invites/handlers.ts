import type { FeatureHandlers } from '../realtime';
import type { InviteService } from './service';

/** invites:* and the two join requests (join:preview / join:accept), for tokens and the directory. */
export const invitesHandlers = (invites: InviteService): FeatureHandlers => ({
  'invites:keys': (ctx) => invites.listKeys(ctx.memberId, ctx.orgId),
  'invites:create': (ctx, req) => invites.create(ctx.memberId, ctx.orgId, req),
  'invites:list': (ctx, req) => invites.list(ctx.memberId, ctx.orgId, req.groupId),
  'invites:revoke': async (ctx, req) => {
    await invites.revoke(ctx.memberId, ctx.orgId, req.inviteId);
    return {};
  },
  'invites:rotateKey': (ctx) => invites.rotateKey(ctx.memberId, ctx.orgId),
  // The joiner is the signed-in member (ctx), never an id from the payload.
  'join:preview': (ctx, req) => invites.preview(ctx.memberId, ctx.orgId, req.target),
  'join:accept': (ctx, req) => invites.accept(ctx.memberId, ctx.orgId, req),
});
