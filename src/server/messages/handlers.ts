import type { FeatureHandlers, Pushes } from '../realtime';
import type { MessageService } from './service';

export const messageHandlers = (messages: MessageService, pushes: Pushes): FeatureHandlers => ({
  'messages:send': async (ctx, req) => {
    const r = await messages.send(ctx.memberId, req);
    if (!r.duplicate) {
      // Everyone in the group, the sender's own sockets included (clients de-duplicate by id/clientId).
      pushes.toGroup(req.groupId, 'message:new', r.message);
      pushes.toMember(ctx.memberId, 'group:read', { groupId: req.groupId, lastReadSeq: r.message.seq }, ctx.socketId);
    }
    return r;
  },

  'messages:page': (ctx, req) => messages.page(ctx.memberId, req),
});
