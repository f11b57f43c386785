import { join } from 'node:path';
import { app, type BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, type Session } from 'electron';
import { MusterError } from '@shared/contract';
import { createBridgeDispatcher } from '../bridge/dispatcher';
import { buildContentSecurityPolicy } from '../content/csp';
import { resolveServerUrl } from '../services/config';
import { consoleLogger, describeError } from '../services/logger';
import { createMainServices } from '../services/services';
import { createDeepLinkQueue } from '../services/deep-links';
import { startUpdateChecks } from '../services/updates';
// CommonJS package: its default export is the module object in the ESM main process.
import updaterPkg from 'electron-updater';
import { installDeepLinks } from './deep-links';
import { createIpcEmitter, registerBridgeIpc } from './ipc';
import { APP_SCHEME, resolveAppOrigin, type AppOrigin } from './origin';
import { APP_SCHEME_PRIVILEGES, createAppProtocolHandler } from './protocol';
import { createSafeStorageBox } from './safe-storage-box';
import { installPermissionHandlers, installSecurityPolicy, safeExternalUrl } from './security';
import { createMainWindow } from './window';

/**
 * Electron main entry (electron-vite `main`). The edge stays thin: lifecycle, windows, security
 * policy and IPC binding; everything else is the plain-Node services in ../services.
 */

const log = consoleLogger('main');

// Must happen before `ready`: privileges cannot be granted to a scheme afterwards.
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: APP_SCHEME_PRIVILEGES }]);
// Every renderer sandboxed, even one a bug creates without our webPreferences.
app.enableSandbox();

function fail(message: string): void {
  log.error(message);
  dialog.showErrorBox('Muster', message);
  app.exit(1);
}

/** Development only: the Vite dev server sends no CSP of its own, so add ours (relaxed for HMR). */
function installDevCsp(ses: Session, appOrigin: AppOrigin, serverUrl: string): void {
  const csp = buildContentSecurityPolicy({ serverUrl, devServerOrigin: appOrigin.origin });
  ses.webRequest.onHeadersReceived({ urls: [`${appOrigin.origin}/*`] }, (details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
}

function main(): void {
  if (!app.requestSingleInstanceLock()) {
    // Another Muster is running; it gets a 'second-instance' event and comes to the front.
    app.quit();
    return;
  }

  let serverUrl: string;
  let appOrigin: AppOrigin;
  try {
    serverUrl = resolveServerUrl();
    appOrigin = resolveAppOrigin({ devServerUrl: process.env.ELECTRON_RENDERER_URL, isPackaged: app.isPackaged });
  } catch (e) {
    fail(`Muster cannot start: ${describeError(e)}`);
    return;
  }

  const windows = new Set<BrowserWindow>();
  const openExternal = async (url: string): Promise<void> => {
    const safe = safeExternalUrl(url);
    if (!safe) throw new MusterError('bad_request', 'Only http(s) links can be opened');
    await shell.openExternal(safe);
  };

  installSecurityPolicy(app, { appOrigin, openExternal, log });

  // Set once the app is ready; a link arriving before that finds the window opening anyway.
  let openWindow: (() => BrowserWindow) | null = null;
  const bringToFront = () => {
    const existing = windows.values().next().value;
    if (!existing) {
      openWindow?.(); // macOS: the app runs without windows
      return;
    }
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
  };
  // Before `ready`: macOS delivers the link that launched the app as an early `open-url`.
  const links = createDeepLinkQueue({ log });
  installDeepLinks({ app, queue: links, bringToFront, log, argv: process.argv, defaultApp: Boolean(process.defaultApp), execPath: process.execPath });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app
    .whenReady()
    .then(() => {
      const appPath = app.getAppPath();
      protocol.handle(APP_SCHEME, createAppProtocolHandler({ rendererDir: join(appPath, 'out', 'renderer'), serverUrl }));
      installPermissionHandlers(session.defaultSession, appOrigin, log);
      if (appOrigin.dev) installDevCsp(session.defaultSession, appOrigin, serverUrl);

      const services = createMainServices({
        dataDir: app.getPath('userData'),
        secretBox: createSafeStorageBox(safeStorage, { log }),
        serverUrl,
        emit: createIpcEmitter(() => [...windows].map((w) => w.webContents), appOrigin),
        mode: 'electron',
        appVersion: app.getVersion(),
        log,
        openExternal,
        osLocale: app.getPreferredSystemLanguages()[0] ?? app.getLocale(),
        links,
      });
      registerBridgeIpc({
        ipcMain,
        dispatcher: createBridgeDispatcher(services.handlers, { log, validateResults: !app.isPackaged }),
        appOrigin,
        log,
      });

      const open = (): BrowserWindow => {
        const window = createMainWindow({ preloadPath: join(appPath, 'out', 'preload', 'index.cjs'), startUrl: appOrigin.startUrl });
        windows.add(window);
        window.on('closed', () => windows.delete(window));
        return window;
      };
      openWindow = open;
      open();
      // Packaged builds with a feed (MUSTER_UPDATE_URL at build time) check for updates; the policy is in services/updates.ts.
      const stopUpdates = startUpdateChecks(
        updaterPkg.autoUpdater,
        { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, platform: process.platform, env: process.env },
        log,
      );
      app.on('will-quit', stopUpdates);
      app.on('activate', () => {
        if (windows.size === 0) open();
      });
    })
    .catch((e: unknown) => fail(`Muster failed to start: ${describeError(e)}`));
}

main();
