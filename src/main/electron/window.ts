import { BrowserWindow } from 'electron';

/**
 * The renderer runs with every Electron hardening switch on (Electron security checklist): no
 * Node, isolated and sandboxed preload, web security, no insecure content, no <webview>, no
 * middle-click navigation (auxclick).
 *
 * The settings are written as a literal right where the window is created, not built by a helper:
 * static scanners (Electronegativity) read the call site and would otherwise report them missing.
 */
export function createMainWindow(options: { preloadPath: string; startUrl: string }): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    show: false, // shown once painted, so the user never sees a blank frame
    title: 'Muster',
    webPreferences: {
      preload: options.preloadPath,
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
      disableBlinkFeatures: 'Auxclick',
    },
  });
  window.once('ready-to-show', () => window.show());
  void window.loadURL(options.startUrl);
  return window;
}
