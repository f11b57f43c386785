import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { bridgeCalls, bridgeEvents, createMusterApi, ipcChannel, type BridgeCallName, type BridgeEventName, type BridgeTransport } from '@shared/contract';

/**
 * Exposes `window.muster` — exactly the contract's calls and events, nothing raw: no ipcRenderer,
 * no generic invoke/send, no IpcRendererEvent (whose `sender` would hand the page ipcRenderer).
 * The transport additionally refuses channels outside the contract (defence in depth; the main
 * process checks again).
 */
const callChannels = new Set((Object.keys(bridgeCalls) as BridgeCallName[]).map(ipcChannel));
const eventChannels = new Set((Object.keys(bridgeEvents) as BridgeEventName[]).map(ipcChannel));

export const ipcTransport: BridgeTransport = {
  invoke(channel, args) {
    if (!callChannels.has(channel)) return Promise.reject(new Error(`Not a bridge call: ${channel}`));
    return ipcRenderer.invoke(channel, args);
  },
  subscribe(channel, listener) {
    if (!eventChannels.has(channel)) throw new Error(`Not a bridge event: ${channel}`);
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => {
      ipcRenderer.removeListener(channel, forward);
    };
  },
};

contextBridge.exposeInMainWorld('muster', createMusterApi(ipcTransport));
