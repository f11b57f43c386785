import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel, MusterError } from '@shared/contract';
import { createBridgeDispatcher, type BridgeHandlers } from '../../../src/main/bridge/dispatcher';
import { recordingLogger } from '../helpers/temp';

const profile = null;

function handlers(): { [K in keyof BridgeHandlers]: ReturnType<typeof vi.fn> & BridgeHandlers[K] } {
  return {
    'app:info': vi.fn(async () => ({ version: '1.0.0', platform: 'linux', mode: 'browser' as const, osLocale: 'zh-CN', serverUrl: 'http://127.0.0.1:7800' })),
    'auth:signIn': vi.fn(async () => {
      throw new MusterError('invalid_credentials', 'Wrong organization, account or password');
    }),
    'auth:current': vi.fn(async () => ({ profile })),
    'auth:accessToken': vi.fn(async () => ({ accessToken: 'at', expiresAt: '2026-03-01T08:15:00.000Z' })),
    'auth:signOut': vi.fn(async () => ({})),
    'shell:openExternal': vi.fn(async () => ({})),
  } as never;
}

describe('bridge dispatcher', () => {
  let h: ReturnType<typeof handlers>;
  let log: ReturnType<typeof recordingLogger>;
  let dispatcher: ReturnType<typeof createBridgeDispatcher>;
  beforeEach(() => {
    h = handlers();
    log = recordingLogger();
    dispatcher = createBridgeDispatcher(h, { log, validateResults: true });
  });
  const noHandlerRan = () => Object.values(h).forEach((fn) => expect(fn).not.toHaveBeenCalled());

  it('runs a valid call and returns its value as ok', async () => {
    expect(await dispatcher.dispatch(ipcChannel('auth:current'), {})).toEqual({ ok: true, value: { profile: null } });
    expect(h['auth:current']).toHaveBeenCalledWith({});
  });

  it.each([
    ['an unknown name', 'muster:fs:readFile'],
    ['a bare call name without the channel prefix', 'auth:signIn'],
    ['a prototype key', 'muster:__proto__'],
    ['constructor', 'constructor'],
    ['toString', 'toString'],
    ['a number', 42],
    ['null', null],
    ['an object', { toString: () => 'muster:auth:current' }],
  ])('refuses %s as bad_request', async (_what, channel) => {
    const result = await dispatcher.dispatch(channel, {});
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_request', message: expect.stringMatching(/Unknown bridge call/) } });
    noHandlerRan();
  });

  it.each([
    ['wrong types', { org: 42, account: 'zhangwei', password: 'x' }],
    ['missing fields', { org: 'demo' }],
    ['an invalid org code', { org: '../etc', account: 'zhangwei', password: 'muster-demo' }],
    ['an array', ['demo', 'zhangwei', 'muster-demo']],
    ['a string', 'demo'],
    ['null', null],
  ])('refuses %s with the schema issues', async (_what, args) => {
    const result = await dispatcher.dispatch(ipcChannel('auth:signIn'), args);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('bad_request');
    expect(Array.isArray(result.error.details?.issues)).toBe(true);
    expect((result.error.details?.issues as unknown[]).length).toBeGreaterThan(0);
    noHandlerRan();
  });

  it('strips extra and prototype keys before the handler sees the args', async () => {
    const hostile = JSON.parse('{"forceRefresh": true, "__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}, "extra": 1}');
    await dispatcher.dispatch(ipcChannel('auth:accessToken'), hostile);
    const received = h['auth:accessToken'].mock.calls[0]![0] as Record<string, unknown>;
    expect(received).toEqual({ forceRefresh: true });
    expect(Object.keys(received)).toEqual(['forceRefresh']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(received)).toBe(Object.prototype);
  });

  it('applies contract defaults and treats missing args as {}', async () => {
    await dispatcher.dispatch(ipcChannel('auth:accessToken'), undefined);
    expect(h['auth:accessToken']).toHaveBeenCalledWith({ forceRefresh: false });
  });

  it('refuses a non-http(s) link for openExternal', async () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'muster-app://app/']) {
      const result = await dispatcher.dispatch(ipcChannel('shell:openExternal'), { url });
      expect(result).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    noHandlerRan();
  });

  it('turns a thrown MusterError into its Err', async () => {
    const result = await dispatcher.dispatch(ipcChannel('auth:signIn'), { org: 'demo', account: 'zhangwei', password: 'wrong' });
    expect(result).toEqual({ ok: false, error: { code: 'invalid_credentials', message: 'Wrong organization, account or password' } });
  });

  it('turns any other throw into a generic internal error and logs the details', async () => {
    h['auth:current'].mockImplementationOnce(async () => {
      throw new Error('ENOENT /home/user/secret/path');
    });
    const result = await dispatcher.dispatch(ipcChannel('auth:current'), {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: 'Unexpected error in auth:current' } });
    expect(JSON.stringify(result)).not.toContain('secret');
    expect(log.lines.some((l) => l.level === 'error' && String(l.context?.error).includes('ENOENT'))).toBe(true);
  });

  it('catches contract drift in a handler result (dev/test)', async () => {
    h['app:info'].mockImplementationOnce(async () => ({ version: 1 }) as never);
    expect(await dispatcher.dispatch(ipcChannel('app:info'), {})).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(log.lines.some((l) => /does not match the contract/.test(l.message))).toBe(true);

    const lenient = createBridgeDispatcher(h, { log, validateResults: false });
    h['app:info'].mockImplementationOnce(async () => ({ version: 1 }) as never);
    expect(await lenient.dispatch(ipcChannel('app:info'), {})).toEqual({ ok: true, value: { version: 1 } });
  });
});
