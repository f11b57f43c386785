import { EventEmitter } from 'node:events';
import type { App, HandlerDetails, Session, WebContents, WindowOpenHandlerResponse } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { resolveAppOrigin } from '../../../src/main/electron/origin';
import { hardenWebContents, installPermissionHandlers, installSecurityPolicy, isPermissionAllowed, safeExternalUrl } from '../../../src/main/electron/security';
import { recordingLogger } from '../helpers/temp';

// The edge must never need the real binary; nothing here should touch these.
vi.mock('electron', () => ({}));

class FakeWebContents extends EventEmitter {
  openHandler: ((details: HandlerDetails) => WindowOpenHandlerResponse) | null = null;
  setWindowOpenHandler(handler: (details: HandlerDetails) => WindowOpenHandlerResponse) {
    this.openHandler = handler;
  }
}
const event = () => ({ preventDefault: vi.fn() });
const packaged = resolveAppOrigin({ devServerUrl: undefined, isPackaged: true });

describe('web contents hardening', () => {
  let contents: FakeWebContents;
  let openExternal: ReturnType<typeof vi.fn<(url: string) => Promise<void>>>;
  beforeEach(() => {
    contents = new FakeWebContents();
    openExternal = vi.fn(async () => {});
    hardenWebContents(contents as unknown as WebContents, { appOrigin: packaged, openExternal, log: recordingLogger() });
  });

  it.each(['will-navigate', 'will-redirect'])('%s: stays on the app origin, refuses anything else', (name) => {
    const allowed = event();
    contents.emit(name, allowed, 'muster-app://app/groups/1');
    expect(allowed.preventDefault).not.toHaveBeenCalled();
    for (const url of ['https://evil.example/', 'http://127.0.0.1:7800/', 'file:///etc/passwd', 'muster-app://evil/', 'muster-app://user@app/', 'data:text/html,hi', 'javascript:alert(1)', 'not a url']) {
      const e = event();
      contents.emit(name, e, url);
      expect(e.preventDefault, url).toHaveBeenCalled();
    }
  });

  it('refuses every <webview>', () => {
    const e = event();
    contents.emit('will-attach-webview', e, {}, {});
    expect(e.preventDefault).toHaveBeenCalled();
  });

  it('denies window.open always; only http(s) goes to the OS browser', () => {
    const open = (url: string) => contents.openHandler!({ url, frameName: '', features: '', disposition: 'new-window', referrer: { url: '', policy: 'no-referrer' } } as HandlerDetails);
    expect(open('https://example.com/docs?q=1')).toEqual({ action: 'deny' });
    expect(open('http://example.com/')).toEqual({ action: 'deny' });
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,<script>1</script>', 'muster-app://app/index.html', 'smb://share/x', 'https://user:pw@example.com/', 'garbage']) {
      expect(open(url)).toEqual({ action: 'deny' });
    }
    expect(openExternal.mock.calls.map((c) => c[0])).toEqual(['https://example.com/docs?q=1', 'http://example.com/']);
  });

  it('is installed on every web contents the app creates', () => {
    const app = new EventEmitter();
    installSecurityPolicy(app as unknown as App, { appOrigin: packaged, openExternal, log: recordingLogger() });
    const later = new FakeWebContents();
    app.emit('web-contents-created', {}, later);
    const e = event();
    later.emit('will-navigate', e, 'https://evil.example/');
    expect(e.preventDefault).toHaveBeenCalled();
    expect(later.openHandler).not.toBeNull();
  });

  it('normalizes safe external URLs and rejects the rest', () => {
    expect(safeExternalUrl('HTTPS://Example.com')).toBe('https://example.com/');
    expect(safeExternalUrl('ftp://example.com')).toBeNull();
  });
});

describe('permission handlers', () => {
  type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
  type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
  let request: NonNullable<RequestHandler>;
  let check: NonNullable<CheckHandler>;
  const install = (appOrigin = packaged) => {
    const session = {
      setPermissionRequestHandler: (h: RequestHandler) => (request = h!),
      setPermissionCheckHandler: (h: CheckHandler) => (check = h!),
    };
    installPermissionHandlers(session as unknown as Session, appOrigin, recordingLogger());
  };
  // mediaTypes null: the request does not say which media it wants
  const ask = (permission: string, requestingUrl: string, isMainFrame = true, mediaTypes: ('video' | 'audio')[] | null = ['video']) => {
    let granted: boolean | undefined;
    const details = mediaTypes ? { requestingUrl, isMainFrame, mediaTypes } : { requestingUrl, isMainFrame };
    request({} as WebContents, permission as 'media', (g) => (granted = g), details as Parameters<typeof request>[3]);
    return granted;
  };

  it('grants the camera, never the microphone, and only to the app origin', () => {
    install();
    expect(ask('media', 'muster-app://app/index.html', true, ['video'])).toBe(true);
    expect(ask('media', 'muster-app://app/index.html', true, ['audio'])).toBe(false);
    expect(ask('media', 'muster-app://app/index.html', true, ['video', 'audio'])).toBe(false);
    expect(ask('media', 'muster-app://app/index.html', true, [])).toBe(false);
    expect(ask('media', 'muster-app://app/index.html', true, null)).toBe(false);
  });

  it('grants the camera to the app origin only', () => {
    install();
    expect(ask('media', 'muster-app://app/index.html')).toBe(true);
    expect(ask('media', 'https://evil.example/')).toBe(false);
    expect(ask('media', 'muster-app://other/')).toBe(false);
    expect(ask('media', 'file:///x.html')).toBe(false);
    expect(ask('media', 'muster-app://app/index.html', false)).toBe(false); // an iframe
  });

  it('denies everything else, even to the app', () => {
    install();
    for (const permission of ['geolocation', 'notifications', 'display-capture', 'clipboard-read', 'openExternal', 'usb', 'hid', 'serial', 'midiSysex', 'fullscreen']) {
      expect(ask(permission, 'muster-app://app/index.html'), permission).toBe(false);
    }
  });

  it('answers permission checks the same way', () => {
    install();
    expect(check(null, 'media', 'muster-app://app', { isMainFrame: true, requestingUrl: 'muster-app://app/index.html', mediaType: 'video' })).toBe(true);
    expect(check(null, 'media', 'muster-app://app', { isMainFrame: true, mediaType: 'video' })).toBe(true);
    expect(check(null, 'media', 'muster-app://app', { isMainFrame: true, mediaType: 'audio' })).toBe(false);
    expect(check(null, 'media', 'muster-app://app', { isMainFrame: true, mediaType: 'unknown' })).toBe(false);
    expect(check(null, 'media', 'https://evil.example', { isMainFrame: true, mediaType: 'video' })).toBe(false);
    expect(check(null, 'geolocation', 'muster-app://app', { isMainFrame: true })).toBe(false);
  });

  it('uses the dev server origin in development', () => {
    const dev = resolveAppOrigin({ devServerUrl: 'http://localhost:5173/', isPackaged: false });
    expect(isPermissionAllowed(dev, 'media', 'http://localhost:5173/index.html', true, ['video'])).toBe(true);
    expect(isPermissionAllowed(dev, 'media', 'muster-app://app/index.html', true, ['video'])).toBe(false);
  });
});

describe('app origin', () => {
  it('ignores the dev server URL in a packaged app and refuses a remote one', () => {
    expect(resolveAppOrigin({ devServerUrl: 'http://localhost:5173', isPackaged: true }).origin).toBe('muster-app://app');
    expect(() => resolveAppOrigin({ devServerUrl: 'https://evil.example', isPackaged: false })).toThrow(/localhost/);
  });
});
