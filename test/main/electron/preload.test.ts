import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { bridgeCalls, bridgeEvents, type MusterApi } from '@shared/contract';

const fake = vi.hoisted(() => {
  const exposed = new Map<string, unknown>();
  return { exposed, invoke: vi.fn(async (_channel: string, _args: unknown): Promise<unknown> => ({ ok: true, value: { profile: null } })) };
});
const ipcEvents = new EventEmitter();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api) },
  ipcRenderer: {
    invoke: fake.invoke,
    on: (channel: string, listener: (...args: unknown[]) => void) => ipcEvents.on(channel, listener),
    removeListener: (channel: string, listener: (...args: unknown[]) => void) => ipcEvents.removeListener(channel, listener),
  },
}));

const { ipcTransport } = await import('../../../src/preload/index');
const api = fake.exposed.get('muster') as MusterApi;

describe('preload', () => {
  it('exposes exactly one global, window.muster, built from the contract', () => {
    expect([...fake.exposed.keys()]).toEqual(['muster']);
    const methods = Object.entries(api).flatMap(([ns, fns]) => Object.keys(fns as object).map((m) => `${ns}:${m}`));
    const expected = [
      ...Object.keys(bridgeCalls),
      ...Object.keys(bridgeEvents).map((n) => n.replace(/:(.)/, (_m, c: string) => `:on${c.toUpperCase()}`)),
    ];
    expect(methods.sort()).toEqual(expected.sort());
    expect(JSON.stringify(Object.keys(api))).not.toMatch(/ipc|invoke|send|require/i);
  });

  it('invokes the namespaced IPC channel with validated args', async () => {
    expect(await api.auth.current({})).toEqual({ ok: true, value: { profile: null } });
    expect(fake.invoke).toHaveBeenLastCalledWith('muster:auth:current', {});
    fake.invoke.mockClear();
    const bad = await api.auth.signIn({ org: '!', account: '', password: '' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(fake.invoke).not.toHaveBeenCalled();
  });

  it('delivers only the payload to listeners (never the IpcRendererEvent) and unsubscribes', () => {
    const listener = vi.fn();
    const off = api.auth.onSessionEnded(listener);
    const ipcEvent = { sender: { send: () => {} }, senderId: 0 };
    ipcEvents.emit('muster:auth:sessionEnded', ipcEvent, { reason: 'revoked' });
    expect(listener).toHaveBeenCalledExactlyOnceWith({ reason: 'revoked' });
    // A payload that breaks the contract is dropped.
    ipcEvents.emit('muster:auth:sessionEnded', ipcEvent, { reason: 'hacked' });
    expect(listener).toHaveBeenCalledOnce();
    off();
    expect(ipcEvents.listenerCount('muster:auth:sessionEnded')).toBe(0);
    ipcEvents.emit('muster:auth:sessionEnded', ipcEvent, { reason: 'expired' });
    expect(listener).toHaveBeenCalledOnce();
  });

  it('refuses channels outside the contract in the transport itself', async () => {
    await expect(ipcTransport.invoke('muster:fs:read', {})).rejects.toThrow(/Not a bridge call/);
    expect(() => ipcTransport.subscribe('some-other-channel', () => {})).toThrow(/Not a bridge event/);
  });
});
