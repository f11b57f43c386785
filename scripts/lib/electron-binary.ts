/**
 * Where the launcher gets the Electron binary from — the decision only, with every effect
 * (file system, environment, the download) injected, so tests drive it with fakes and never
 * touch the network.
 *
 * Since Electron 45 `npm install` no longer downloads the binary: the `electron` package fetches
 * it on first use (its index.js runs install.js when `path.txt` is missing). A launcher that only
 * looks for `path.txt` therefore never starts the desktop app. The order here follows Electron's
 * own rules, so what we start is what `require('electron')` would start:
 *   1. ELECTRON_EXEC_PATH — an explicit executable (electron-vite's own variable);
 *   2. ELECTRON_OVERRIDE_DIST_PATH — Electron's variable for an unpacked build kept elsewhere
 *      (offline or mirrored installs);
 *   3. the binary the package already fetched (`path.txt` → `dist/<path>`);
 *   4. otherwise let the package fetch it (its install.js: honours ELECTRON_MIRROR,
 *      electron_config_cache, proxies), unless ELECTRON_SKIP_BINARY_DOWNLOAD says not to.
 * Only when none of these yields a binary does the launcher fall back to browser mode, and it
 * says why and how to get one.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

export interface ElectronProbe {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** The installed `electron` package's directory; null when the package is not installed. */
  packageDir: string | null;
  /** The installed package's version (for messages), e.g. "45.4.1". */
  version: string | null;
  exists(path: string): boolean;
  /** A file's text, or null when it cannot be read. */
  readText(path: string): string | null;
  /** Runs the package's own install.js (the download). Resolves with why it failed, or null on success. */
  fetchBinary(): Promise<string | null>;
  /** Progress for the user ("fetching…"). */
  say(line: string): void;
}

export type ElectronSource = 'ELECTRON_EXEC_PATH' | 'ELECTRON_OVERRIDE_DIST_PATH' | 'installed' | 'downloaded';

export type ElectronChoice =
  | { kind: 'electron'; execPath: string; source: ElectronSource }
  | { kind: 'browser'; reason: string; howToInstall: string[] };

/** The executable inside an unpacked Electron build, as the package's install.js names it. */
export function platformExecutable(platform: NodeJS.Platform): string | null {
  switch (platform) {
    case 'darwin':
      return 'Electron.app/Contents/MacOS/Electron';
    case 'linux':
    case 'freebsd':
    case 'openbsd':
      return 'electron';
    case 'win32':
      return 'electron.exe';
    default:
      return null;
  }
}

const truthy = (v: string | undefined): boolean => !!v && !['0', 'false', 'no', 'off', ''].includes(v.trim().toLowerCase());

export function installAdvice(version: string | null): string[] {
  const v = version ?? '<version>';
  return [
    'With internet access: run `npx --no install-electron` once (it downloads Electron ' + v + '), then `npm start` again.',
    'Behind a mirror or proxy: set ELECTRON_MIRROR (and HTTPS_PROXY if needed) and run it again.',
    'Offline, with an unpacked Electron ' + v + ' build for this platform: `ELECTRON_OVERRIDE_DIST_PATH=/path/to/that/folder npm start`.',
  ];
}

export async function findElectron(probe: ElectronProbe): Promise<ElectronChoice> {
  const browser = (reason: string): ElectronChoice => ({ kind: 'browser', reason, howToInstall: installAdvice(probe.version) });
  const { env } = probe;

  const explicit = env.ELECTRON_EXEC_PATH?.trim();
  if (explicit) {
    if (probe.exists(explicit)) return { kind: 'electron', execPath: explicit, source: 'ELECTRON_EXEC_PATH' };
    return browser(`ELECTRON_EXEC_PATH points at ${explicit}, which does not exist.`);
  }

  if (!probe.packageDir) return browser('the `electron` package is not installed (run `npm install`; it is a dev dependency).');
  const executable = platformExecutable(probe.platform);
  if (!executable) return browser(`Electron has no build for this platform (${probe.platform}).`);
  // path.txt names the executable inside a dist folder; before the first download it is missing.
  const named = probe.readText(join(probe.packageDir, 'path.txt'))?.trim() || executable;

  const override = env.ELECTRON_OVERRIDE_DIST_PATH?.trim();
  if (override) {
    const execPath = join(override, named);
    if (probe.exists(execPath)) return { kind: 'electron', execPath, source: 'ELECTRON_OVERRIDE_DIST_PATH' };
    return browser(`ELECTRON_OVERRIDE_DIST_PATH is ${override}, but there is no ${named} in it.`);
  }

  const installed = join(probe.packageDir, 'dist', named);
  if (probe.exists(installed)) return { kind: 'electron', execPath: installed, source: 'installed' };

  if (truthy(env.ELECTRON_SKIP_BINARY_DOWNLOAD)) {
    return browser('the Electron binary is not downloaded yet and ELECTRON_SKIP_BINARY_DOWNLOAD is set, so it is not fetched now.');
  }

  probe.say(`Fetching the Electron${probe.version ? ` ${probe.version}` : ''} binary (first start only)…`);
  const failure = await probe.fetchBinary();
  if (failure !== null) return browser(`the Electron binary could not be downloaded (${failure}).`);
  const fetchedName = probe.readText(join(probe.packageDir, 'path.txt'))?.trim() || executable;
  const fetched = join(probe.packageDir, 'dist', fetchedName);
  if (probe.exists(fetched)) return { kind: 'electron', execPath: fetched, source: 'downloaded' };
  return browser(`the Electron download finished but ${fetched} is missing.`);
}

/** The one line of an install.js failure worth showing (its stack trace is noise to a user). */
export function summarizeFetchError(stderr: string, exitCode: number | null): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('at '));
  const first = lines[0];
  if (first) return first.length > 200 ? `${first.slice(0, 200)}…` : first;
  return exitCode === null ? 'the download was interrupted' : `install.js exited with ${exitCode}`;
}

/**
 * The package's own download — what `require('electron')` would run on first use: its install.js,
 * which honours ELECTRON_MIRROR, electron_config_cache and proxies as Electron documents. Its
 * output goes to the terminal (errors are summarized too). Resolves with why it failed, or null.
 */
export function runElectronInstall(packageDir: string, env: NodeJS.ProcessEnv = process.env): Promise<string | null> {
  // Asynchronous on purpose: the launcher keeps serving (its server child, signals) meanwhile.
  return new Promise((res) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], { cwd: packageDir, env, stdio: ['ignore', 'inherit', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', (e) => res(e.message));
    child.once('close', (code) => res(code === 0 ? null : summarizeFetchError(stderr, code)));
  });
}
