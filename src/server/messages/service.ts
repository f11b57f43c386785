import { MusterError, type Message } from '@shared/contract';
import { NEWCOMER_HISTORY_MESSAGES } from '@shared/rules/limits';
import { mentionsAll } from '@shared/rules/mentions';
import type { GroupRoleName, OrgRoleName } from '@shared/rules/permissions';
import { authorize } from '../access';
import type { Db } from '../storage';
import { isUniqueViolation, toInt } from '../storage';
import { notMember } from '../groups';
import * as repo from './repository';

export interface SendInput {
  groupId: string;
  clientId: string;
  body: string;
}

export class MessageService {
  constructor(private readonly db: Db) {}

  /**
   * Stores a message once per (sender, clientId). A repeat — sequential or racing — answers the
   * original with `duplicate: true` and stores nothing.
   */
  async send(senderId: string, input: SendInput): Promise<{ message: Message; duplicate: boolean }> {
    await this.requireVoice(senderId, input.groupId, mentionsAll(input.body));
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

  /**
   * May the sender speak in the group now? The table grants sending to every member; a muted
   * member, a plain member under mute-all (owner and admins are exempt) and a dissolved group are
   * refused as `forbidden` naming `group.message.send`, with the reason. A message that mentions
   * everyone also needs `group.message.atAll` under the group's "who may @all" setting.
   */
  private async requireVoice(senderId: string, groupId: string, atAll: boolean): Promise<void> {
    const rows = await this.db.query<{
      status: string;
      mute_all: boolean;
      at_all: 'everyone' | 'admins' | 'owner';
      role: GroupRoleName | null;
      muted: boolean | null;
      org_role: OrgRoleName;
    }>(
      `select g.status, g.mute_all, g.at_all, gm.role, gm.muted, s.role as org_role
         from members s
         join groups g on g.id = $1 and g.org_id = s.org_id
         left join group_members gm on gm.group_id = g.id and gm.member_id = s.id
        where s.id = $2`,
      [groupId, senderId],
    );
    const r = rows[0];
    if (!r) throw notMember();
    const refuse = (reason: string, message: string): MusterError =>
      new MusterError('forbidden', message, { permission: 'group.message.send', reason });
    if (r.status !== 'active') throw refuse('dissolved', 'This group was dissolved');
    if (!r.role) throw notMember();
    authorize('group.message.send', { orgRole: r.org_role, groupRole: r.role });
    if (r.muted) throw refuse('muted', 'You are muted in this group');
    if (r.mute_all && r.role === 'member') throw refuse('mute_all', 'Only the owner and admins may speak while the group is muted');
    if (atAll) authorize('group.message.atAll', { orgRole: r.org_role, groupRole: r.role, atAll: r.at_all });
  }

  /**
   * A page of history. Newcomers see what the group's "newcomer history" setting allows (read at
   * the time of reading): the last 100 messages before they joined, or nothing before it.
   */
  async page(
    memberId: string,
    req: { groupId: string; limit: number; beforeSeq?: number | undefined; afterSeq?: number | undefined },
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    const rows = await this.db.query<{ joined_seq: number; newcomer_history: 'last100' | 'none' }>(
      `select gm.joined_seq, g.newcomer_history from group_members gm join groups g on g.id = gm.group_id
        where gm.group_id = $1 and gm.member_id = $2`,
      [req.groupId, memberId],
    );
    if (!rows[0]) throw notMember();
    const joined = toInt(rows[0].joined_seq);
    // Messages with seq <= floor are not this member's to read.
    const floor = rows[0].newcomer_history === 'none' ? joined : Math.max(0, joined - NEWCOMER_HISTORY_MESSAGES);
    const { groupId, limit } = req;
    if (req.afterSeq !== undefined) {
      return repo.pageMessages(this.db, { groupId, limit, direction: 'after', seq: Math.max(req.afterSeq, floor) });
    }
    if (req.beforeSeq !== undefined && req.beforeSeq <= floor + 1) return { messages: [], hasMore: false };
    const page =
      req.beforeSeq !== undefined
        ? await repo.pageMessages(this.db, { groupId, limit, direction: 'before', seq: req.beforeSeq })
        : await repo.pageMessages(this.db, { groupId, limit, direction: 'latest' });
    const kept = page.messages.filter((m) => m.seq > floor);
    return { messages: kept, hasMore: page.hasMore && kept.length === page.messages.length && (kept[0]?.seq ?? 0) > floor + 1 };
  }
}

/** An idempotency key reused for a different message is a client bug, not a resend. */
const assertSameSend = (stored: Message, input: SendInput): Message => {
  if (stored.groupId !== input.groupId || stored.body !== input.body) {
    throw new MusterError('conflict', 'This clientId was already used for a different message', { messageId: stored.id });
  }
  return stored;
};
