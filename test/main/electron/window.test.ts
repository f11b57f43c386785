import { beforeEach, describe, expect, it, vi } from 'vitest';

const created = vi.hoisted(() => [] as { options: Record<string, unknown>; loaded: string[]; handlers: Map<string, () => void>; show: ReturnType<typeof vi.fn> }[]);

vi.mock('electron', () => ({
  BrowserWindow: class {
    loaded: string[] = [];
    handlers = new Map<string, () => void>();
    show = vi.fn();
    constructor(public options: Record<string, unknown>) {
      created.push(this);
    }
    once(event: string, fn: () => void) {
      this.handlers.set(event, fn);
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
  },
}));

const { createMainWindow } = await import('../../../src/main/electron/window');

describe('main window', () => {
  beforeEach(() => {
    created.length = 0;
  });

  it('uses exactly the hardened webPreferences', () => {
    createMainWindow({ preloadPath: '/app/out/preload/index.cjs', startUrl: 'muster-app://app/index.html' });
    expect(created).toHaveLength(1);
    expect(created[0]!.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
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
    });
  });

  it('loads the app URL and shows the window only once painted', () => {
    createMainWindow({ preloadPath: '/p', startUrl: 'muster-app://app/index.html' });
    const window = created[0]!;
    expect(window.options.show).toBe(false);
    expect(window.loaded).toEqual(['muster-app://app/index.html']);
    expect(window.show).not.toHaveBeenCalled();
    window.handlers.get('ready-to-show')!();
    expect(window.show).toHaveBeenCalledOnce();
  });
});
