import { MessageBody, badRequest, ok, type ErrorCode, type Message, type Result } from '@shared/contract';
import { newUuid } from '../lib/uuid';
import { nextPendingSeq, storeServerMessages, type LocalMessage, type MusterDb, type OutboxEntry } from '../db';
import { unavailableReason, type RequestFn } from './request';
import { resolveTimerDeps, type ClearTimer, type Log, type SetTimer } from './timers';

/**
 * The outbox makes sending survive everything short of signing out: a message is first written
 * locally (pending message + outbox entry, one transaction), then sent — with the same clientId on
 * every attempt, so the server's dedup gives exactly-once delivery even when an ack is lost.
 */

export interface Sender {
  id: string;
  name: string;
}

/** Writes a pending message and its outbox entry atomically. Blank or over-long bodies are refused. */
export async function enqueueMessage(
  db: MusterDb,
  input: { groupId: string; body: string; sender: Sender; now?: Date },
): Promise<Result<LocalMessage>> {
  const body = MessageBody.safeParse(input.body);
  if (!body.success) return badRequest(body.error.issues, 'message');
  const clientId = newUuid();
  const now = input.now ?? new Date();
  const createdAt = now.toISOString();
  const message = await db.transaction('rw', db.messages, db.outbox, async () => {
    const seq = await nextPendingSeq(db, input.groupId, now.getTime());
    const pending: LocalMessage = {
      key: clientId,
      id: null,
      groupId: input.groupId,
      seq,
      senderId: input.sender.id,
      senderName: input.sender.name,
      kind: 'text',
      body: body.data,
      clientId,
      createdAt,
      state: 'sending',
    };
    await db.messages.add(pending);
    await db.outbox.add({ clientId, groupId: input.groupId, body: body.data, createdAt, order: seq, attempts: 0, timeouts: 0, state: 'queued' });
    return pending;
  });
  return ok(message);
}

/** Puts a failed message back in the queue (same clientId: if it did reach the server, no duplicate). */
export async function retryMessage(db: MusterDb, clientId: string): Promise<boolean> {
  return db.transaction('rw', db.messages, db.outbox, async () => {
    const message = await db.messages.get(clientId);
    if (!message || message.id !== null) return false; // already delivered meanwhile
    await db.messages.update(clientId, { state: 'sending', error: undefined, errorReason: undefined });
    const entry = await db.outbox.get(clientId);
    if (entry) await db.outbox.update(clientId, { state: 'queued', timeouts: 0, lastError: undefined });
    else
      await db.outbox.add({
        clientId,
        groupId: message.groupId,
        body: message.body,
        createdAt: message.createdAt,
        order: message.seq,
        attempts: 0,
        timeouts: 0,
        state: 'queued',
      });
    return true;
  });
}

/** Drops an unsent (failed) message for good. */
export async function discardMessage(db: MusterDb, clientId: string): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, async () => {
    const message = await db.messages.get(clientId);
    if (message && message.id === null) await db.messages.delete(clientId);
    await db.outbox.delete(clientId);
  });
}

/** Marks a message failed, unless it was delivered (or discarded) while we waited. */
async function markFailed(db: MusterDb, clientId: string, code: ErrorCode, reason?: string): Promise<void> {
  await db.transaction('rw', db.messages, db.outbox, async () => {
    const entry = await db.outbox.get(clientId);
    if (!entry) return;
    await db.outbox.update(clientId, { state: 'failed', lastError: code });
    const message = await db.messages.get(clientId);
    // The server's reason (muted, mute_all, dissolved, ...) makes the hint next to Retry specific.
    if (message && message.id === null) await db.messages.update(clientId, { state: 'failed', error: code, errorReason: reason });
  });
}

/** Refusals that will not change by trying again: the user decides (Retry / Delete). */
const PERMANENT: ReadonlySet<ErrorCode> = new Set(['bad_request', 'not_member', 'forbidden', 'not_found', 'conflict']);

export const MAX_CONSECUTIVE_TIMEOUTS = 3;

export interface FlusherDeps {
  db: MusterDb;
  request: RequestFn;
  isOnline(): boolean;
  /** Called after a message was accepted (the group may need marking read). */
  onDelivered?(message: Message): void;
  /** Delay before retrying after a timeout or a transient server error. */
  retryDelayMs?: number;
  setTimer?: SetTimer;
  clearTimer?: ClearTimer;
  log?: Log;
}

type StepOutcome = 'next' | 'stop';

/**
 * Sends queued entries in creation order. Groups are independent, but within a group one message
 * is in flight at a time and a message that could not be sent holds back the ones after it, so
 * the server assigns seqs in the order the user wrote.
 */
export class OutboxFlusher {
  private running: Promise<void> | null = null;
  private again = false;
  private retryTimer: unknown = null;
  private stopped = false;
  private readonly setTimer: SetTimer;
  private readonly clearTimer: ClearTimer;
  private readonly log: Log;

  constructor(private readonly deps: FlusherDeps) {
    ({ setTimer: this.setTimer, clearTimer: this.clearTimer, log: this.log } = resolveTimerDeps(deps, 'outbox'));
  }

  /**
   * Starts a flush, or asks the running one to look again when it is done. Resolves when idle and
   * never rejects: callers fire and forget it, so a storage failure (e.g. the database closed under
   * us at sign-out) is logged and retried here instead of vanishing as an unhandled rejection.
   */
  flush(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again && !this.stopped && this.deps.isOnline());
      } catch (e) {
        this.log('flushing the outbox failed', e);
        // The queue is still on disk: look again later (a stopped flusher has no later).
        this.scheduleRetry(this.deps.retryDelayMs ?? 2000);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** No more sends or retries; resolves once a flush in progress has finished touching the database. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer !== null) this.clearTimer(this.retryTimer);
    this.retryTimer = null;
    await this.running;
  }

  private async pass(): Promise<void> {
    if (!this.deps.isOnline()) return;
    const queued = await this.deps.db.outbox.orderBy('order').filter((e) => e.state === 'queued').toArray();
    const byGroup = new Map<string, OutboxEntry[]>();
    for (const e of queued) {
      const list = byGroup.get(e.groupId);
      if (list) list.push(e);
      else byGroup.set(e.groupId, [e]);
    }
    // allSettled, not all: one group failing must not end the pass while others still write.
    const outcomes = await Promise.allSettled([...byGroup.values()].map((entries) => this.sendInOrder(entries)));
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async sendInOrder(entries: OutboxEntry[]): Promise<void> {
    for (const entry of entries) {
      if (this.stopped || !this.deps.isOnline()) return;
      if ((await this.sendOne(entry)) === 'stop') return;
    }
  }

  private async sendOne(queued: OutboxEntry): Promise<StepOutcome> {
    const { db, request } = this.deps;
    // Re-read: a push or catch-up may have delivered it, or the user discarded it, meanwhile.
    const entry = await db.outbox.get(queued.clientId);
    if (!entry || entry.state !== 'queued') return 'next';
    await db.outbox.update(entry.clientId, { attempts: entry.attempts + 1 });

    const r = await request('messages:send', { groupId: entry.groupId, clientId: entry.clientId, body: entry.body });
    if (r.ok) {
      // duplicate: true means an earlier attempt got through; the original is what we keep.
      await storeServerMessages(db, [r.value.message]);
      this.deps.onDelivered?.(r.value.message);
      return 'next';
    }
    const code = r.error.code;
    if (PERMANENT.has(code)) {
      const reason = r.error.details?.['reason'];
      await markFailed(db, entry.clientId, code, typeof reason === 'string' ? reason : undefined);
      return 'next';
    }
    const reason = unavailableReason(r);
    if (reason === 'timeout' || code === 'internal') {
      // The server may be struggling (or the ack got lost): a few tries, then let the user decide.
      const timeouts = entry.timeouts + 1;
      if (timeouts >= MAX_CONSECUTIVE_TIMEOUTS && this.deps.isOnline()) {
        await markFailed(db, entry.clientId, code);
        return 'next';
      }
      await db.outbox.update(entry.clientId, { timeouts });
      this.scheduleRetry(this.deps.retryDelayMs ?? 2000);
      return 'stop';
    }
    if (code === 'rate_limited') {
      const seconds = Number(r.error.details?.['retryAfterSeconds']);
      this.scheduleRetry(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 5000);
      return 'stop';
    }
    // offline / disconnected / unauthorized: still 'sending'; the next connect flushes again.
    return 'stop';
  }

  private scheduleRetry(ms: number): void {
    if (this.stopped || this.retryTimer !== null) return;
    this.retryTimer = this.setTimer(() => {
      this.retryTimer = null;
      void this.flush();
    }, ms);
  }
}
