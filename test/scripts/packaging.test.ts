import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { inflateSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ELECTRON_FUSES } from '../../src/main/electron/fuses';
import { JOIN_PROTOCOL } from '../../src/main/services/deep-links/queue';
import {
  builderConfig,
  dependencyClosure,
  excludedProductionPackages,
  mainRuntimeDependencies,
  PROTOCOL_SCHEME,
  updateFeedUrl,
} from '../../scripts/packaging/builder-config';
import { applyFuses, electronBinaryIn, fuseConfig, readFuses, type PackContext } from '../../scripts/packaging/fuses';
import { ICNS_TYPES, ICO_SIZES, PNG_SIGNATURE, makeIcons, renderIcon } from '../../scripts/packaging/icons';

/**
 * The packaging configuration, checked without Electron (these machines cannot download it):
 * the fuse step on a stand-in binary carrying a real fuse wire, the protocol, the update feed,
 * and the file list on a fixture project. test/e2e/packaging.e2e.ts runs electron-builder itself.
 */
const root = resolve(import.meta.dirname, '../..');
/** The glob matcher electron-builder's file matcher uses (its own minimatch version, dot: true). */
const { minimatch } = createRequire(createRequire(import.meta.url).resolve('app-builder-lib/package.json'))('minimatch') as {
  minimatch: (path: string, pattern: string, options: { dot: boolean }) => boolean;
};
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
let dir: string;

/** A stand-in Electron binary: filler, the fuse sentinel, wire version 1, 9 fuses in Electron's default states. */
async function fakeElectron(path: string, defaults = '101001000'): Promise<void> {
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, Buffer.concat([Buffer.alloc(4096, 7), Buffer.from(SENTINEL), Buffer.from([1, defaults.length]), Buffer.from(defaults), Buffer.alloc(64)]));
  await chmod(path, 0o755);
}

async function fixtureProject(name: string, files: Record<string, string>): Promise<string> {
  const base = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(base, path, '..'), { recursive: true });
    await writeFile(join(base, path), text);
  }
  return base;
}

const pkg = (name: string, dependencies: Record<string, string> = {}) => JSON.stringify({ name, version: '1.0.0', dependencies });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'muster-pack-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('fuses (afterPack)', () => {
  it('the hook flips exactly the fuses of src/main/electron/fuses.ts', async () => {
    const context: PackContext = { appOutDir: join(dir, 'linux'), electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'Muster' }, executableName: 'muster' } };
    const binary = electronBinaryIn(context);
    expect(binary).toBe(join(dir, 'linux', 'muster'));
    await fakeElectron(binary);
    // before: Electron's defaults are the unsafe ones (RunAsNode on, NODE_OPTIONS on, …)
    expect(await readFuses(binary)).not.toEqual(ELECTRON_FUSES);
    await applyFuses(context);
    expect(await readFuses(binary)).toEqual(ELECTRON_FUSES);
    // a fuse the project does not set (index 6, the V8 snapshot one) is left as Electron had it
    const bytes = await readFile(binary);
    const wire = bytes.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(String.fromCharCode(bytes[wire + 6]!)).toBe('0');
    expect(String.fromCharCode(bytes[wire + 8]!)).toBe('0');
  });

  it('the hook fails the build when the binary has no fuse wire (never ship with fuses unset)', async () => {
    const context: PackContext = { appOutDir: join(dir, 'bad'), electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'Muster' }, executableName: 'muster' } };
    await mkdir(context.appOutDir, { recursive: true });
    await writeFile(join(context.appOutDir, 'muster'), 'not electron');
    await expect(applyFuses(context)).rejects.toThrow(/sentinel/);
  });

  it('finds the binary per platform and re-signs ad hoc only on Apple silicon / universal', () => {
    const ctx = (electronPlatformName: string, arch = 1): PackContext => ({ appOutDir: '/o', electronPlatformName, arch, packager: { appInfo: { productFilename: 'Muster' }, executableName: 'muster' } });
    expect(electronBinaryIn(ctx('darwin'))).toBe(join('/o', 'Muster.app'));
    expect(electronBinaryIn(ctx('win32'))).toBe(join('/o', 'Muster.exe'));
    expect(fuseConfig('darwin', 3).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig('darwin', 4).resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig('darwin', 1).resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfig('win32', 3).resetAdHocDarwinSignature).toBe(false);
    // every fuse in fuses.ts is mapped (0 RunAsNode … 7 GrantFileProtocolExtraPrivileges)
    expect(Object.keys(fuseConfig('linux', 1)).filter((k) => /^\d+$/.test(k))).toHaveLength(Object.keys(ELECTRON_FUSES).length);
  });

  it('the builder config runs this hook', async () => {
    const config = builderConfig({ MUSTER_UPDATE_URL: 'https://updates.example.com/muster' }, await runtimeFixture());
    const context: PackContext = { appOutDir: join(dir, 'via-config'), electronPlatformName: 'linux', arch: 1, packager: { appInfo: { productFilename: 'Muster' }, executableName: 'muster' } };
    await fakeElectron(electronBinaryIn(context));
    expect(typeof config.afterPack).toBe('function');
    await (config.afterPack as (c: unknown) => Promise<void>)(context);
    expect(await readFuses(electronBinaryIn(context))).toEqual(ELECTRON_FUSES);
  });
});

/** A project whose built main imports zod and electron-updater; pg is a (server) dependency. */
async function runtimeFixture(): Promise<string> {
  const base = join(dir, 'project');
  await fixtureProject('project', {
    'package.json': pkg('muster', { zod: '1', 'electron-updater': '1', pg: '1', react: '1' }),
    'out/main/index.js': [
      'import { app } from "electron";',
      'import { join } from "node:path";',
      'import fs from "fs";',
      'import { z } from "zod";',
      'const updater = await import("electron-updater");',
      'const local = await import("./chunk.js");',
    ].join('\n'),
    'out/main/chunk.js': 'export {}',
    'node_modules/zod/package.json': pkg('zod'),
    'node_modules/electron-updater/package.json': pkg('electron-updater', { 'builder-util-runtime': '1', 'not-installed-optional': '1' }),
    'node_modules/builder-util-runtime/package.json': pkg('builder-util-runtime', { debug: '1' }),
    'node_modules/debug/package.json': pkg('debug', { ms: '1' }),
    'node_modules/ms/package.json': pkg('ms'),
    'node_modules/pg/package.json': pkg('pg', { 'pg-protocol': '1', debug: '1' }),
    'node_modules/pg-protocol/package.json': pkg('pg-protocol'),
    'node_modules/react/package.json': pkg('react'),
  });
  return base;
}

describe('what is shipped', () => {
  it('the main process’s runtime packages are read from the build: bare imports, not electron or Node built-ins', async () => {
    const base = await runtimeFixture();
    expect(mainRuntimeDependencies(base)).toEqual(['electron-updater', 'zod']);
    expect(() => mainRuntimeDependencies(join(dir, 'nowhere'))).toThrow(/electron-vite build/);
  });

  it('dependency closure and the excluded production packages (server and renderer-bundled ones)', async () => {
    const base = await runtimeFixture();
    expect([...dependencyClosure(base, ['electron-updater'])].sort()).toEqual(['builder-util-runtime', 'debug', 'electron-updater', 'ms']);
    // debug is shared with pg but needed by the updater: kept
    expect(excludedProductionPackages(base)).toEqual(['pg', 'pg-protocol', 'react']);
  });

  it('file list: built output and package.json in; source maps, TypeScript, sources, tests and excluded packages out', async () => {
    const config = builderConfig({}, await runtimeFixture());
    const patterns = config.files as string[];
    const shipped = (path: string) => {
      let included = false;
      for (const p of patterns) {
        if (p.startsWith('!')) {
          if (minimatch(path, p.slice(1), { dot: true })) included = false;
        } else if (minimatch(path, p, { dot: true })) included = true;
      }
      // electron-builder adds production node_modules itself; the patterns can only take them out
      if (path.startsWith('node_modules/')) return !patterns.some((p) => p.startsWith('!') && minimatch(path, p.slice(1), { dot: true }));
      return included;
    };
    for (const yes of ['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'package.json', 'node_modules/zod/index.js', 'node_modules/electron-updater/out/main.js']) {
      expect(shipped(yes), yes).toBe(true);
    }
    for (const no of [
      'out/main/index.js.map',
      'out/renderer/assets/index-abc.js.map',
      'src/main/electron/index.ts',
      'src/server/index.ts',
      'test/e2e/chat.e2e.ts',
      'scripts/launch.ts',
      'electron-builder.config.ts',
      'tsconfig.json',
      '.muster/server-data/x',
      'node_modules/pg/lib/index.js',
      'node_modules/react/index.js',
      'node_modules/zod/index.d.ts',
      'node_modules/zod/README.md',
      'node_modules/electron-updater/out/main.js.map',
    ]) {
      expect(shipped(no), no).toBe(false);
    }
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });
});

describe('installers, protocol and updates', () => {
  it('Windows NSIS and macOS dmg, icons from resources/, muster:// registered', async () => {
    const config = builderConfig({}, await runtimeFixture());
    expect(config.win?.target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }]);
    expect(config.mac?.target).toEqual([{ target: 'dmg', arch: ['x64', 'arm64'] }]);
    expect(config.directories?.buildResources).toBe('resources');
    expect(config.protocols).toEqual([{ name: 'Muster', schemes: ['muster'] }]);
    expect(PROTOCOL_SCHEME).toBe(JOIN_PROTOCOL);
    // Windows: electron-builder registers protocols only on macOS/Linux; the NSIS include does it
    expect(config.nsis?.include).toBe('resources/installer.nsh');
    const nsh = await readFile(resolve(root, 'resources/installer.nsh'), 'utf8');
    expect(nsh).toMatch(/!macro customInstall[\s\S]*Software\\Classes\\muster" "URL Protocol" ""[\s\S]*shell\\open\\command" "" '"\$appExe" "%1"'/);
    expect(nsh).toMatch(/!macro customUnInstall[\s\S]*DeleteRegKey SHELL_CONTEXT "Software\\Classes\\muster"/);
    for (const icon of [config.win?.icon, config.mac?.icon, config.linux?.icon]) expect(icon).toMatch(/^resources\/icon\.(ico|icns|png)$/);
  });

  it('the update feed is the generic provider at MUSTER_UPDATE_URL; unset means no feed', async () => {
    const base = await runtimeFixture();
    expect(builderConfig({ MUSTER_UPDATE_URL: 'https://updates.example.com/muster' }, base).publish).toEqual([{ provider: 'generic', url: 'https://updates.example.com/muster/' }]);
    expect(builderConfig({}, base).publish).toBeNull();
    expect(updateFeedUrl({ MUSTER_UPDATE_URL: 'http://127.0.0.1:8080/feed/' })).toBe('http://127.0.0.1:8080/feed/');
  });

  it('a bad MUSTER_UPDATE_URL stops the build with a clear error', () => {
    expect(() => updateFeedUrl({ MUSTER_UPDATE_URL: 'http://updates.example.com/' })).toThrow(/must use https/);
    expect(() => updateFeedUrl({ MUSTER_UPDATE_URL: 'not a url' })).toThrow(/is not a URL/);
    expect(() => updateFeedUrl({ MUSTER_UPDATE_URL: 'https://user:pw@updates.example.com/' })).toThrow(/credentials/);
    expect(() => updateFeedUrl({ MUSTER_UPDATE_URL: 'https://updates.example.com/?channel=beta' })).toThrow(/query/);
  });
});

describe('icons', () => {
  it('resources/ holds the icons the generator makes (reproducible: same pixels)', async () => {
    const png = await readFile(resolve(root, 'resources/icon.png'));
    expect(png.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(png.readUInt32BE(16)).toBe(1024);
    // decode IDAT (one chunk, unfiltered) and compare with a fresh render
    const idatLen = png.readUInt32BE(33);
    expect(png.toString('ascii', 37, 41)).toBe('IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    const expected = renderIcon(1024);
    for (const y of [0, 100, 300, 512, 700, 1023]) {
      const row = raw.subarray(y * (1024 * 4 + 1) + 1, (y + 1) * (1024 * 4 + 1));
      expect(row.equals(expected.subarray(y * 4096, (y + 1) * 4096)), `row ${y}`).toBe(true);
    }
  });

  it('icon.ico and icon.icns carry every size as a PNG of that size (generated and committed alike)', async () => {
    const pngWidth = (png: Buffer) => (png.subarray(0, 8).equals(PNG_SIGNATURE) ? png.readUInt32BE(16) : -1);
    const generated = makeIcons();
    for (const ico of [generated.ico, await readFile(resolve(root, 'resources/icon.ico'))]) {
      expect(ico.readUInt16LE(2)).toBe(1);
      expect(ico.readUInt16LE(4)).toBe(ICO_SIZES.length);
      ICO_SIZES.forEach((size, i) => {
        const e = 6 + 16 * i;
        expect(ico[e]).toBe(size >= 256 ? 0 : size);
        const png = ico.subarray(ico.readUInt32LE(e + 12), ico.readUInt32LE(e + 12) + ico.readUInt32LE(e + 8));
        expect(pngWidth(png)).toBe(size);
      });
    }
    for (const icns of [generated.icns, await readFile(resolve(root, 'resources/icon.icns'))]) {
      expect(icns.toString('ascii', 0, 4)).toBe('icns');
      expect(icns.readUInt32BE(4)).toBe(icns.length);
      const found: [string, number][] = [];
      for (let at = 8; at < icns.length; at += icns.readUInt32BE(at + 4)) {
        found.push([icns.toString('ascii', at, at + 4), pngWidth(icns.subarray(at + 8, at + icns.readUInt32BE(at + 4)))]);
      }
      expect(found).toEqual(ICNS_TYPES.map(([t, s]) => [t, s]));
    }
  });
});
