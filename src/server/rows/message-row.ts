import { SystemEvent, type Message } from '@shared/contract';
import { toInt, toIso } from '../storage';

/**
 * How a stored message becomes the wire's `Message`. Used by messages (pages) and by groups (each
 * group's last message); it lives in neither, because messages depends on groups.
 */
export interface MessageRow {
  id: string;
  group_id: string;
  seq: number;
  sender_id: string | null;
  sender_name: string;
  kind: Message['kind'];
  body: string;
  client_id: string | null;
  created_at: Date | string;
  system: unknown;
}

/** System messages (and senders deleted since) carry an empty senderName: render them by `kind`. */
export const MESSAGE_SELECT = `
  select m.id, m.group_id, m.seq, m.sender_id, coalesce(s.name, '') as sender_name, m.kind, m.body, m.client_id, m.created_at, m.system
    from messages m left join members s on s.id = m.sender_id`;

export const toMessage = (r: MessageRow): Message => ({
  id: r.id,
  groupId: r.group_id,
  seq: toInt(r.seq),
  senderId: r.sender_id,
  senderName: r.sender_name,
  kind: r.kind,
  body: r.body,
  clientId: r.client_id,
  createdAt: toIso(r.created_at),
  system: r.system === null || r.system === undefined ? null : SystemEvent.parse(typeof r.system === 'string' ? JSON.parse(r.system) : r.system),
});
