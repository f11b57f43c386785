import { Dexie, type EntityTable } from 'dexie';
import type { Department, DirectoryMember, ErrorCode, GroupDetail, GroupSummary, Message, SystemEvent } from '@shared/contract';

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
  /** System messages as data (rendered in the reader's language); null for text and for old system messages. */
  system?: SystemEvent | null;
  /** Why a message failed (shown as a hint next to Retry). */
  error?: ErrorCode;
  /** The server's `details.reason` for it, when it gave one (muted, mute_all, ...). */
  errorReason?: string;
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

/** One cached key/value (the org chart's version, ...). */
export interface MetaEntry {
  key: string;
  value: number;
}

/** The org chart's version as last stored (the `org:chart` answer's `version`). */
export const ORG_CHART_VERSION_KEY = 'orgChartVersion';

/** Server seqs are far below 2^52; pending placeholders live above it, ordered by creation time. */
export const PENDING_SEQ_BASE = 2 ** 52;

export class MusterDb extends Dexie {
  groups!: EntityTable<LocalGroup, 'id'>;
  messages!: EntityTable<LocalMessage, 'key'>;
  outbox!: EntityTable<OutboxEntry, 'clientId'>;
  /** The org chart (version 2): departments and the members as the directory shows them to this member. */
  departments!: EntityTable<Department, 'id'>;
  people!: EntityTable<DirectoryMember, 'id'>;
  meta!: EntityTable<MetaEntry, 'key'>;
  /** Group details (members, settings, announcement) of groups whose info panel was opened. */
  groupDetails!: EntityTable<GroupDetail, 'id'>;

  constructor(name: string) {
    super(name);
    this.version(1).stores({
      groups: 'id',
      messages: 'key, [groupId+seq], clientId, groupId',
      outbox: 'clientId, order, groupId',
    });
    // Never change version 1 (caches in the field were created by it); new tables come as new versions.
    this.version(2).stores({
      departments: 'id, parentId',
      people: 'id, *departmentIds',
      meta: 'key',
      groupDetails: 'id',
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
  system: m.system ?? null,
});

export const isPending = (m: LocalMessage) => m.id === null;
