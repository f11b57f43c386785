import { describe, expect, it } from 'vitest';
import { createMusterApi, ipcChannel, type Result } from '@shared/contract';
import { WebBridgeTransport, localBridgeUrl, type WebSocketLike } from '../../src/renderer/bridge/web-bridge';
import { createBridgeClient } from '../../src/renderer/bridge/client';
import { ManualTimers } from './support/helpers';

class FakeWebSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: unknown) => void) | null = null;
  onclose: ((ev: unknown) => void) | null = null;
  onerror: ((ev: unknown) => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  readonly sent: Record<string, unknown>[] = [];
  constructor(readonly url: string) {}
  send(data: string) {
    if (this.readyState !== 1) throw new Error('not open');
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close() {
    this.hostClose();
  }
  // host side
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  deliver(data: unknown) {
    this.onmessage?.({ data: typeof data === 'string' ? data : JSON.stringify(data) });
  }
  hostClose() {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.({});
  }
}

function setup(invokeTimeoutMs = 30_000) {
  const sockets: FakeWebSocket[] = [];
  const timers = new ManualTimers();
  const transport = new WebBridgeTransport({
    url: 'ws://127.0.0.1:5780/bridge',
    createSocket: (url) => {
      const s = new FakeWebSocket(url);
      sockets.push(s);
      return s;
    },
    invokeTimeoutMs,
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
  });
  const current = () => sockets.at(-1)!;
  return { transport, sockets, current, timers };
}

const isUnavailable = (r: unknown) => (r as Result<unknown>).ok === false && (r as { error: { code: string } }).error.code === 'unavailable';

describe('web bridge transport', () => {
  it('builds the bridge URL from the page origin', () => {
    expect(localBridgeUrl({ protocol: 'http:', host: '127.0.0.1:5780' })).toBe('ws://127.0.0.1:5780/bridge');
    expect(localBridgeUrl({ protocol: 'https:', host: 'kiosk.local' })).toBe('wss://kiosk.local/bridge');
  });

  it('queues invokes until the socket opens and correlates answers by id, in any order', async () => {
    const { transport, current } = setup();
    const a = transport.invoke('muster:app:info', {});
    const b = transport.invoke('muster:auth:current', {});
    expect(current().sent).toHaveLength(0);
    current().open();
    const [fa, fb] = current().sent as { id: number; channel: string; type: string }[];
    expect(fa).toMatchObject({ type: 'invoke', channel: 'muster:app:info' });
    expect(fb).toMatchObject({ type: 'invoke', channel: 'muster:auth:current' });
    expect(fa!.id).not.toBe(fb!.id);
    current().deliver({ type: 'result', id: fb!.id, result: { ok: true, value: 'B' } });
    current().deliver({ type: 'result', id: fa!.id, result: { ok: true, value: 'A' } });
    expect(await a).toEqual({ ok: true, value: 'A' });
    expect(await b).toEqual({ ok: true, value: 'B' });
  });

  it('answers pending invokes with unavailable when the socket drops, then reconnects', async () => {
    const { transport, sockets, current, timers } = setup();
    current().open();
    const pending = transport.invoke('muster:auth:signIn', { org: 'demo' });
    current().hostClose();
    expect(isUnavailable(await pending)).toBe(true);

    // the host restarts: a reconnect is scheduled and later calls go through the new socket
    expect(timers.pending.size).toBe(1);
    timers.runAll();
    expect(sockets).toHaveLength(2);
    const later = transport.invoke('muster:auth:current', {});
    current().open();
    const frame = current().sent[0] as { id: number };
    current().deliver({ type: 'result', id: frame.id, result: { ok: true, value: { profile: null } } });
    expect(await later).toEqual({ ok: true, value: { profile: null } });
  });

  it('answers unavailable when the host does not answer in time, and ignores the late answer', async () => {
    const { transport, current, timers } = setup(1000);
    current().open();
    const p = transport.invoke('muster:app:info', {});
    const frame = current().sent[0] as { id: number };
    timers.runAll(); // the invoke timeout fires
    expect(isUnavailable(await p)).toBe(true);
    expect(() => current().deliver({ type: 'result', id: frame.id, result: { ok: true, value: 1 } })).not.toThrow();
  });

  it('dispatches events to subscribers of their channel only, across reconnects', () => {
    const { transport, current, timers } = setup();
    const got: unknown[] = [];
    const other: unknown[] = [];
    const unsubscribe = transport.subscribe('muster:auth:sessionEnded', (p) => got.push(p));
    transport.subscribe('muster:other', (p) => other.push(p));
    current().open();
    current().deliver({ type: 'event', channel: 'muster:auth:sessionEnded', payload: { reason: 'revoked' } });
    current().hostClose();
    timers.runAll();
    current().open();
    current().deliver({ type: 'event', channel: 'muster:auth:sessionEnded', payload: { reason: 'expired' } });
    unsubscribe();
    current().deliver({ type: 'event', channel: 'muster:auth:sessionEnded', payload: { reason: 'signed_out' } });
    expect(got).toEqual([{ reason: 'revoked' }, { reason: 'expired' }]);
    expect(other).toEqual([]);
  });

  it('ignores malformed frames without disturbing pending calls', async () => {
    const { transport, current } = setup();
    current().open();
    const p = transport.invoke('muster:app:info', {});
    const frame = current().sent[0] as { id: number };
    for (const bad of ['not json', '{"type":"result"}', '{"type":"nope","id":1}', '[]', 'null', { type: 'result', id: -1, result: 1 }]) {
      expect(() => current().deliver(bad)).not.toThrow();
    }
    current().onmessage?.({ data: new ArrayBuffer(4) }); // binary: ignored
    current().deliver({ type: 'result', id: frame.id, result: { ok: true, value: 'fine' } });
    expect(await p).toEqual({ ok: true, value: 'fine' });
  });

  it('settles everything with unavailable when closed', async () => {
    const { transport, current } = setup();
    const p = transport.invoke('muster:app:info', {});
    transport.close();
    expect(isUnavailable(await p)).toBe(true);
    expect(isUnavailable(await transport.invoke('muster:app:info', {}))).toBe(true);
    expect(current().readyState).toBe(3);
  });
});

describe('bridge client over the web bridge', () => {
  it('validates answers against the contract: good ones pass, malformed ones become internal', async () => {
    const { transport, current } = setup();
    const client = createBridgeClient(createMusterApi(transport));
    current().open();

    const good = client.call('auth:accessToken', { forceRefresh: true });
    await Promise.resolve();
    const f1 = current().sent[0] as { id: number; channel: string; args: unknown };
    expect(f1.channel).toBe(ipcChannel('auth:accessToken'));
    expect(f1.args).toEqual({ forceRefresh: true });
    const token = { accessToken: 't', expiresAt: '2030-01-01T00:00:00Z', memberId: crypto.randomUUID() };
    current().deliver({ type: 'result', id: f1.id, result: { ok: true, value: token } });
    expect(await good).toEqual({ ok: true, value: token });

    const bad = client.call('auth:accessToken', { forceRefresh: false });
    await Promise.resolve();
    const f2 = current().sent[1] as { id: number };
    // a token that does not say whose it is would be unusable (the owner check needs it)
    current().deliver({ type: 'result', id: f2.id, result: { ok: true, value: { accessToken: 't', expiresAt: '2030-01-01T00:00:00Z' } } });
    const r = await bad;
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('internal');

    const refused = client.call('auth:signOut', {});
    await Promise.resolve();
    const f3 = current().sent[2] as { id: number };
    current().deliver({ type: 'result', id: f3.id, result: { ok: false, error: { code: 'unavailable', message: 'down' } } });
    expect(await refused).toEqual({ ok: false, error: { code: 'unavailable', message: 'down' } });
  });

  it('refuses invalid arguments locally with bad_request (nothing is sent)', async () => {
    const { transport, current } = setup();
    const client = createBridgeClient(createMusterApi(transport));
    current().open();
    const r = await client.call('auth:signIn', { org: '!!', account: '', password: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('bad_request');
    expect(current().sent).toHaveLength(0);
  });

  it('delivers validated session-ended events and drops malformed ones', () => {
    const { transport, current } = setup();
    const client = createBridgeClient(createMusterApi(transport));
    const reasons: string[] = [];
    client.onSessionEnded((e) => reasons.push(e.reason));
    current().open();
    current().deliver({ type: 'event', channel: ipcChannel('auth:sessionEnded'), payload: { reason: 'bogus' } });
    current().deliver({ type: 'event', channel: ipcChannel('auth:sessionEnded'), payload: { reason: 'revoked' } });
    expect(reasons).toEqual(['revoked']);
  });
});
