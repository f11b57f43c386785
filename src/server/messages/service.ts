import { MusterError, type Message } from '@shared/contract';
import type { Db } from '../storage';
import { isUniqueViolation } from '../storage';
import { notMember, type GroupService } from '../groups';
import * as repo from './repository';

export interface SendInput {
  groupId: string;
  clientId: string;
  body: string;
}

export class MessageService {
  constructor(
    private readonly db: Db,
    private readonly groups: GroupService,
  ) {}

  /**
   * Stores a message once per (sender, clientId). A repeat — sequential or racing — answers the
   * original with `duplicate: true` and stores nothing.
   */
  async send(senderId: string, input: SendInput): Promise<{ message: Message; duplicate: boolean }> {
    await this.groups.requireMember(input.groupId, senderId);
    const earlier = await repo.findByClientId(this.db, senderId, input.clientId);
    if (earlier) return { message: assertSameSend(earlier, input), duplicate: true };

    let message: Message | null;
    try {
      message = await this.db.transaction((tx) => repo.appendMessage(tx, { ...input, senderId }));
    } catch (e) {
      // Two identical sends raced: the loser's transaction rolled back (seq included); answer the winner's row.
      if (!isUniqueViolation(e, 'messages_sender_client_key')) throw e;
      const winner = await repo.findByClientId(this.db, senderId, input.clientId);
      if (!winner) throw e;
      return { message: assertSameSend(winner, input), duplicate: true };
    }
    if (!message) throw notMember(); // removed between the check and the write
    return { message, duplicate: false };
  }

  async page(
    memberId: string,
    req: { groupId: string; limit: number; beforeSeq?: number | undefined; afterSeq?: number | undefined },
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    await this.groups.requireMember(req.groupId, memberId);
    if (req.beforeSeq !== undefined) return repo.pageMessages(this.db, { groupId: req.groupId, limit: req.limit, direction: 'before', seq: req.beforeSeq });
    if (req.afterSeq !== undefined) return repo.pageMessages(this.db, { groupId: req.groupId, limit: req.limit, direction: 'after', seq: req.afterSeq });
    return repo.pageMessages(this.db, { groupId: req.groupId, limit: req.limit, direction: 'latest' });
  }
}

/** An idempotency key reused for a different message is a client bug, not a resend. */
const assertSameSend = (stored: Message, input: SendInput): Message => {
  if (stored.groupId !== input.groupId || stored.body !== input.body) {
    throw new MusterError('conflict', 'This clientId was already used for a different message', { messageId: stored.id });
  }
  return stored;
};
