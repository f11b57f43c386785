import { describe, expect, it } from 'vitest';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS, startUpdateChecks, updateDecision, type UpdateEnvironment, type UpdateTimers } from '../../../src/main/services/updates';
import type { Logger } from '../../../src/main/services/logger';

const packaged = (over: Partial<UpdateEnvironment> = {}): UpdateEnvironment => ({
  isPackaged: true,
  resourcesPath: '/Applications/Muster.app/Contents/Resources',
  platform: 'darwin',
  env: {},
  exists: (p) => p === '/Applications/Muster.app/Contents/Resources/app-update.yml',
  ...over,
});

function capture(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m) => lines.push(`info ${m}`), warn: (m) => lines.push(`warn ${m}`), error: (m) => lines.push(`error ${m}`) };
}

function fakeTimers() {
  const pending: { fn: () => void; ms: number; repeat: boolean; cleared: boolean }[] = [];
  const timers: UpdateTimers = {
    setTimeout: (fn, ms) => (pending.push({ fn, ms, repeat: false, cleared: false }), pending.at(-1)),
    setInterval: (fn, ms) => (pending.push({ fn, ms, repeat: true, cleared: false }), pending.at(-1)),
    clear: (h) => void ((h as { cleared: boolean }).cleared = true),
  };
  return { timers, pending };
}

describe('updateDecision', () => {
  it('checks in a packaged Windows or macOS build that has a feed', () => {
    expect(updateDecision(packaged())).toEqual({ check: true });
    expect(updateDecision(packaged({ platform: 'win32', resourcesPath: 'C:/M/resources', exists: () => true }))).toEqual({ check: true });
  });

  it('does not check in development, without a feed, on Linux, or when IT turned it off', () => {
    expect(updateDecision(packaged({ isPackaged: false }))).toMatchObject({ check: false, reason: expect.stringMatching(/development/) });
    expect(updateDecision(packaged({ exists: () => false }))).toMatchObject({ check: false, reason: expect.stringMatching(/MUSTER_UPDATE_URL/) });
    expect(updateDecision(packaged({ platform: 'linux' }))).toMatchObject({ check: false });
    expect(updateDecision(packaged({ env: { MUSTER_DISABLE_UPDATES: '1' } }))).toMatchObject({ check: false, reason: expect.stringMatching(/MUSTER_DISABLE_UPDATES/) });
  });
});

describe('startUpdateChecks', () => {
  it('checks after a delay and then periodically; a failure is logged, not thrown, and the next check still runs', async () => {
    const { timers, pending } = fakeTimers();
    const log = capture();
    let calls = 0;
    const updater = { checkForUpdatesAndNotify: () => (++calls === 1 ? Promise.reject(new Error('getaddrinfo ENOTFOUND')) : Promise.resolve(null)) };
    const stop = startUpdateChecks(updater, packaged(), log, timers);
    expect(pending.map((p) => [p.ms, p.repeat])).toEqual([
      [FIRST_CHECK_DELAY_MS, false],
      [CHECK_INTERVAL_MS, true],
    ]);
    pending[0]!.fn();
    await new Promise((r) => setTimeout(r, 0));
    expect(log.lines).toEqual(['warn update check failed (will try again later): Error: getaddrinfo ENOTFOUND']);
    pending[1]!.fn();
    await new Promise((r) => setTimeout(r, 0));
    expect(calls).toBe(2);
    stop();
    expect(pending.every((p) => p.cleared)).toBe(true);
  });

  it('does not overlap checks', () => {
    const { timers, pending } = fakeTimers();
    let calls = 0;
    startUpdateChecks({ checkForUpdatesAndNotify: () => (calls++, new Promise(() => {})) }, packaged(), capture(), timers);
    pending[0]!.fn();
    pending[1]!.fn();
    expect(calls).toBe(1);
  });

  it('says why it does not check, and schedules nothing', () => {
    const { timers, pending } = fakeTimers();
    const log = capture();
    startUpdateChecks({ checkForUpdatesAndNotify: () => Promise.resolve() }, packaged({ isPackaged: false }), log, timers);
    expect(pending).toEqual([]);
    expect(log.lines).toEqual(['info update checks off: not a packaged build (development)']);
  });
});
