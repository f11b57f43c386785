import type { Message } from '@shared/contract';
import type { Db } from '../storage';
import { toInt, toIso } from '../storage';
import { MESSAGE_SELECT, toMessage, type MessageRow } from '../rows';

export const findByClientId = async (db: Db, senderId: string, clientId: string): Promise<Message | null> => {
  const rows = await db.query<MessageRow>(`${MESSAGE_SELECT} where m.sender_id = $1 and m.client_id = $2`, [senderId, clientId]);
  return rows[0] ? toMessage(rows[0]) : null;
};

/**
 * Appends a message inside the caller's transaction: takes the next seq (the row lock on the group
 * serialises concurrent senders), stores the message, marks it read for its sender and bumps the
 * group's activity time. Returns null when the sender is not a member.
 */
export const appendMessage = async (
  tx: Db,
  m: { groupId: string; senderId: string; clientId: string; body: string },
): Promise<Message | null> => {
  const seqRows = await tx.query<{ last_seq: number }>(
    `update groups set last_seq = last_seq + 1
      where id = $1 and exists (select 1 from group_members where group_id = $1 and member_id = $2)
      returning last_seq`,
    [m.groupId, m.senderId],
  );
  const seqRow = seqRows[0];
  if (!seqRow) return null;
  const seq = toInt(seqRow.last_seq);
  // clock_timestamp(), not now(): now() is the transaction start, which can run backwards against seq.
  const inserted = await tx.query<{ id: string; created_at: Date | string }>(
    `insert into messages (group_id, seq, sender_id, kind, body, client_id, created_at)
     values ($1, $2, $3, 'text', $4, $5, clock_timestamp()) returning id, created_at`,
    [m.groupId, seq, m.senderId, m.body, m.clientId],
  );
  await tx.query(
    `update group_members set last_read_seq = greatest(last_read_seq, $3) where group_id = $1 and member_id = $2`,
    [m.groupId, m.senderId, seq],
  );
  // The group's activity time is its newest message's time, exactly (lists sort by it).
  await tx.query(`update groups set updated_at = $2::timestamptz where id = $1`, [m.groupId, toIso(inserted[0]!.created_at)]);
  const rows = await tx.query<MessageRow>(`${MESSAGE_SELECT} where m.id = $1`, [inserted[0]!.id]);
  return toMessage(rows[0]!);
};

export type PageQuery = { groupId: string; limit: number } & (
  | { direction: 'latest' }
  | { direction: 'before'; seq: number }
  | { direction: 'after'; seq: number }
);

/** One page, ascending by seq; `hasMore` looks one row further in the direction asked. */
export const pageMessages = async (db: Db, q: PageQuery): Promise<{ messages: Message[]; hasMore: boolean }> => {
  const probe = q.limit + 1;
  let rows: MessageRow[];
  if (q.direction === 'after') {
    rows = await db.query<MessageRow>(`${MESSAGE_SELECT} where m.group_id = $1 and m.seq > $2 order by m.seq asc limit $3`, [
      q.groupId,
      q.seq,
      probe,
    ]);
  } else if (q.direction === 'before') {
    rows = await db.query<MessageRow>(`${MESSAGE_SELECT} where m.group_id = $1 and m.seq < $2 order by m.seq desc limit $3`, [
      q.groupId,
      q.seq,
      probe,
    ]);
  } else {
    rows = await db.query<MessageRow>(`${MESSAGE_SELECT} where m.group_id = $1 order by m.seq desc limit $2`, [q.groupId, probe]);
  }
  const hasMore = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map(toMessage);
  if (q.direction !== 'after') page.reverse();
  return { messages: page, hasMore };
};
