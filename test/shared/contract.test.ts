import { describe, expect, it, vi } from 'vitest';
import {
  bridgeCalls,
  bridgeEvents,
  createMusterApi,
  ipcChannel,
  socketRequests,
  httpRoutes,
  MessageBody,
  OrgSlug,
  resultSchema,
  badRequest,
  unwrap,
  MusterError,
  type BridgeTransport,
} from '@shared/contract';
import { MESSAGE_MAX_CHARS, HISTORY_PAGE_MAX, SEQ_MAX } from '@shared/rules/limits';

const uuid = '6f1c2b1e-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

function recordingTransport() {
  const invoked: Array<{ channel: string; args: unknown }> = [];
  const listeners = new Map<string, (p: unknown) => void>();
  const transport: BridgeTransport = {
    invoke: async (channel, args) => {
      invoked.push({ channel, args });
      return { ok: true, value: {} };
    },
    subscribe: (channel, listener) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
  };
  return { transport, invoked, listeners };
}

describe('window.muster is built from the contract and nothing else', () => {
  it('exposes one function per declared call and one subscriber per declared event', () => {
    const api = createMusterApi(recordingTransport().transport) as unknown as Record<string, Record<string, unknown>>;
    const exposed = Object.entries(api).flatMap(([ns, methods]) => Object.keys(methods).map((m) => `${ns}.${m}`));
    const expected = [
      ...Object.keys(bridgeCalls).map((n) => n.replace(':', '.')),
      ...Object.keys(bridgeEvents).map((n) => {
        const [ns, ev] = n.split(':') as [string, string];
        return `${ns}.on${ev[0]!.toUpperCase()}${ev.slice(1)}`;
      }),
    ];
    expect(exposed.sort()).toEqual(expected.sort());
    for (const methods of Object.values(api)) for (const fn of Object.values(methods)) expect(typeof fn).toBe('function');
    expect(api).not.toHaveProperty('invoke');
  });

  it('forwards parsed arguments on the namespaced channel', async () => {
    const { transport, invoked } = recordingTransport();
    const api = createMusterApi(transport);
    await api.auth.signIn({ org: '  DEMO ', account: ' lina ', password: 'pw' });
    expect(invoked).toEqual([{ channel: 'muster:auth:signIn', args: { org: 'demo', account: 'lina', password: 'pw' } }]);
    await api.auth.accessToken({});
    expect(invoked[1]).toEqual({ channel: ipcChannel('auth:accessToken'), args: { forceRefresh: false } });
  });

  it('answers bad arguments with bad_request before anything crosses the bridge', async () => {
    const { transport, invoked } = recordingTransport();
    const api = createMusterApi(transport);
    const hostile: unknown[] = [
      { org: 'demo', account: 'a', password: 42 },
      { org: '../etc', account: 'a', password: 'x' },
      { org: 'demo', account: '', password: 'x' },
      { org: 'demo', account: 'a', password: 'x'.repeat(10_000) },
      'not an object',
      null,
    ];
    for (const args of hostile) {
      const result = await api.auth.signIn(args as never);
      expect(result.ok, JSON.stringify(args)).toBe(false);
      if (!result.ok) expect(result.error.code).toBe('bad_request');
    }
    expect(invoked).toHaveLength(0);
  });

  it('only lets validated http(s) links through to the OS browser', async () => {
    const { transport, invoked } = recordingTransport();
    const api = createMusterApi(transport);
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'data:text/html,x', 'muster-app://app/x', 'https://', 'ftp://example.com']) {
      const r = await api.shell.openExternal({ url });
      expect(r.ok, url).toBe(false);
    }
    expect(invoked).toHaveLength(0);
    expect((await api.shell.openExternal({ url: 'https://example.com/a?b=c' })).ok).toBe(true);
    expect((await api.shell.openExternal({ url: 'http://10.0.0.5/wiki' })).ok).toBe(true); // intranet links too
  });

  it('drops event payloads that do not match the declared schema', () => {
    const { transport, listeners } = recordingTransport();
    const api = createMusterApi(transport);
    const seen = vi.fn();
    const off = api.auth.onSessionEnded(seen);
    const deliver = listeners.get(ipcChannel('auth:sessionEnded'))!;
    deliver({ reason: 'revoked' });
    deliver({ reason: 'because' });
    deliver(null);
    expect(seen).toHaveBeenCalledTimes(1);
    expect(seen).toHaveBeenCalledWith({ reason: 'revoked' });
    off();
    expect(listeners.size).toBe(0);
    expect(() => api.auth.onSessionEnded('nope' as never)).toThrow(TypeError);
  });
});

describe('wire schemas refuse hostile payloads', () => {
  const send = socketRequests['messages:send'].request;
  const page = socketRequests['messages:page'].request;

  it('message bodies are non-blank, bounded and kept verbatim', () => {
    expect(MessageBody.safeParse('  hi  ').data).toBe('  hi  ');
    expect(MessageBody.safeParse('   \n\t').success).toBe(false);
    expect(MessageBody.safeParse('x'.repeat(MESSAGE_MAX_CHARS)).success).toBe(true);
    expect(MessageBody.safeParse('x'.repeat(MESSAGE_MAX_CHARS + 1)).success).toBe(false);
    expect(send.safeParse({ groupId: uuid, clientId: uuid, body: 'ok' }).success).toBe(true);
    for (const bad of [
      { groupId: 'g1', clientId: uuid, body: 'ok' },
      { groupId: uuid, clientId: 'retry-1', body: 'ok' },
      { groupId: uuid, clientId: uuid, body: { toString: 'x' } },
      { groupId: uuid, clientId: uuid },
    ]) {
      expect(send.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
    // Unknown keys, __proto__ included, are stripped rather than carried into services.
    const polluted = send.parse(JSON.parse(`{"__proto__": {"admin": true}, "extra": 1, "groupId": "${uuid}", "clientId": "${uuid}", "body": "hi"}`));
    expect(Object.keys(polluted).sort()).toEqual(['body', 'clientId', 'groupId']);
    expect((polluted as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.getPrototypeOf(polluted)).toBe(Object.prototype);
  });

  it('history pages are bounded and directions exclusive', () => {
    expect(page.parse({ groupId: uuid }).limit).toBeGreaterThan(0);
    expect(page.safeParse({ groupId: uuid, limit: HISTORY_PAGE_MAX + 1 }).success).toBe(false);
    expect(page.safeParse({ groupId: uuid, beforeSeq: 0 }).success).toBe(false);
    expect(page.safeParse({ groupId: uuid, beforeSeq: 5, afterSeq: 1 }).success).toBe(false);
    expect(page.safeParse({ groupId: uuid, afterSeq: 1.5 }).success).toBe(false);
    // sequence numbers are stored as integer: larger ones are bad input, not a database error
    expect(page.safeParse({ groupId: uuid, beforeSeq: SEQ_MAX }).success).toBe(true);
    expect(page.safeParse({ groupId: uuid, beforeSeq: SEQ_MAX + 1 }).success).toBe(false);
    expect(socketRequests['groups:markRead'].request.safeParse({ groupId: uuid, seq: 2 ** 31 }).success).toBe(false);
  });

  it('organization codes are normalised and restricted', () => {
    expect(OrgSlug.parse(' Demo ')).toBe('demo');
    for (const bad of ['', 'a', '-demo', 'de mo', 'd'.repeat(64), '演示']) expect(OrgSlug.safeParse(bad).success, bad).toBe(false);
  });

  it('sign-in refuses missing or oversized fields', () => {
    const req = httpRoutes.signIn.request;
    expect(req.safeParse({ org: 'demo', account: 'lina', password: 'muster-demo' }).success).toBe(true);
    expect(req.safeParse({ org: 'demo', account: 'lina' }).success).toBe(false);
    expect(req.safeParse({ org: 'demo', account: 'l'.repeat(65), password: 'x' }).success).toBe(false);
  });
});

describe('results', () => {
  it('badRequest lists each issue with its path', () => {
    const parsed = socketRequests['messages:send'].request.safeParse({ groupId: 1 });
    expect(parsed.success).toBe(false);
    const e = badRequest(parsed.error!.issues, 'messages:send');
    expect(e.error.code).toBe('bad_request');
    expect(e.error.message).toContain('groupId');
    expect((e.error.details?.issues as unknown[]).length).toBeGreaterThanOrEqual(3);
  });

  it('resultSchema rejects answers that are neither ok nor a typed error', () => {
    const schema = resultSchema(bridgeCalls['app:info'].result);
    expect(schema.safeParse({ ok: false, error: { code: 'forbidden', message: 'no' } }).success).toBe(true);
    expect(schema.safeParse({ ok: false, error: { code: 'teapot', message: 'no' } }).success).toBe(false);
    expect(schema.safeParse({ ok: true, value: { version: 1 } }).success).toBe(false);
    expect(schema.safeParse(undefined).success).toBe(false);
  });

  it('unwrap throws a MusterError carrying the code', () => {
    expect(unwrap({ ok: true, value: 3 })).toBe(3);
    try {
      unwrap({ ok: false, error: { code: 'rate_limited', message: 'slow down', details: { retryAfterSeconds: 60 } } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(MusterError);
      expect((e as MusterError).code).toBe('rate_limited');
      expect((e as MusterError).details).toEqual({ retryAfterSeconds: 60 });
    }
  });
});
