import type { BridgeResult } from '@shared/contract';
import { createBridgeClient, resolveMusterApi, type BridgeClient } from '../../bridge/client';

/**
 * The join feature's way to the main process (window.muster, the same object the app uses):
 * `links:takePending` / `links:join` for deep links, `shell:openExternal` for a URL a code held,
 * `app:info` to know whether this is the desktop app or browser mode.
 */
let client: BridgeClient | null = null;
const bridge = (): BridgeClient => (client ??= createBridgeClient(resolveMusterApi(window)));

let mode: Promise<BridgeResult<'app:info'>['mode'] | null> | null = null;
/** 'electron' or 'browser' (null when the bridge does not answer). */
export const appMode = () =>
  (mode ??= bridge()
    .call('app:info', {})
    .then((r) => (r.ok ? r.value.mode : null)));

/** Tokens of join links that reached the desktop app; the queue is empty afterwards. */
export async function takePendingLinks(): Promise<string[]> {
  const r = await bridge().call('links:takePending', {});
  return r.ok ? r.value.tokens : [];
}

/** Calls back when a join link reaches the running app (take it with takePendingLinks). */
export function onLinkArrived(listener: () => void): () => void {
  const links = resolveMusterApi(window).links;
  return links.onJoin(() => listener());
}

/** Opens an http(s) URL in the OS browser; the main process validates it again. */
export async function openInBrowser(url: string): Promise<boolean> {
  const r = await bridge().call('shell:openExternal', { url });
  return r.ok;
}
