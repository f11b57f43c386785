import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { bridgeCalls, ipcChannel, type BridgeCallName } from '@shared/contract';
import { newInviteKeyPair, signInviteToken } from '@shared/rules/invite-token';

/** Fakes of the Electron modules the entry touches; rebuilt for every test (fresh module state). */
const electron = vi.hoisted(() => ({ current: null as null | ReturnType<typeof makeFakes> }));

function makeFakes(options: { gotLock: boolean; isPackaged?: boolean; ready?: Promise<void> }) {
  const order: string[] = [];
  const app = Object.assign(new EventEmitter(), {
    isPackaged: options.isPackaged ?? true,
    requestSingleInstanceLock: vi.fn(() => options.gotLock),
    quit: vi.fn(),
    exit: vi.fn(),
    enableSandbox: vi.fn(() => order.push('enableSandbox')),
    whenReady: vi.fn(() => {
      order.push('whenReady');
      return options.ready ?? Promise.resolve();
    }),
    setAsDefaultProtocolClient: vi.fn((_protocol: string, _path?: string, _args?: string[]) => true),
    getAppPath: () => '/opt/muster/resources/app.asar',
    getPath: () => '/tmp/muster-never-written',
    getVersion: () => '0.1.0',
    getLocale: () => 'zh-CN',
    getPreferredSystemLanguages: () => ['zh-Hans-CN'],
  });
  const windows: { options: { webPreferences: Record<string, unknown> }; url?: string; focus: ReturnType<typeof vi.fn>; restore: ReturnType<typeof vi.fn>; minimized: boolean }[] = [];
  class BrowserWindow extends EventEmitter {
    focus = vi.fn();
    restore = vi.fn();
    show = vi.fn();
    minimized = true;
    webContents = { send: vi.fn(), getURL: () => 'muster-app://app/index.html', isDestroyed: () => false };
    url?: string;
    constructor(public options: { webPreferences: Record<string, unknown> }) {
      super();
      windows.push(this);
    }
    isMinimized() {
      return this.minimized;
    }
    loadURL(url: string) {
      this.url = url;
      return Promise.resolve();
    }
  }
  const ipcHandlers = new Map<string, unknown>();
  return {
    order,
    windows,
    ipcHandlers,
    module: {
      app,
      BrowserWindow,
      dialog: { showErrorBox: vi.fn() },
      ipcMain: { handle: (c: string, h: unknown) => ipcHandlers.set(c, h), removeHandler: vi.fn() },
      protocol: {
        registerSchemesAsPrivileged: vi.fn(() => order.push('registerSchemesAsPrivileged')),
        handle: vi.fn(),
      },
      safeStorage: {},
      session: {
        defaultSession: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn(), webRequest: { onHeadersReceived: vi.fn() } },
      },
      shell: { openExternal: vi.fn(async () => {}) },
    },
  };
}

// The factory runs once per file; getters make every import see the current test's fakes.
vi.mock('electron', () => {
  const names = ['app', 'BrowserWindow', 'dialog', 'ipcMain', 'protocol', 'safeStorage', 'session', 'shell'] as const;
  return Object.defineProperties({}, Object.fromEntries(names.map((n) => [n, { enumerable: true, get: () => electron.current!.module[n] }])));
});

// electron-updater requires the real 'electron' (CommonJS) at load time; the entry only hands its autoUpdater on.
const updater = vi.hoisted(() => ({ checkForUpdatesAndNotify: vi.fn(async () => null) }));
vi.mock('electron-updater', () => ({ default: { autoUpdater: updater } }));

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('Electron entry', () => {
  const savedEnv = { ...process.env };
  beforeEach(() => {
    vi.resetModules();
    delete process.env.ELECTRON_RENDERER_URL;
    delete process.env.MUSTER_SERVER_URL;
  });
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('registers the privileged scheme before ready and wires everything once ready', async () => {
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    await import('../../../src/main/electron/index');
    await flush();
    const { module: m } = fakes;
    expect(m.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'muster-app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
    expect(fakes.order.indexOf('registerSchemesAsPrivileged')).toBeLessThan(fakes.order.indexOf('whenReady'));
    expect(m.app.enableSandbox).toHaveBeenCalled();
    expect(m.protocol.handle).toHaveBeenCalledWith('muster-app', expect.any(Function));
    expect(m.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(m.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    expect(m.session.defaultSession.webRequest.onHeadersReceived).not.toHaveBeenCalled(); // dev only
    expect([...fakes.ipcHandlers.keys()].sort()).toEqual((Object.keys(bridgeCalls) as BridgeCallName[]).map(ipcChannel).sort());
    expect(m.app.listenerCount('web-contents-created')).toBe(1);
    expect(fakes.windows).toHaveLength(1);
    expect(fakes.windows[0]!.url).toBe('muster-app://app/index.html');
    expect(fakes.windows[0]!.options.webPreferences).toMatchObject({
      preload: '/opt/muster/resources/app.asar/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
  });

  it('focuses the existing window when a second instance starts', async () => {
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    await import('../../../src/main/electron/index');
    await flush();
    fakes.module.app.emit('second-instance', {}, [], '/');
    expect(fakes.windows[0]!.restore).toHaveBeenCalled();
    expect(fakes.windows[0]!.focus).toHaveBeenCalled();
    expect(fakes.windows).toHaveLength(1);
  });

  it('quits at once when another instance holds the lock', async () => {
    const fakes = (electron.current = makeFakes({ gotLock: false }));
    await import('../../../src/main/electron/index');
    await flush();
    expect(fakes.module.app.quit).toHaveBeenCalled();
    expect(fakes.module.app.whenReady).not.toHaveBeenCalled();
    expect(fakes.windows).toHaveLength(0);
  });

  it('fails loudly on a bad MUSTER_SERVER_URL', async () => {
    process.env.MUSTER_SERVER_URL = 'ftp://example.com';
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await import('../../../src/main/electron/index');
    await flush();
    expect(fakes.module.dialog.showErrorBox).toHaveBeenCalledWith('Muster', expect.stringMatching(/MUSTER_SERVER_URL/));
    expect(fakes.module.app.exit).toHaveBeenCalledWith(1);
    expect(fakes.windows).toHaveLength(0);
  });

  it('loads the dev server only when unpackaged, with the dev CSP', async () => {
    process.env.ELECTRON_RENDERER_URL = 'http://localhost:5173';
    const packaged = (electron.current = makeFakes({ gotLock: true, isPackaged: true }));
    await import('../../../src/main/electron/index');
    await flush();
    expect(packaged.windows[0]!.url).toBe('muster-app://app/index.html');

    vi.resetModules();
    const dev = (electron.current = makeFakes({ gotLock: true, isPackaged: false }));
    await import('../../../src/main/electron/index');
    await flush();
    expect(dev.windows[0]!.url).toBe('http://localhost:5173/');
    expect(dev.module.session.defaultSession.webRequest.onHeadersReceived).toHaveBeenCalledWith({ urls: ['http://localhost:5173/*'] }, expect.any(Function));
  });
});

describe('Electron entry: join links (muster://join/<token>)', () => {
  const savedArgv = process.argv;
  const proc = process as { defaultApp?: boolean };
  const savedDefaultApp = proc.defaultApp;
  const token = signInviteToken({ kind: 'qr', keyId: 1, tag: new Uint8Array(8).fill(1), expiresAt: new Date(Date.UTC(2031, 0, 1)) }, newInviteKeyPair().secretKey);
  const link = `muster://join/${token}`;
  const trusted = { senderFrame: { url: 'muster-app://app/index.html', parent: null, detached: false, isDestroyed: () => false } };
  type Handler = (event: unknown, args: unknown) => Promise<unknown>;
  const takePending = (fakes: ReturnType<typeof makeFakes>) => (fakes.ipcHandlers.get(ipcChannel('links:takePending')) as Handler)(trusted, {});

  beforeEach(() => {
    vi.resetModules();
    delete process.env.ELECTRON_RENDERER_URL;
    delete process.env.MUSTER_SERVER_URL;
    process.argv = ['/opt/Muster/muster'];
    proc.defaultApp = undefined;
  });
  afterEach(() => {
    process.argv = savedArgv;
    proc.defaultApp = savedDefaultApp;
  });

  it('registers the muster: protocol (packaged: the executable itself)', async () => {
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    await import('../../../src/main/electron/index');
    await flush();
    expect(fakes.module.app.setAsDefaultProtocolClient).toHaveBeenCalledWith('muster');
  });

  it('registers the Electron binary with the app path in development (`electron .`)', async () => {
    proc.defaultApp = true;
    process.argv = ['/usr/lib/electron/electron', 'relative/app'];
    const fakes = (electron.current = makeFakes({ gotLock: true, isPackaged: false }));
    await import('../../../src/main/electron/index');
    await flush();
    const { resolve } = await import('node:path');
    expect(fakes.module.app.setAsDefaultProtocolClient).toHaveBeenCalledWith('muster', process.execPath, [resolve('relative/app')]);
  });

  it('a second launch with a link: the running instance comes to the front, tells the page, and keeps the token until taken', async () => {
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    await import('../../../src/main/electron/index');
    await flush();
    const window = fakes.windows[0]!;
    const send = (window as unknown as { webContents: { send: ReturnType<typeof vi.fn> } }).webContents.send;
    fakes.module.app.emit('second-instance', {}, ['C:\\Program Files\\Muster\\Muster.exe', '--flag', link], 'C:\\');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
    expect(send).toHaveBeenCalledWith(ipcChannel('links:join'), { token });
    // focused before the page is told, so the preview appears in a visible window
    expect(window.focus.mock.invocationCallOrder[0]!).toBeLessThan(send.mock.invocationCallOrder[0]!);
    expect(await takePending(fakes)).toEqual({ ok: true, value: { tokens: [token] } });
    expect(await takePending(fakes)).toEqual({ ok: true, value: { tokens: [] } });
  });

  it('a second launch with a hostile command line only focuses', async () => {
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    await import('../../../src/main/electron/index');
    await flush();
    const send = (fakes.windows[0] as unknown as { webContents: { send: ReturnType<typeof vi.fn> } }).webContents.send;
    for (const argv of [
      ['muster.exe', 'muster://join/../../etc/passwd'],
      ['muster.exe', `--inspect=${link}`],
      ['muster.exe', `${link} --remote-debugging-port=9222`],
      ['muster.exe', 'javascript:alert(1)', 'https://evil.example/join/x'],
      ['muster.exe', `muster://join/${'A'.repeat(200_000)}`],
      'not an array',
    ]) {
      fakes.module.app.emit('second-instance', {}, argv, '/');
    }
    expect(fakes.windows[0]!.focus).toHaveBeenCalledTimes(6);
    expect(send).not.toHaveBeenCalledWith(ipcChannel('links:join'), expect.anything());
    expect(await takePending(fakes)).toEqual({ ok: true, value: { tokens: [] } });
  });

  it('the link that launched the app (its own command line) waits for the renderer', async () => {
    process.argv = ['/opt/Muster/muster', link];
    const fakes = (electron.current = makeFakes({ gotLock: true }));
    await import('../../../src/main/electron/index');
    await flush();
    expect(await takePending(fakes)).toEqual({ ok: true, value: { tokens: [token] } });
  });

  it('macOS open-url before ready is kept, and open-url while running focuses and tells the page', async () => {
    let ready!: () => void;
    const fakes = (electron.current = makeFakes({ gotLock: true, ready: new Promise<void>((r) => (ready = r)) }));
    await import('../../../src/main/electron/index');
    const early = { preventDefault: vi.fn() };
    fakes.module.app.emit('open-url', early, link);
    expect(early.preventDefault).toHaveBeenCalled();
    expect(fakes.windows).toHaveLength(0);
    ready();
    await flush();
    expect(fakes.windows).toHaveLength(1);
    expect(await takePending(fakes)).toEqual({ ok: true, value: { tokens: [token] } });

    // all windows closed (macOS keeps running): a link opens a new one
    (fakes.windows[0] as unknown as EventEmitter).emit('closed');
    fakes.module.app.emit('open-url', { preventDefault: vi.fn() }, `${link}/`);
    expect(fakes.windows).toHaveLength(2);
    expect(await takePending(fakes)).toEqual({ ok: true, value: { tokens: [token] } });
  });

  it('a launch that loses the single-instance lock quits without touching the queue or the protocol', async () => {
    process.argv = ['/opt/Muster/muster', link];
    const fakes = (electron.current = makeFakes({ gotLock: false }));
    await import('../../../src/main/electron/index');
    await flush();
    expect(fakes.module.app.quit).toHaveBeenCalled();
    expect(fakes.module.app.listenerCount('second-instance')).toBe(0);
  });
});
