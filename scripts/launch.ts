/**
 * `npm start` (desktop), `npm run dev` (desktop with hot reload) and `npm run web` (browser
 * mode): one command for a newcomer.
 *
 * Starts the Muster server with embedded storage (PGlite in .muster/server-data, demo organization
 * seeded on first start) unless MUSTER_SERVER_URL points at a server that answers, then starts
 * the client: the Electron app (the binary found or fetched as lib/electron-binary.ts decides), or
 * the browser-mode web host — in browser mode, or when no Electron binary can be had (saying why
 * and how to get one).
 *
 * The client is what the user sees, so it decides the launcher's life: when it ends, everything
 * ends. The server does not: if a server this launcher started ends, the client stays up (it shows
 * "cannot reach the server" and keeps its outbox) and lib/server-supervisor.ts restarts it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findElectron, runElectronInstall, type ElectronChoice } from './lib/electron-binary';
import { ServerSupervisor, type ServerProcess } from './lib/server-supervisor';

const root = resolve(import.meta.dirname, '..');
const bin = (name: string) => resolve(root, 'node_modules/.bin', name);
const mode: 'desktop' | 'dev' | 'web' = process.argv[2] === 'web' ? 'web' : process.argv[2] === 'dev' ? 'dev' : 'desktop';
const DEFAULT_SERVER_URL = 'http://127.0.0.1:7800';
const SERVER_READY = 'Muster server listening on';
const WEB_HOST_READY = 'Muster web host on';

const say = (line: string) => console.log(`[muster] ${line}`);

/** Spawns a child that prints `<readyPrefix> <url>` when ready; resolves with the URL, rejects if it ends first. */
function startReady(cmd: string, args: string[], env: Record<string, string>, readyPrefix: string): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise<string>((res, rej) => {
    let buf = '';
    let found = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (found) return;
      buf += chunk.toString();
      const line = buf.split('\n').find((l) => l.startsWith(readyPrefix));
      if (line) {
        found = true;
        buf = '';
        res(line.slice(readyPrefix.length).trim());
      }
    });
    child.once('exit', (code, signal) => {
      if (!found) rej(new Error(`${describeExit(code, signal)} before it was ready`));
    });
  });
  return { child, ready };
}

const describeExit = (code: number | null, signal: NodeJS.Signals | null) => (signal ? `signal ${signal}` : `exit code ${code}`);

function exitOf(child: ChildProcess): Promise<string> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(describeExit(child.exitCode, child.signalCode));
  return new Promise((res) => child.once('exit', (code, signal) => res(describeExit(code, signal))));
}

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(new URL('/api/health', url), { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
  }
}

/**
 * One process per server, not tsx's CLI wrapper: `node --import tsx` is the server itself, so its
 * pid is the one to end and a kill cannot leave an orphan holding the port and the PGlite lock.
 */
async function startServer(port: number | undefined): Promise<ServerProcess> {
  const env: Record<string, string> = port ? { PORT: String(port) } : {};
  // Browser mode: the server's public invite page (/join/<token>) offers "open in the browser app" here.
  // (Not for MUSTER_WEB_PORT=0: the port is only known once the web host listens.)
  const webPort = process.env.MUSTER_WEB_PORT?.trim() || '5780';
  if (mode === 'web' && !process.env.MUSTER_WEB_URL && webPort !== '0') env.MUSTER_WEB_URL = `http://127.0.0.1:${webPort}`;
  const { child, ready } = startReady(process.execPath, ['--import', 'tsx', resolve(root, 'src/server/index.ts')], env, SERVER_READY);
  const exited = exitOf(child);
  try {
    const url = await ready;
    return { pid: child.pid, url, exited, stop: () => void child.kill('SIGTERM') };
  } catch (e) {
    await exited;
    throw new Error(`the server ended with ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** The renderer build is missing or older than any source it is built from. */
function buildIsStale(): boolean {
  const built = resolve(root, 'out/renderer/index.html');
  if (!existsSync(built)) return true;
  const builtAt = statSync(built).mtimeMs;
  const newer = (dir: string): boolean =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? newer(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs > builtAt,
    );
  return newer(resolve(root, 'src/renderer')) || newer(resolve(root, 'src/shared'));
}

function electronPackage(): { dir: string; version: string | null } | null {
  try {
    const pkg = createRequire(import.meta.url).resolve('electron/package.json');
    const version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? null;
    return { dir: dirname(pkg), version };
  } catch {
    return null;
  }
}

async function chooseElectron(): Promise<ElectronChoice> {
  const pkg = electronPackage();
  return findElectron({
    env: process.env,
    platform: process.platform,
    packageDir: pkg?.dir ?? null,
    version: pkg?.version ?? null,
    exists: existsSync,
    readText: (p) => {
      try {
        return readFileSync(p, 'utf8');
      } catch {
        return null;
      }
    },
    fetchBinary: () => runElectronInstall(pkg!.dir),
    say,
  });
}

const clients: ChildProcess[] = [];
let supervisor: ServerSupervisor | null = null;
let stopping = false;

function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  supervisor?.stop();
  for (const c of clients) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

/** The client decides the launcher's life: when it ends, the launcher ends (and stops its server). */
function watchClient(child: ChildProcess, what: string) {
  clients.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping) say(`The ${what} ended (${describeExit(code, signal)}); stopping.`);
    shutdown(code ?? 0);
  });
}

async function main() {
  // Reuse a server that already answers (MUSTER_SERVER_URL, else the default `npm run server` one).
  let serverUrl = process.env.MUSTER_SERVER_URL || DEFAULT_SERVER_URL;
  if (await answers(serverUrl)) {
    say(`Using the Muster server at ${serverUrl} (not started here, so not restarted if it ends).`);
  } else {
    if (process.env.MUSTER_SERVER_URL) say(`MUSTER_SERVER_URL ${serverUrl} does not answer — starting a local server instead.`);
    supervisor = new ServerSupervisor({ start: startServer, answers, log: say, sleep: (ms) => sleep(ms), now: Date.now });
    serverUrl = await supervisor.start();
    say(`Started the Muster server (pid ${supervisor.pid}) at ${serverUrl}; it is restarted if it ends.`);
  }
  if (stopping) return;

  if (mode !== 'web') {
    const choice = await chooseElectron();
    if (choice.kind === 'electron') {
      say(`Starting the desktop app with Electron at ${choice.execPath} (${choice.source}).`);
      // electron-vite reads only path.txt unless ELECTRON_EXEC_PATH is set: hand it what we found.
      const child = spawn(bin('electron-vite'), [mode === 'dev' ? 'dev' : 'preview'], {
        cwd: root,
        env: { ...process.env, MUSTER_SERVER_URL: serverUrl, ELECTRON_EXEC_PATH: choice.execPath },
        stdio: 'inherit',
      });
      watchClient(child, 'desktop app');
      return;
    }
    say(`Starting browser mode instead of the desktop app: ${choice.reason}`);
    for (const line of choice.howToInstall) say(`  • ${line}`);
  }

  // MUSTER_RENDERER_DIR names a build the user provides (the web host serves it as is): not ours to rebuild.
  if (!process.env.MUSTER_RENDERER_DIR?.trim() && buildIsStale()) {
    say('Building the renderer…');
    const built = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('electron-vite build failed');
  }
  if (stopping) return;
  const { child, ready } = startReady(process.execPath, ['--import', 'tsx', resolve(root, 'src/main/web-host.ts')], { MUSTER_SERVER_URL: serverUrl }, WEB_HOST_READY);
  watchClient(child, 'web host');
  const url = await ready;
  console.log(`\n  Muster is ready: open ${url} in a browser.\n  Demo organization "demo", accounts zhangwei / lina / emily.carter / admin, password muster-demo.\n`);
}

main().catch((e: unknown) => {
  console.error(`[muster] ${e instanceof Error ? e.message : String(e)}`);
  shutdown(1);
});
