import { Dexie, type EntityTable } from 'dexie';
import type { ErrorCode, GroupSummary, Message } from '@shared/contract';

/**
 * The local cache of one signed-in member. The UI reads it through live queries (cache first);
 * the sync layer is the only writer besides the outbox.
 */

export interface LocalGroup extends GroupSummary {
  /**
   * Every server message of this group from the oldest cached one up to this seq is cached
   * (no gaps). Catch-up asks the server for what comes after it. 0 = nothing known yet.
   */
  syncedSeq: number;
  /** The oldest message the server will give us is cached (scroll-back reached the beginning). */
  historyComplete: boolean;
}

export type MessageState = 'sending' | 'sent' | 'failed';

export interface LocalMessage {
  /** Server id for stored messages; the clientId for a message not yet acknowledged. */
  key: string;
  id: string | null;
  groupId: string;
  /** Server seq; for pending messages a placeholder above every real seq (see PENDING_SEQ_BASE). */
  seq: number;
  senderId: string | null;
  senderName: string;
  kind: Message['kind'];
  body: string;
  clientId: string | null;
  createdAt: string;
  state: MessageState;
  /** Why a message failed (shown as a hint next to Retry). */
  error?: ErrorCode;
}

export interface OutboxEntry {
  clientId: string;
  groupId: string;
  body: string;
  createdAt: string;
  /** Send order: the pending message's placeholder seq (monotonic per group). */
  order: number;
  attempts: number;
  /** Consecutive ack timeouts while online; 3 of them fail the message. */
  timeouts: number;
  state: 'queued' | 'failed';
  lastError?: ErrorCode;
}

/** Server seqs are far below 2^52; pending placeholders live above it, ordered by creation time. */
export const PENDING_SEQ_BASE = 2 ** 52;

export class MusterDb extends Dexie {
  groups!: EntityTable<LocalGroup, 'id'>;
  messages!: EntityTable<LocalMessage, 'key'>;
  outbox!: EntityTable<OutboxEntry, 'clientId'>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      groups: 'id',
      messages: 'key, [groupId+seq], clientId, groupId',
      outbox: 'clientId, order, groupId',
    });
  }
}

export const memberDbName = (memberId: string) => `muster-${memberId}`;

/** Opens (creating if needed) the cache of one member. */
export function openMemberDb(memberId: string): MusterDb {
  return new MusterDb(memberDbName(memberId));
}

/** Deletes a member's cache, whether or not it is open in this page. */
export async function deleteMemberDb(memberId: string, open?: MusterDb | null): Promise<void> {
  if (open && open.name === memberDbName(memberId)) {
    await open.delete();
    return;
  }
  await Dexie.delete(memberDbName(memberId));
}

export const toLocalMessage = (m: Message): LocalMessage => ({
  key: m.id,
  id: m.id,
  groupId: m.groupId,
  seq: m.seq,
  senderId: m.senderId,
  senderName: m.senderName,
  kind: m.kind,
  body: m.body,
  clientId: m.clientId,
  createdAt: m.createdAt,
  state: 'sent',
});

export const isPending = (m: LocalMessage) => m.id === null;
