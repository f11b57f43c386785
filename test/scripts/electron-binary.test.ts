import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findElectron, installAdvice, platformExecutable, summarizeFetchError, type ElectronProbe } from '../../scripts/lib/electron-binary';

/**
 * The launcher's Electron decision with a fake file system and a fake download: nothing here
 * touches the network or the real node_modules/electron.
 */
const PKG = '/repo/node_modules/electron';

function probe(over: Partial<ElectronProbe> & { files?: Record<string, string>; download?: (files: Record<string, string>) => string | null } = {}) {
  const files: Record<string, string> = { ...(over.files ?? {}) };
  const said: string[] = [];
  let fetches = 0;
  const p: ElectronProbe = {
    env: {},
    platform: 'linux',
    packageDir: PKG,
    version: '45.4.1',
    exists: (path) => path in files,
    readText: (path) => files[path] ?? null,
    fetchBinary: async () => {
      fetches++;
      return over.download ? over.download(files) : 'TypeError: fetch failed';
    },
    say: (l) => said.push(l),
    ...over,
  };
  return { p, said, fetches: () => fetches };
}

/** What a successful install.js leaves behind. */
const unpack = (files: Record<string, string>) => {
  files[join(PKG, 'path.txt')] = 'electron';
  files[join(PKG, 'dist', 'electron')] = 'ELF';
  return null;
};

describe('findElectron', () => {
  it('Electron ≥ 45 after `npm install`: no path.txt yet — it lets the package fetch the binary and starts it (the old launcher fell back to browser mode here)', async () => {
    const { p, said, fetches } = probe({ download: unpack });
    const choice = await findElectron(p);
    expect(choice).toEqual({ kind: 'electron', execPath: join(PKG, 'dist', 'electron'), source: 'downloaded' });
    expect(fetches()).toBe(1);
    expect(said.join('\n')).toMatch(/Fetching the Electron 45\.4\.1 binary/);
  });

  it('uses an already fetched binary without downloading again', async () => {
    const { p, fetches } = probe({ files: { [join(PKG, 'path.txt')]: 'electron', [join(PKG, 'dist', 'electron')]: 'ELF' } });
    expect(await findElectron(p)).toEqual({ kind: 'electron', execPath: join(PKG, 'dist', 'electron'), source: 'installed' });
    expect(fetches()).toBe(0);
  });

  it('fetches again when path.txt exists but the binary is gone (as electron/index.js does)', async () => {
    const { p, fetches } = probe({ files: { [join(PKG, 'path.txt')]: 'electron' }, download: unpack });
    expect((await findElectron(p)).kind).toBe('electron');
    expect(fetches()).toBe(1);
  });

  it('honours ELECTRON_OVERRIDE_DIST_PATH (offline / mirrored installs) without downloading', async () => {
    const { p, fetches } = probe({ env: { ELECTRON_OVERRIDE_DIST_PATH: '/opt/electron-45' }, files: { '/opt/electron-45/electron': 'ELF' } });
    expect(await findElectron(p)).toEqual({ kind: 'electron', execPath: '/opt/electron-45/electron', source: 'ELECTRON_OVERRIDE_DIST_PATH' });
    expect(fetches()).toBe(0);
  });

  it('names the platform executable inside ELECTRON_OVERRIDE_DIST_PATH on macOS and Windows', async () => {
    const mac = probe({ platform: 'darwin', env: { ELECTRON_OVERRIDE_DIST_PATH: '/Apps/e' }, files: { '/Apps/e/Electron.app/Contents/MacOS/Electron': 'x' } });
    expect(await findElectron(mac.p)).toMatchObject({ kind: 'electron', execPath: '/Apps/e/Electron.app/Contents/MacOS/Electron' });
    const win = probe({ platform: 'win32', env: { ELECTRON_OVERRIDE_DIST_PATH: '/e' }, files: { [join('/e', 'electron.exe')]: 'x' } });
    expect(await findElectron(win.p)).toMatchObject({ kind: 'electron', execPath: join('/e', 'electron.exe') });
  });

  it('a wrong ELECTRON_OVERRIDE_DIST_PATH is named in the fallback reason, and nothing is downloaded', async () => {
    const { p, fetches } = probe({ env: { ELECTRON_OVERRIDE_DIST_PATH: '/nowhere' } });
    const choice = await findElectron(p);
    expect(choice.kind).toBe('browser');
    if (choice.kind === 'browser') expect(choice.reason).toMatch(/ELECTRON_OVERRIDE_DIST_PATH is \/nowhere, but there is no electron in it/);
    expect(fetches()).toBe(0);
  });

  it('ELECTRON_EXEC_PATH wins over everything; a missing one is reported', async () => {
    const ok = probe({ env: { ELECTRON_EXEC_PATH: '/bin/my-electron', ELECTRON_OVERRIDE_DIST_PATH: '/opt/e' }, files: { '/bin/my-electron': 'x', '/opt/e/electron': 'x' } });
    expect(await findElectron(ok.p)).toEqual({ kind: 'electron', execPath: '/bin/my-electron', source: 'ELECTRON_EXEC_PATH' });
    const missing = probe({ env: { ELECTRON_EXEC_PATH: '/bin/gone' } });
    const choice = await findElectron(missing.p);
    expect(choice).toMatchObject({ kind: 'browser', reason: expect.stringMatching(/ELECTRON_EXEC_PATH points at \/bin\/gone/) });
    expect(missing.fetches()).toBe(0);
  });

  it('no binary can be had (download fails): browser mode, saying why and how to install it', async () => {
    const { p, fetches } = probe();
    const choice = await findElectron(p);
    expect(fetches()).toBe(1);
    expect(choice.kind).toBe('browser');
    if (choice.kind !== 'browser') return;
    expect(choice.reason).toBe('the Electron binary could not be downloaded (TypeError: fetch failed).');
    const advice = choice.howToInstall.join('\n');
    expect(advice).toMatch(/npx --no install-electron/);
    expect(advice).toMatch(/ELECTRON_MIRROR/);
    expect(advice).toMatch(/ELECTRON_OVERRIDE_DIST_PATH=/);
    expect(advice).toMatch(/45\.4\.1/);
  });

  it('ELECTRON_SKIP_BINARY_DOWNLOAD is respected: no download, and the reason says so', async () => {
    const { p, fetches } = probe({ env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, download: unpack });
    const choice = await findElectron(p);
    expect(fetches()).toBe(0);
    expect(choice).toMatchObject({ kind: 'browser', reason: expect.stringMatching(/ELECTRON_SKIP_BINARY_DOWNLOAD is set/) });
    // "0" means "do download"
    const zero = probe({ env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '0' }, download: unpack });
    expect((await findElectron(zero.p)).kind).toBe('electron');
  });

  it('no electron package at all: browser mode, pointing at npm install', async () => {
    const { p } = probe({ packageDir: null, version: null });
    expect(await findElectron(p)).toMatchObject({ kind: 'browser', reason: expect.stringMatching(/`electron` package is not installed.*npm install/) });
  });

  it('a download that "succeeds" but leaves no binary is not started', async () => {
    const { p } = probe({ download: () => null });
    expect(await findElectron(p)).toMatchObject({ kind: 'browser', reason: expect.stringMatching(/download finished but .* is missing/) });
  });
});

describe('helpers', () => {
  it('platformExecutable matches electron/install.js', () => {
    expect(platformExecutable('linux')).toBe('electron');
    expect(platformExecutable('darwin')).toBe('Electron.app/Contents/MacOS/Electron');
    expect(platformExecutable('win32')).toBe('electron.exe');
    expect(platformExecutable('aix')).toBeNull();
  });

  it('summarizeFetchError keeps the message, not the stack', () => {
    const stderr = 'TypeError: fetch failed\n    at node:internal/deps/undici/undici:14976:13\n    at async FetchDownloader.download (x.js:46:30)\n';
    expect(summarizeFetchError(stderr, 1)).toBe('TypeError: fetch failed');
    expect(summarizeFetchError('', 7)).toBe('install.js exited with 7');
    expect(summarizeFetchError('', null)).toBe('the download was interrupted');
  });

  it('installAdvice works without a known version', () => {
    expect(installAdvice(null).join(' ')).toMatch(/<version>/);
  });
});
