import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { bridgeCalls, ipcChannel, type BridgeCallName } from '@shared/contract';
import { createBridgeDispatcher, type BridgeHandlers } from '../../../src/main/bridge/dispatcher';
import { createIpcEmitter, registerBridgeIpc } from '../../../src/main/electron/ipc';
import { resolveAppOrigin } from '../../../src/main/electron/origin';
import { recordingLogger } from '../helpers/temp';

vi.mock('electron', () => ({}));

type Listener = (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown;
const appOrigin = resolveAppOrigin({ devServerUrl: undefined, isPackaged: true });

function fakeFrame(url: string, options: { parent?: object | null; destroyed?: boolean } = {}) {
  return { url, parent: options.parent ?? null, detached: false, isDestroyed: () => options.destroyed ?? false };
}
const eventFrom = (senderFrame: unknown): IpcMainInvokeEvent => ({ senderFrame }) as unknown as IpcMainInvokeEvent;

describe('IPC binding', () => {
  let handlers: Map<string, Listener>;
  let calls: { name: string; args: unknown }[];
  let unregister: () => void;
  let removed: string[];

  beforeEach(() => {
    handlers = new Map();
    removed = [];
    calls = [];
    const ipcMain = {
      handle: (channel: string, listener: Listener) => handlers.set(channel, listener),
      removeHandler: (channel: string) => removed.push(channel),
    } as unknown as IpcMain;
    const record = (name: string) => async (args: unknown) => {
      calls.push({ name, args });
      return name === 'auth:current' ? { profile: null } : {};
    };
    const serviceHandlers = Object.fromEntries((Object.keys(bridgeCalls) as BridgeCallName[]).map((n) => [n, record(n)])) as unknown as BridgeHandlers;
    const dispatcher = createBridgeDispatcher(serviceHandlers, { log: recordingLogger(), validateResults: false });
    unregister = registerBridgeIpc({ ipcMain, dispatcher, appOrigin, log: recordingLogger() });
  });

  it('registers one handler per contract call, and removes them all', () => {
    expect([...handlers.keys()].sort()).toEqual((Object.keys(bridgeCalls) as BridgeCallName[]).map(ipcChannel).sort());
    unregister();
    expect(removed.sort()).toEqual([...handlers.keys()].sort());
  });

  it('dispatches a call from the app top frame', async () => {
    const result = await handlers.get(ipcChannel('auth:current'))!(eventFrom(fakeFrame('muster-app://app/index.html')), {});
    expect(result).toEqual({ ok: true, value: { profile: null } });
    expect(calls).toEqual([{ name: 'auth:current', args: {} }]);
  });

  it.each([
    ['no sender frame', null],
    ['a foreign origin', fakeFrame('https://evil.example/')],
    ['a file:// page', fakeFrame('file:///home/user/evil.html')],
    ['a look-alike app host', fakeFrame('muster-app://app.evil/index.html')],
    ['a subframe of the app', fakeFrame('muster-app://app/index.html', { parent: fakeFrame('muster-app://app/') })],
    ['a destroyed frame', fakeFrame('muster-app://app/index.html', { destroyed: true })],
  ])('answers forbidden for %s and runs nothing', async (_what, frame) => {
    const result = await handlers.get(ipcChannel('auth:signOut'))!(eventFrom(frame), {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(calls).toEqual([]);
  });

  it('answers forbidden when reading the sender frame throws', async () => {
    const event = Object.defineProperty({}, 'senderFrame', {
      get() {
        throw new Error('frame gone');
      },
    }) as IpcMainInvokeEvent;
    expect(await handlers.get(ipcChannel('auth:signOut'))!(event, {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('answers bad_request for bad args from a trusted sender', async () => {
    const result = await handlers.get(ipcChannel('auth:signIn'))!(eventFrom(fakeFrame('muster-app://app/index.html')), { org: ['demo'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    expect(calls).toEqual([]);
  });
});

describe('IPC event delivery', () => {
  it("sends events only to live windows showing the app's origin", () => {
    const contents = (url: string, destroyed = false) => ({ getURL: () => url, isDestroyed: () => destroyed, send: vi.fn() });
    const app = contents('muster-app://app/index.html');
    const strayed = contents('https://evil.example/');
    const dead = contents('muster-app://app/index.html', true);
    const emit = createIpcEmitter(() => [app, strayed, dead] as unknown as WebContents[], appOrigin);
    emit('auth:sessionEnded', { reason: 'revoked' });
    expect(app.send).toHaveBeenCalledWith('muster:auth:sessionEnded', { reason: 'revoked' });
    expect(strayed.send).not.toHaveBeenCalled();
    expect(dead.send).not.toHaveBeenCalled();
  });
});
