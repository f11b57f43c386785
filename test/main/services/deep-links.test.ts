import { describe, expect, it, vi } from 'vitest';
import { newInviteKeyPair, signInviteToken } from '@shared/rules/invite-token';
import { createDeepLinkQueue, DEEP_LINK_QUEUE_MAX, joinLinkFromArgv } from '../../../src/main/services/deep-links';
import { silentLogger } from '../../../src/main/services/logger';
import { createMainServices } from '../../../src/main/services/services';
import { tempDir } from '../helpers/temp';

const { secretKey } = newInviteKeyPair();
const tokenOf = (n: number) =>
  signInviteToken({ kind: 'qr', keyId: 1, tag: new Uint8Array(8).fill(n), expiresAt: new Date(Date.UTC(2031, 0, 1)) }, secretKey);
const a = tokenOf(1);
const b = tokenOf(2);

describe('deep-link queue', () => {
  it('keeps join links until taken, oldest first, and empties on take', () => {
    const q = createDeepLinkQueue({ log: silentLogger });
    expect(q.offer(`muster://join/${a}`)).toBe(true);
    expect(q.offer(`https://muster.example.com/join/${b}`)).toBe(true);
    expect(q.size).toBe(2);
    expect(q.take()).toEqual([a, b]);
    expect(q.take()).toEqual([]);
  });

  it('tells listeners of each arrival; the same link twice is one entry', () => {
    const q = createDeepLinkQueue({ log: silentLogger });
    const heard: string[] = [];
    const off = q.onArrival((t) => heard.push(t));
    q.offer(`muster://join/${a}`);
    q.offer(`muster://join/${b}`);
    q.offer(`muster://join/${a}`);
    expect(heard).toEqual([a, b, a]);
    expect(q.take()).toEqual([b, a]);
    off();
    q.offer(`muster://join/${a}`);
    expect(heard).toHaveLength(3);
  });

  it('refuses anything that is not a join link, and never queues a URL', () => {
    const warn = vi.fn();
    const q = createDeepLinkQueue({ log: { ...silentLogger, warn } });
    for (const bad of ['muster://join/../x', 'javascript:alert(1)', 'https://example.com/', 'muster://settings', '', 'x'.repeat(100_000), `muster://join/${a}\u202e`]) {
      expect(q.offer(bad)).toBe(false);
    }
    expect(q.offer(undefined as unknown as string)).toBe(false);
    expect(q.size).toBe(0);
    expect(warn).toHaveBeenCalled();
    // the log line never repeats the hostile text
    for (const [message] of warn.mock.calls) expect(String(message)).not.toMatch(/javascript|\.\./);
  });

  it('caps the queue, keeping the newest', () => {
    const q = createDeepLinkQueue({ log: silentLogger });
    const tokens = Array.from({ length: DEEP_LINK_QUEUE_MAX + 3 }, (_, i) => tokenOf(10 + i));
    for (const t of tokens) q.offer(t);
    expect(q.take()).toEqual(tokens.slice(3));
  });
});

describe('joinLinkFromArgv', () => {
  it('finds the muster link among the arguments', () => {
    expect(joinLinkFromArgv(['C:\\Muster\\Muster.exe', '--allow-file-access-from-files', `muster://join/${a}`])).toBe(`muster://join/${a}`);
    expect(joinLinkFromArgv(['/usr/bin/electron', '/home/me/muster', `MUSTER://join/${a}/`])).toBe(`MUSTER://join/${a}/`);
  });

  it.each([
    ['no link', ['/opt/Muster/muster']],
    ['an http link', ['muster.exe', `https://muster.example.com/join/${a}`]],
    ['a bare token', ['muster.exe', a]],
    ['a switch carrying a link', ['muster.exe', `--inspect=muster://join/${a}`]],
    ['a link glued to a switch', ['muster.exe', `muster://join/${a} --inspect=9229`]],
    ['traversal', ['muster.exe', 'muster://join/../../etc/passwd']],
    ['another muster path', ['muster.exe', `muster://open/${a}`]],
    ['non-strings', [null, 42, { toString: () => `muster://join/${a}` }]],
    ['a huge argument', ['muster.exe', `muster://join/${'A'.repeat(1_000_000)}`]],
  ])('ignores %s', (_, argv) => {
    expect(joinLinkFromArgv(argv as unknown[])).toBeNull();
  });

  it('ignores a non-array', () => {
    expect(joinLinkFromArgv('muster://join/x' as unknown as string[])).toBeNull();
  });
});

describe('links:takePending (main services)', () => {
  it('hands queued tokens to the renderer once and tells running pages', async () => {
    const emit = vi.fn();
    const dir = await tempDir();
    const services = createMainServices({
      dataDir: dir.path,
      secretBox: { encrypt: async (b: Buffer) => b, decrypt: async (b: Buffer) => b, kind: 'key-file' },
      serverUrl: 'http://127.0.0.1:9',
      emit,
      mode: 'electron',
      appVersion: '0.0.0',
      log: silentLogger,
    });
    services.links.offer(`muster://join/${a}`);
    expect(emit).toHaveBeenCalledWith('links:join', { token: a });
    expect(await services.handlers['links:takePending']({})).toEqual({ tokens: [a] });
    expect(await services.handlers['links:takePending']({})).toEqual({ tokens: [] });
    await dir.cleanup();
  });
});
