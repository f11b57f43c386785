import {
  bridgeCalls,
  createMusterApi,
  err,
  resultSchema,
  type BridgeArgs,
  type BridgeCallName,
  type BridgeEvent,
  type MusterApi,
  type Result,
  type BridgeResult,
} from '@shared/contract';
import { WebBridgeTransport, localBridgeUrl } from './web-bridge';

/**
 * The renderer's only way to the main process. Every answer is checked against the contract's
 * result schema, so later code can trust (and `unwrap`) it; a malformed answer or a thrown error
 * becomes a typed `Err` instead of a crash.
 */
export interface BridgeClient {
  call<N extends BridgeCallName>(name: N, args: BridgeArgs<N>): Promise<Result<BridgeResult<N>>>;
  onSessionEnded(listener: (event: BridgeEvent<'auth:sessionEnded'>) => void): () => void;
}

type LooseApi = Record<string, Record<string, ((args: unknown) => Promise<unknown>) | undefined> | undefined>;

export function createBridgeClient(api: MusterApi): BridgeClient {
  const loose = api as unknown as LooseApi;
  return {
    async call(name, args) {
      const [ns, method] = name.split(':') as [string, string];
      const fn = loose[ns]?.[method];
      if (typeof fn !== 'function') return err('internal', `Bridge call ${name} is not available`);
      let raw: unknown;
      try {
        raw = await fn(args);
      } catch (e) {
        // IPC rejects when the main process is gone; surface it as "unavailable", not an exception.
        return err('unavailable', `Bridge call ${name} failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      const checked = resultSchema(bridgeCalls[name].result).safeParse(raw);
      if (!checked.success) return err('internal', `Bridge call ${name} answered with an unexpected shape`);
      return checked.data as Result<BridgeResult<typeof name>>;
    },
    onSessionEnded(listener) {
      return api.auth.onSessionEnded(listener);
    },
  };
}

/**
 * `window.muster` from the Electron preload, or — in an ordinary browser — a bridge over the web
 * host's WebSocket, installed on `window.muster` so everything downstream sees one API.
 */
export function resolveMusterApi(win: Window): MusterApi {
  if (win.muster) return win.muster;
  const api = createMusterApi(new WebBridgeTransport({ url: localBridgeUrl(win.location) }));
  Object.defineProperty(win, 'muster', { value: api, writable: false, configurable: false });
  return api;
}
