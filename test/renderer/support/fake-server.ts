import type { AppError, GroupSummary, Message } from '@shared/contract';
import { NO_ACK } from './fake-socket';

/**
 * Just enough of the Muster server's socket behaviour to test the client against: dense seqs per
 * group, clientId dedup on send, paging in both directions, read markers. Answers are Results.
 */
export interface FakeGroup {
  summary: Omit<GroupSummary, 'lastSeq' | 'lastMessage' | 'lastReadSeq'>;
  messages: Message[];
  lastReadSeq: number;
}

export const ORG_ID = crypto.randomUUID();

export class FakeServer {
  readonly groups = new Map<string, FakeGroup>();
  /** Override messages:send: return an AppError to refuse, NO_ACK to swallow, undefined to proceed. */
  sendHook?: (payload: { groupId: string; clientId: string; body: string }) => AppError | typeof NO_ACK | undefined;
  /** Set to swallow every request (server hangs). */
  hang = false;
  private clock = Date.parse('2025-03-01T08:00:00.000Z');

  constructor(readonly me: { id: string; name: string }) {}

  addGroup(name: string, messageCount = 0): string {
    const id = crypto.randomUUID();
    this.groups.set(id, {
      summary: { id, orgId: ORG_ID, name, type: 'internal', memberCount: 3, myRole: 'member', updatedAt: this.now(), avatarColor: 'blue', memberCap: 500, departmentId: null },
      messages: [],
      lastReadSeq: 0,
    });
    for (let i = 1; i <= messageCount; i++) this.post(id, `message ${i}`);
    return id;
  }

  /** A message written by someone else (or by `me` when clientId is given). */
  post(groupId: string, body: string, from?: { id: string; name: string }, clientId: string | null = null): Message {
    const g = this.groups.get(groupId)!;
    const sender = from ?? { id: '00000000-0000-4000-8000-00000000000b', name: '李娜' };
    const m: Message = {
      id: crypto.randomUUID(),
      groupId,
      seq: g.messages.length + 1,
      senderId: sender.id,
      senderName: sender.name,
      kind: 'text',
      body,
      clientId,
      createdAt: this.now(),
      system: null,
    };
    g.messages.push(m);
    return m;
  }

  summary(id: string): GroupSummary {
    const g = this.groups.get(id)!;
    return { ...g.summary, lastSeq: g.messages.length, lastReadSeq: g.lastReadSeq, lastMessage: g.messages.at(-1) ?? null };
  }

  handle = (event: string, payload: unknown): unknown => {
    if (this.hang) return NO_ACK;
    const p = payload as Record<string, unknown>;
    switch (event) {
      case 'groups:list':
        return ok({ groups: [...this.groups.keys()].map((id) => this.summary(id)) });
      case 'messages:send': {
        const req = p as { groupId: string; clientId: string; body: string };
        const hooked = this.sendHook?.(req);
        if (hooked === NO_ACK) return NO_ACK;
        if (hooked) return { ok: false, error: hooked };
        const g = this.groups.get(req.groupId);
        if (!g) return { ok: false, error: { code: 'not_member', message: 'not a member' } };
        const existing = g.messages.find((m) => m.clientId === req.clientId);
        if (existing) return ok({ message: existing, duplicate: true });
        return ok({ message: this.post(req.groupId, req.body, this.me, req.clientId), duplicate: false });
      }
      case 'messages:page': {
        const req = p as { groupId: string; beforeSeq?: number; afterSeq?: number; limit: number };
        const g = this.groups.get(req.groupId);
        if (!g) return { ok: false, error: { code: 'not_member', message: 'not a member' } };
        const all = g.messages;
        if (req.afterSeq !== undefined) {
          const after = all.filter((m) => m.seq > req.afterSeq!);
          return ok({ messages: after.slice(0, req.limit), hasMore: after.length > req.limit });
        }
        const before = req.beforeSeq !== undefined ? all.filter((m) => m.seq < req.beforeSeq!) : all;
        return ok({ messages: before.slice(-req.limit), hasMore: before.length > req.limit });
      }
      case 'groups:markRead': {
        const req = p as { groupId: string; seq: number };
        const g = this.groups.get(req.groupId)!;
        g.lastReadSeq = Math.max(g.lastReadSeq, Math.min(req.seq, g.messages.length));
        return ok({ groupId: req.groupId, lastReadSeq: g.lastReadSeq });
      }
      default:
        return NO_ACK;
    }
  };

  private now(): string {
    this.clock += 60_000;
    return new Date(this.clock).toISOString();
  }
}

const ok = <T>(value: T) => ({ ok: true as const, value });
