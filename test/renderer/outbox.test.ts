import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { err, ok, type Message, type Result } from '@shared/contract';
import { PENDING_SEQ_BASE, storeServerMessages, upsertGroupList, type MusterDb } from '../../src/renderer/db';
import { MAX_CONSECUTIVE_TIMEOUTS, OutboxFlusher, discardMessage, enqueueMessage, retryMessage } from '../../src/renderer/sync/outbox';
import { createRequester, type RequestFn } from '../../src/renderer/sync/request';
import { FakeServer } from './support/fake-server';
import { FakeSocket, NO_ACK } from './support/fake-socket';
import { ManualTimers, freshDb } from './support/helpers';

const me = { id: crypto.randomUUID(), name: '张伟' };
const opened: MusterDb[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const db of opened.splice(0)) await db.delete().catch(() => undefined);
});

async function setup(groupNames = ['g1']) {
  const db = freshDb();
  opened.push(db);
  const server = new FakeServer(me);
  const ids = groupNames.map((n) => server.addGroup(n));
  await upsertGroupList(db, ids.map((id) => server.summary(id)));
  const socket = new FakeSocket(server.handle);
  socket.serverConnect();
  const request = createRequester(socket, 50);
  const timers = new ManualTimers();
  const delivered: Message[] = [];
  const logged: string[] = [];
  const flusher = new OutboxFlusher({
    db,
    request,
    isOnline: () => socket.connected,
    onDelivered: (m) => delivered.push(m),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    log: (m) => logged.push(m),
  });
  const send = async (groupId: string, body: string) => {
    const r = await enqueueMessage(db, { groupId, body, sender: me });
    if (!r.ok) throw new Error(r.error.message);
    return r.value;
  };
  return { db, server, ids, socket, request, timers, flusher, delivered, send, logged };
}

const sendsOf = (socket: FakeSocket) => socket.sent('messages:send') as { groupId: string; clientId: string; body: string }[];

describe('enqueue', () => {
  it('writes a pending message and an outbox entry, sorted after every real message', async () => {
    const { db, ids, send } = await setup();
    const g = ids[0]!;
    const first = await send(g, 'one');
    const second = await send(g, 'two');
    expect(first).toMatchObject({ key: first.clientId, id: null, state: 'sending', senderId: me.id, body: 'one' });
    expect(first.seq).toBeGreaterThanOrEqual(PENDING_SEQ_BASE);
    expect(second.seq).toBeGreaterThan(first.seq);
    expect(await db.outbox.get(first.clientId!)).toMatchObject({ groupId: g, body: 'one', state: 'queued', attempts: 0 });
  });

  it('is atomic: if the outbox write fails, no pending message is left behind', async () => {
    const { db, ids } = await setup();
    const clientId = crypto.randomUUID();
    vi.spyOn(globalThis.crypto, 'randomUUID').mockReturnValue(clientId as `${string}-${string}-${string}-${string}-${string}`);
    // an outbox row with that key already exists: the second write of the transaction fails
    await db.outbox.add({ clientId, groupId: ids[0]!, body: 'x', createdAt: new Date().toISOString(), order: 1, attempts: 0, timeouts: 0, state: 'failed' });
    await expect(enqueueMessage(db, { groupId: ids[0]!, body: 'hello', sender: me })).rejects.toThrow();
    expect(await db.messages.get(clientId)).toBeUndefined();
  });

  it('refuses blank and over-long bodies without writing anything', async () => {
    const { db, ids } = await setup();
    for (const body of ['', '   \n\t', 'x'.repeat(5001)]) {
      const r = await enqueueMessage(db, { groupId: ids[0]!, body, sender: me });
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('bad_request');
    }
    expect(await db.messages.count()).toBe(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('flushing', () => {
  it('sends in creation order per group and replaces each pending message with the server one', async () => {
    const { db, ids, socket, flusher, send, delivered } = await setup(['g1', 'g2']);
    const [g1, g2] = ids as [string, string];
    const a = await send(g1, 'a');
    const x = await send(g2, 'x');
    const b = await send(g1, 'b');
    const c = await send(g1, 'c');
    await flusher.flush();

    expect(sendsOf(socket).filter((s) => s.groupId === g1).map((s) => s.body)).toEqual(['a', 'b', 'c']);
    expect(sendsOf(socket).find((s) => s.groupId === g2)?.clientId).toBe(x.clientId);
    const inG1 = await db.messages.where('[groupId+seq]').between([g1, 0], [g1, Infinity]).toArray();
    expect(inG1.map((m) => [m.body, m.seq, m.state, m.clientId])).toEqual([
      ['a', 1, 'sent', a.clientId],
      ['b', 2, 'sent', b.clientId],
      ['c', 3, 'sent', c.clientId],
    ]);
    expect(inG1.every((m) => m.id !== null && m.key === m.id)).toBe(true);
    expect(await db.outbox.count()).toBe(0);
    expect(delivered).toHaveLength(4);
    expect((await db.groups.get(g1))!.lastSeq).toBe(3);
  });

  it('offline: nothing is sent, messages stay sending, and go out once connected', async () => {
    const { db, ids, socket, flusher, send } = await setup();
    socket.drop();
    const m = await send(ids[0]!, 'while offline');
    await flusher.flush();
    expect(sendsOf(socket)).toHaveLength(0);
    expect((await db.messages.get(m.key))!.state).toBe('sending');

    socket.serverConnect();
    await flusher.flush();
    expect(sendsOf(socket)).toHaveLength(1);
    expect(await db.messages.where('clientId').equals(m.clientId!).toArray()).toMatchObject([{ state: 'sent', seq: 1 }]);
  });

  it('retries a lost ack with the same clientId; the server dedups, the user sees one message', async () => {
    const { db, server, ids, socket, flusher, timers, send } = await setup();
    const g = ids[0]!;
    let calls = 0;
    // the first attempt is stored by the server but its ack is lost
    server.sendHook = (p) => {
      calls++;
      if (calls === 1) {
        server.handle('messages:send', p); // stored…
        server.sendHook = undefined;
        return NO_ACK; // …but the ack never arrives
      }
      return undefined;
    };
    const m = await send(g, 'exactly once');
    const later = await send(g, 'after it');
    await flusher.flush();
    expect(sendsOf(socket)).toHaveLength(1); // the second one waits: order is preserved
    expect((await db.messages.get(m.key))!.state).toBe('sending');
    expect((await db.outbox.get(m.clientId!))!.timeouts).toBe(1);

    timers.runAll(); // the scheduled retry
    await flusher.flush();
    const attempts = sendsOf(socket).filter((s) => s.body === 'exactly once');
    expect(attempts.map((s) => s.clientId)).toEqual([m.clientId, m.clientId]);
    expect(server.groups.get(g)!.messages.map((x) => x.body)).toEqual(['exactly once', 'after it']);
    const local = await db.messages.where('[groupId+seq]').between([g, 0], [g, Infinity]).toArray();
    expect(local.map((x) => [x.body, x.state])).toEqual([
      ['exactly once', 'sent'],
      ['after it', 'sent'],
    ]);
    expect(later.clientId).not.toBe(m.clientId);
  });

  it(`marks a message failed after ${MAX_CONSECUTIVE_TIMEOUTS} timeouts while online, then lets the next one go`, async () => {
    const { db, server, ids, flusher, timers, send } = await setup();
    server.sendHook = (p) => (p.body === 'stuck' ? NO_ACK : undefined);
    const stuck = await send(ids[0]!, 'stuck');
    await send(ids[0]!, 'next');
    for (let i = 0; i < MAX_CONSECUTIVE_TIMEOUTS; i++) {
      await flusher.flush();
      timers.runAll();
    }
    await flusher.flush();
    expect(await db.messages.get(stuck.key)).toMatchObject({ state: 'failed', error: 'unavailable' });
    expect(await db.outbox.get(stuck.clientId!)).toMatchObject({ state: 'failed' });
    expect(server.groups.get(ids[0]!)!.messages.map((m) => m.body)).toEqual(['next']);
  });

  it('a refusal (bad_request, not_member, forbidden) fails at once and is not retried automatically', async () => {
    for (const code of ['bad_request', 'not_member', 'forbidden'] as const) {
      const { db, server, ids, socket, flusher, send } = await setup();
      server.sendHook = () => ({ code, message: 'no' });
      const m = await send(ids[0]!, 'refused');
      await flusher.flush();
      await flusher.flush();
      expect(await db.messages.get(m.key)).toMatchObject({ state: 'failed', error: code });
      expect(sendsOf(socket)).toHaveLength(1);
    }
  });

  it('Retry requeues a failed message with the same clientId; Delete drops it', async () => {
    const { db, server, ids, socket, flusher, send } = await setup();
    server.sendHook = () => ({ code: 'forbidden', message: 'muted' });
    const m = await send(ids[0]!, 'try again');
    const d = await send(ids[0]!, 'discard me');
    await flusher.flush();
    expect((await db.messages.get(m.key))!.state).toBe('failed');

    server.sendHook = undefined;
    expect(await retryMessage(db, m.key)).toBe(true);
    expect((await db.messages.get(m.key))!.state).toBe('sending');
    await discardMessage(db, d.key);
    await flusher.flush();
    const sends = sendsOf(socket);
    expect(sends.filter((s) => s.body === 'try again').map((s) => s.clientId)).toEqual([m.clientId, m.clientId]);
    expect(sends.filter((s) => s.body === 'discard me')).toHaveLength(1); // never again
    expect(await db.messages.where('clientId').equals(m.clientId!).toArray()).toMatchObject([{ state: 'sent' }]);
    expect(await db.messages.get(d.key)).toBeUndefined();
    expect(await db.outbox.count()).toBe(0);
  });

  it('a duplicate ack, or a push that beat the ack, still leaves exactly one message', async () => {
    const { db, server, ids, flusher, send } = await setup();
    const g = ids[0]!;
    const m = await send(g, 'raced');
    // the push for our own message arrives before our ack
    server.sendHook = (p) => {
      server.sendHook = undefined;
      const stored = server.handle('messages:send', p) as Result<{ message: Message }>;
      if (stored.ok) void storeServerMessages(db, [stored.value.message]);
      return undefined; // the ack then says duplicate: true with the same message
    };
    await flusher.flush();
    const rows = await db.messages.where('groupId').equals(g).toArray();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ clientId: m.clientId, state: 'sent', seq: 1 });
    expect(await db.outbox.count()).toBe(0);

    // a stray late duplicate ack for an already-delivered message is harmless
    await storeServerMessages(db, [server.groups.get(g)!.messages[0]!]);
    expect(await db.messages.count()).toBe(1);
  });

  it('a message already delivered (seen in a push) is not sent again', async () => {
    const { db, server, ids, socket, flusher, send } = await setup();
    const m = await send(ids[0]!, 'seen');
    await storeServerMessages(db, [server.post(ids[0]!, 'seen', me, m.clientId)]);
    await flusher.flush();
    expect(sendsOf(socket)).toHaveLength(0);
    expect(await db.outbox.count()).toBe(0);
  });
});

describe('when storage fails or the flusher stops', () => {
  it('a flush over a closed database resolves, logs and schedules a retry — unless stopped', async () => {
    const { db, ids, flusher, timers, send, logged } = await setup();
    await send(ids[0]!, 'queued');
    db.close(); // what deleting the cache at sign-out does to a flush in progress
    await expect(flusher.flush()).resolves.toBeUndefined();
    expect(logged).toEqual(['flushing the outbox failed']);
    expect(timers.pending.size).toBe(1);

    await flusher.stop();
    expect(timers.pending.size).toBe(0);
    await expect(flusher.flush()).resolves.toBeUndefined();
    expect(logged).toHaveLength(1); // a stopped flusher does not touch the database again
  });

  it('one group failing mid-pass does not end the flush while another group is still sending', async () => {
    const { db, server, ids, socket, flusher, send, logged } = await setup(['g1', 'g2']);
    const [g1, g2] = ids as [string, string];
    let releaseG2!: () => void;
    const g2Answer = new Promise<void>((r) => (releaseG2 = r));
    socket.handler = async (event, payload) => {
      if (event === 'messages:send' && (payload as { groupId: string }).groupId === g2) await g2Answer;
      return server.handle(event, payload);
    };
    const broken = await send(g1, 'a');
    await send(g2, 'b');
    // Storage fails for g1's entry only (as if the database were going away under it).
    const update = db.outbox.update.bind(db.outbox);
    db.outbox.update = ((key, changes) =>
      key === broken.clientId ? Promise.reject(new Error('storage failed')) : update(key, changes)) as typeof db.outbox.update;
    let done = false;
    const flushing = flusher.flush().then(() => (done = true));
    // Wait for the send rather than for a fixed time (a loaded machine may take longer).
    await vi.waitFor(() => expect(sendsOf(socket).map((s) => s.body)).toEqual(['b']));
    expect(done).toBe(false); // g2 is still in flight: the flush is not over
    releaseG2();
    await flushing;
    expect(logged).toEqual(['flushing the outbox failed']);
    expect(await db.messages.where('groupId').equals(g2).toArray()).toMatchObject([{ body: 'b', state: 'sent' }]);
  });

  it('stop() resolves only after the send in flight has been stored', async () => {
    const { db, server, ids, socket, flusher, send } = await setup();
    let release!: () => void;
    const answer = new Promise<void>((r) => (release = r));
    socket.handler = async (event, payload) => {
      if (event === 'messages:send') await answer;
      return server.handle(event, payload);
    };
    const m = await send(ids[0]!, 'in flight');
    await send(ids[0]!, 'after it');
    void flusher.flush();
    await vi.waitFor(() => expect(sendsOf(socket)).toHaveLength(1));

    let stopped = false;
    const stopping = flusher.stop().then(() => (stopped = true));
    await new Promise((r) => setTimeout(r, 10));
    expect(stopped).toBe(false);
    release();
    await stopping;
    // The ack was stored before stop() resolved; the next message was not sent after stopping.
    expect(await db.messages.where('clientId').equals(m.clientId!).toArray()).toMatchObject([{ state: 'sent', seq: 1 }]);
    expect(sendsOf(socket)).toHaveLength(1);
  });
});

describe('request helper', () => {
  const request = (socket: FakeSocket): RequestFn => createRequester(socket, 30);

  it('answers unavailable (offline) without emitting when not connected', async () => {
    const socket = new FakeSocket(() => ok({ groups: [] }));
    const r = await request(socket)('groups:list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'offline' } } });
    expect(socket.emitted).toHaveLength(0);
  });

  it('answers unavailable (timeout) when no ack comes, (disconnected) when the socket drops', async () => {
    const socket = new FakeSocket(() => NO_ACK);
    socket.serverConnect();
    expect(await request(socket)('groups:list', {})).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'timeout' } } });

    const hanging = new FakeSocket(() => new Promise(() => undefined));
    hanging.serverConnect();
    const p = request(hanging)('groups:list', {});
    await Promise.resolve();
    hanging.drop();
    expect(await p).toMatchObject({ ok: false, error: { code: 'unavailable', details: { reason: 'disconnected' } } });
    expect(hanging.listenerCount('disconnect')).toBe(0); // cleaned up
  });

  it('validates the payload before sending and the ack after', async () => {
    const socket = new FakeSocket(() => ({ ok: true, value: { groups: 'nope' } }));
    socket.serverConnect();
    const bad = await request(socket)('messages:send', { groupId: 'x', clientId: 'y', body: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(socket.emitted).toHaveLength(0);
    expect(await request(socket)('groups:list', {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    socket.handler = () => err('forbidden', 'no');
    expect(await request(socket)('groups:list', {})).toEqual(err('forbidden', 'no'));
  });
});
