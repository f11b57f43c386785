import { BrowserWindow, type WebPreferences } from 'electron';

/**
 * The renderer runs with every Electron hardening switch on (Electron security checklist): no
 * Node, isolated and sandboxed preload, web security, no insecure content, no <webview>.
 * The object is built in one function so tests can assert the exact set.
 */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
  };
}

export function createMainWindow(options: { preloadPath: string; startUrl: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false, // shown once painted, so the user never sees a blank frame
    title: 'Muster',
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.startUrl);
  return window;
}
