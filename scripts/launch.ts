/**
 * `npm start` (desktop) and `npm run web` (browser mode): one command for a newcomer.
 *
 * Starts the Muster server with embedded storage (PGlite in .muster/server-data, demo organization
 * seeded on first start) unless MUSTER_SERVER_URL points at a server that answers, then starts
 * the client: the Electron app, or — in browser mode, or when the Electron binary is not
 * installed — the browser-mode web host.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name: string) => resolve(root, 'node_modules/.bin', name);
const children: ChildProcess[] = [];
const mode = process.argv[2] === 'web' ? 'web' : 'desktop';
const DEFAULT_SERVER_URL = 'http://127.0.0.1:7800';

function run(cmd: string, args: string[], env: Record<string, string> = {}, readyPrefix?: string): Promise<string> {
  const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['inherit', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((res, rej) => {
    let buf = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      if (!readyPrefix) return;
      buf += chunk.toString();
      const line = buf.split('\n').find((l) => l.startsWith(readyPrefix));
      if (line) res(line.slice(readyPrefix.length).trim());
    });
    child.once('exit', (code) => {
      if (readyPrefix) rej(new Error(`${cmd} ${args.join(' ')} exited with ${code}`));
      else res(String(code));
      shutdown(code ?? 0);
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(new URL('/api/health', url), { signal: AbortSignal.timeout(2000) });
    return r.ok;
  } catch {
    return false;
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

function electronBinaryInstalled(): boolean {
  try {
    const require = createRequire(import.meta.url);
    const pathTxt = resolve(require.resolve('electron/package.json'), '..', 'path.txt');
    return existsSync(pathTxt);
  } catch {
    return false;
  }
}

let stopping = false;
function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  setTimeout(() => process.exit(code), 3000).unref();
}
process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

async function main() {
  // Reuse a server that already answers (MUSTER_SERVER_URL, else the default `npm run server` one).
  let serverUrl = process.env.MUSTER_SERVER_URL || DEFAULT_SERVER_URL;
  if (await answers(serverUrl)) {
    console.log(`Using the Muster server at ${serverUrl}.`);
  } else {
    if (process.env.MUSTER_SERVER_URL) console.log(`MUSTER_SERVER_URL ${serverUrl} does not answer — starting a local server instead.`);
    serverUrl = await run(bin('tsx'), [resolve(root, 'src/server/index.ts')], {}, 'Muster server listening on');
  }
  const useElectron = mode === 'desktop' && electronBinaryInstalled();
  if (mode === 'desktop' && !useElectron) {
    console.log('The Electron binary is not installed (ELECTRON_SKIP_BINARY_DOWNLOAD?) — starting browser mode instead.');
  }
  if (useElectron) {
    await run(bin('electron-vite'), ['preview'], { MUSTER_SERVER_URL: serverUrl });
    return;
  }
  if (buildIsStale()) {
    console.log('Building the renderer…');
    const built = spawnSync(bin('electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('electron-vite build failed');
  }
  const url = await run(bin('tsx'), [resolve(root, 'src/main/web-host.ts')], { MUSTER_SERVER_URL: serverUrl }, 'Muster web host on');
  console.log(`\n  Muster is ready: open ${url} in a browser.\n  Demo organization "demo", accounts zhangwei / lina / emily.carter / admin, password muster-demo.\n`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  shutdown(1);
});
