import { readFileSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, Platform } from 'electron-builder';
import { ELECTRON_FUSES } from '../../src/main/electron/fuses';
import { builderConfig, mainRuntimeDependencies } from '../../scripts/packaging/builder-config';
import { readFuses } from '../../scripts/packaging/fuses';

/**
 * electron-builder itself, run on the real project with the real configuration — offline: the
 * Electron it packs is a stand-in directory (electronDist) whose binary carries a real fuse wire,
 * since these machines cannot download Electron. Linux `dir` target (no installer tools needed);
 * the file list, asar, afterPack and the update feed are the same code paths as NSIS/dmg.
 * Needs `npm run build` first (out/).
 */
const root = resolve(import.meta.dirname, '../..');
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const asar = createRequire(import.meta.url)('@electron/asar') as { listPackage(path: string): string[]; extractFile(path: string, file: string): Buffer };
let dir: string;
let appOut: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'muster-dist-'));
  const fake = join(dir, 'electron-dist');
  await mkdir(fake, { recursive: true });
  await writeFile(join(fake, 'electron'), Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, 9]), Buffer.from('101001000'), Buffer.alloc(64)]));
  await chmod(join(fake, 'electron'), 0o755);
  await writeFile(join(fake, 'LICENSE'), 'MIT');
  await writeFile(join(fake, 'version'), '45.4.1');
  const config = builderConfig({ MUSTER_UPDATE_URL: 'https://updates.example.com/muster' }, root);
  await build({
    projectDir: root,
    targets: Platform.LINUX.createTarget('dir'),
    config: { ...config, electronDist: fake, electronVersion: '45.4.1', directories: { ...config.directories, output: join(dir, 'out') } },
    publish: 'never',
  });
  appOut = join(dir, 'out', 'linux-unpacked');
}, 240_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('npm run dist (electron-builder, offline)', () => {
  it('ships the built app without source maps, sources, tests, dev or server dependencies', () => {
    const files = asar.listPackage(join(appOut, 'resources', 'app.asar')).map((p) => p.replace(/\\/g, '/'));
    expect(files).toContain('/out/main/index.js');
    expect(files).toContain('/out/preload/index.cjs');
    expect(files).toContain('/out/renderer/index.html');
    expect(files).toContain('/package.json');
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /^\/(src|test|scripts|docs|bench|resources|\.muster)\//.test(f))).toEqual([]);
    const modules = new Set(
      files
        .map((f) => f.split('/'))
        .filter((s) => s[1] === 'node_modules' && s[2] && (!s[2].startsWith('@') || s[3]))
        .map((s) => (s[2]!.startsWith('@') ? `${s[2]}/${s[3]}` : s[2]!)),
    );
    for (const needed of mainRuntimeDependencies(root)) expect(modules.has(needed), needed).toBe(true);
    const pkg = JSON.parse(readFileSyncFromAsar('package.json')) as { main: string };
    const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> };
    for (const dev of Object.keys(own.devDependencies)) expect(modules.has(dev), dev).toBe(false);
    expect(pkg.main).toBe('out/main/index.js');
    // development, server and renderer-bundled packages
    for (const absent of ['electron', 'vite', 'vitest', 'typescript', 'electron-builder', '@doyensec/electronegativity', 'pg', '@electric-sql/pglite', 'socket.io', 'react', 'react-dom', 'dexie']) {
      expect(modules.has(absent), absent).toBe(false);
    }
  });

  it('flips the fuses from src/main/electron/fuses.ts in the packed binary', async () => {
    expect(await readFuses(join(appOut, 'muster'))).toEqual(ELECTRON_FUSES);
  });

  it('writes the generic update feed for electron-updater', async () => {
    const yml = await readFile(join(appOut, 'resources', 'app-update.yml'), 'utf8');
    expect(yml).toMatch(/^provider: generic$/m);
    expect(yml).toMatch(/^url: https:\/\/updates\.example\.com\/muster\/$/m);
  });
});

function readFileSyncFromAsar(file: string): string {
  return asar.extractFile(join(appOut, 'resources', 'app.asar'), file).toString('utf8');
}
