import { hostname } from 'node:os';
import { bridgeEvents, MusterError, unwrap, type BridgeEvent, type BridgeEventName } from '@shared/contract';
import { DEVICE_NAME_MAX_CHARS, DEVICE_PLATFORM_MAX_CHARS } from '@shared/rules/limits';
import type { BridgeHandlers } from '../bridge/dispatcher';
import { createAuthService, type AuthService, type BridgeEmitter } from './auth-service';
import { describeError, type Logger } from './logger';
import type { SecretBox } from './secret-box';
import { createServerClient } from './server-client';
import { createSessionStore } from './session-store';
import { createDeepLinkQueue, type DeepLinkQueue } from './deep-links';

/**
 * Wires the main-process services together and returns the bridge handlers, one per contract
 * call. The same wiring runs behind Electron IPC and behind the browser-mode web host; what
 * differs per edge is injected: the secret box, the data directory, how events reach the pages,
 * and how a link is opened.
 */
export interface MainServicesOptions {
  dataDir: string;
  secretBox: SecretBox;
  serverUrl: string;
  /** Delivers a bridge event to every app page (IPC send / WebSocket broadcast). */
  emit: BridgeEmitter;
  mode: 'electron' | 'browser';
  appVersion: string;
  log: Logger;
  /**
   * Opens an http(s) URL in the OS browser (Electron: shell.openExternal). Absent in browser mode:
   * there the page is already in a browser and opens links itself (<a target="_blank"
   * rel="noopener noreferrer">), so `shell:openExternal` answers `forbidden`.
   */
  openExternal?: (url: string) => Promise<void>;
  osLocale?: string;
  platform?: string;
  fetch?: typeof globalThis.fetch;
  /**
   * Join links waiting for the renderer. The Electron edge creates it before the app is ready (a
   * macOS `open-url` can come that early) and passes it in; otherwise one is made here.
   */
  links?: DeepLinkQueue;
}

export interface MainServices {
  handlers: BridgeHandlers;
  auth: AuthService;
  links: DeepLinkQueue;
}

/** Checks event payloads against the contract before they leave the process. */
function validatingEmitter(emit: BridgeEmitter, log: Logger): BridgeEmitter {
  return <N extends BridgeEventName>(name: N, payload: BridgeEvent<N>) => {
    const parsed = bridgeEvents[name].safeParse(payload);
    if (!parsed.success) {
      log.error(`Bridge event ${name} does not match the contract; not sent`, { issues: parsed.error.issues });
      return;
    }
    try {
      emit(name, parsed.data as BridgeEvent<N>);
    } catch (e) {
      log.error(`Could not deliver bridge event ${name}: ${describeError(e)}`);
    }
  };
}

export function createMainServices(options: MainServicesOptions): MainServices {
  const { log, serverUrl } = options;
  const platform = options.platform ?? process.platform;
  const emit = validatingEmitter(options.emit, log);
  const server = createServerClient({ baseUrl: serverUrl, log, fetch: options.fetch });
  const store = createSessionStore({ dataDir: options.dataDir, secretBox: options.secretBox, log });
  const auth = createAuthService({
    server,
    store,
    emit,
    serverUrl,
    log,
    device: { name: hostname().slice(0, DEVICE_NAME_MAX_CHARS) || 'unknown', platform: platform.slice(0, DEVICE_PLATFORM_MAX_CHARS) },
  });
  const osLocale = options.osLocale ?? Intl.DateTimeFormat().resolvedOptions().locale;
  const links = options.links ?? createDeepLinkQueue({ log });
  // Pages that run now are told at once; a page that is not there yet (or signed out) takes the
  // token later with links:takePending.
  links.onArrival((token) => emit('links:join', { token }));

  const handlers: BridgeHandlers = {
    'app:info': async () => ({ version: options.appVersion, platform, mode: options.mode, osLocale, serverUrl }),
    'auth:signIn': async (args) => unwrap(await auth.signIn(args)),
    'auth:current': async () => unwrap(await auth.current()),
    'auth:accessToken': async (args) => unwrap(await auth.accessToken(args)),
    'auth:signOut': async () => unwrap(await auth.signOut()),
    'shell:openExternal': async ({ url }) => {
      if (!options.openExternal) {
        throw new MusterError(
          'forbidden',
          'Browser mode opens links in the page itself (use <a target="_blank" rel="noopener noreferrer">) / 浏览器模式下请直接使用链接打开',
        );
      }
      await options.openExternal(url);
      return {};
    },
    'links:takePending': async () => ({ tokens: links.take() }),
  };
  return { handlers, auth, links };
}
