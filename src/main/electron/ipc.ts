import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { bridgeCalls, err, ipcChannel, type BridgeCallName, type BridgeEvent, type BridgeEventName, type Result } from '@shared/contract';
import type { BridgeDispatcher } from '../bridge/dispatcher';
import type { BridgeEmitter } from '../services/auth-service';
import type { Logger } from '../services/logger';
import type { AppOrigin } from './origin';

/**
 * Binds the bridge contract to Electron IPC. Every handler first checks WHO is calling: the
 * sending frame must exist, be a top-level frame (no iframe, however it got there), and show the
 * app's own origin. Only then does the shared dispatcher validate the arguments and run the call.
 */

/** Why a sender was refused, or null when it is trusted. */
export function untrustedSenderReason(event: IpcMainInvokeEvent, appOrigin: AppOrigin): string | null {
  let frame: IpcMainInvokeEvent['senderFrame'];
  try {
    frame = event.senderFrame; // null once the frame navigated away or was destroyed
  } catch {
    frame = null;
  }
  if (!frame || frame.isDestroyed() || frame.detached) return 'no sender frame';
  if (frame.parent !== null) return 'sender is not a top-level frame';
  if (!appOrigin.isAppUrl(frame.url)) return 'sender is not the app origin';
  return null;
}

export function registerBridgeIpc(deps: { ipcMain: IpcMain; dispatcher: BridgeDispatcher; appOrigin: AppOrigin; log: Logger }): () => void {
  const { ipcMain, dispatcher, appOrigin, log } = deps;
  const names = Object.keys(bridgeCalls) as BridgeCallName[];
  for (const name of names) {
    const channel = ipcChannel(name);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, args: unknown): Promise<Result<unknown>> => {
      const refused = untrustedSenderReason(event, appOrigin);
      if (refused) {
        log.warn(`Refused bridge call ${name}: ${refused}`);
        return err('forbidden', `Bridge call ${name} refused: ${refused}`);
      }
      return dispatcher.dispatch(channel, args);
    });
  }
  return () => names.forEach((name) => ipcMain.removeHandler(ipcChannel(name)));
}

/** Sends bridge events to the app's own pages only (a window that navigated elsewhere gets nothing). */
export function createIpcEmitter(targets: () => Iterable<WebContents>, appOrigin: AppOrigin): BridgeEmitter {
  return <N extends BridgeEventName>(name: N, payload: BridgeEvent<N>) => {
    for (const contents of targets()) {
      if (!contents.isDestroyed() && appOrigin.isAppUrl(contents.getURL())) contents.send(ipcChannel(name), payload);
    }
  };
}
