import type { FeatureHandlers, Pushes } from '../realtime';
import type { GroupService } from './service';

/** The group list and read markers (chat); group management lives in the same service. */
export const groupHandlers = (groups: GroupService, pushes: Pushes): FeatureHandlers => ({
  'groups:list': async (ctx) => ({ groups: await groups.list(ctx.memberId) }),

  'groups:markRead': async (ctx, req) => {
    const r = await groups.markRead(ctx.memberId, req.groupId, req.seq);
    // The member's other devices; this one has the answer in its ack.
    if (r.changed) pushes.toMember(ctx.memberId, 'group:read', { groupId: r.groupId, lastReadSeq: r.lastReadSeq }, ctx.socketId);
    return { groupId: r.groupId, lastReadSeq: r.lastReadSeq };
  },
});
