/**
 * electron-builder configuration (`npm run dist`), as a function of the environment so tests can
 * check it without building anything. electron-builder.config.ts at the root exports
 * builderConfig(process.env).
 *
 * - Windows: NSIS installer; macOS: dmg. Run `npm run dist` on each OS (or `-- --win` from Linux).
 * - `muster://` registered: macOS through Info.plist (protocols), Windows by the installer
 *   (resources/installer.nsh writes HKCU/HKLM\Software\Classes\muster and removes it on uninstall);
 *   the app also registers itself at run time (src/main/electron/deep-links.ts).
 * - Fuses flipped in afterPack from src/main/electron/fuses.ts (./fuses.ts).
 * - Auto-update with electron-updater from a generic feed: MUSTER_UPDATE_URL at build time is
 *   written into the app's app-update.yml; without it the build has no feed and says so.
 * - Shipped: the electron-vite output without source maps, package.json, and only the
 *   node_modules the main process needs at run time (the bare imports left in out/main and what
 *   they depend on). Dev dependencies are never packed by electron-builder; the server's and the
 *   renderer's dependencies (bundled by Vite) are excluded here.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import type { Configuration } from 'electron-builder';
import { applyFuses, type PackContext } from './fuses';

export const APP_ID = 'app.muster.desktop';
/**
 * The deep-link scheme; the same value as JOIN_PROTOCOL in src/main/services/deep-links/queue.ts
 * (a test holds them equal — not imported, because electron-builder loads this file without the
 * project's `@shared` path alias).
 */
export const PROTOCOL_SCHEME = 'muster';
export const PRODUCT_NAME = 'Muster';

/**
 * Packages the built main process loads at run time: the bare imports left in out/main (Vite
 * bundles everything else), minus Electron and Node built-ins. Read from the build, not listed by
 * hand, so a new import in the main process cannot ship a broken app.
 */
export function mainRuntimeDependencies(root: string): string[] {
  const dir = join(root, 'out/main');
  if (!existsSync(dir)) throw new Error(`${dir} is missing: run \`electron-vite build\` first (\`npm run dist\` does).`);
  const names = new Set<string>();
  const specifier = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|\bimport\s+)["']([^"'./][^"']*)["']/g;
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!/\.(c|m)?js$/.test(file)) continue;
    for (const m of readFileSync(join(dir, file), 'utf8').matchAll(specifier)) {
      const spec = m[1]!;
      if (spec.startsWith('node:') || builtinModules.includes(spec.split('/')[0]!) || spec === 'electron' || spec.startsWith('electron/')) continue;
      const parts = spec.split('/');
      names.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!);
    }
  }
  return [...names].sort();
}

/** Never in the app, wherever they come from. */
export const ALWAYS_EXCLUDED = [
  '!**/*.map',
  '!**/*.{ts,tsx,mts,cts}',
  '!**/*.d.{ts,mts,cts}',
  '!**/{README,CHANGELOG,HISTORY,CONTRIBUTING}{,.md,.txt}',
  '!**/{test,tests,__tests__,__mocks__,example,examples,docs}/**',
  '!**/{.github,.vscode,.idea}/**',
  '!**/{tsconfig*.json,.eslintrc*,eslint.config.*,.prettierrc*,.editorconfig,.npmignore}',
] as const;

interface PackageJson {
  name?: string;
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const readPackage = (dir: string): PackageJson | null => {
  const path = join(dir, 'package.json');
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as PackageJson) : null;
};

/** The top-level node_modules packages `names` need, transitively (hoisted layout, as npm installs). */
export function dependencyClosure(root: string, names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const pkg = readPackage(join(root, 'node_modules', name));
    if (!pkg) return; // an optional dependency not installed on this OS, or nested inside its parent (shipped with it)
    seen.add(name);
    for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) visit(dep);
  };
  for (const n of names) visit(n);
  return seen;
}

/** Production packages installed for the server or the renderer bundle that the desktop app must not carry. */
export function excludedProductionPackages(root: string): string[] {
  const own = readPackage(root);
  const all = dependencyClosure(root, Object.keys(own?.dependencies ?? {}));
  const needed = dependencyClosure(root, mainRuntimeDependencies(root));
  return [...all].filter((n) => !needed.has(n)).sort();
}

export class UpdateUrlError extends Error {}

/** MUSTER_UPDATE_URL: an https URL (http only for a loopback test feed); null when unset. */
export function updateFeedUrl(env: NodeJS.ProcessEnv): string | null {
  const raw = env.MUSTER_UPDATE_URL?.trim();
  if (!raw) return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UpdateUrlError(`MUSTER_UPDATE_URL is not a URL: "${raw}" (expected e.g. https://updates.example.com/muster/)`);
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new UpdateUrlError(`MUSTER_UPDATE_URL must use https (http only on loopback, for testing), got "${raw}"`);
  }
  if (url.username || url.password || url.search || url.hash) {
    throw new UpdateUrlError(`MUSTER_UPDATE_URL must not carry credentials, a query or a fragment: "${raw}"`);
  }
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

export function builderConfig(env: NodeJS.ProcessEnv = process.env, root: string = resolve(import.meta.dirname, '../..')): Configuration {
  const feed = updateFeedUrl(env);
  if (!feed) console.warn('  • MUSTER_UPDATE_URL is not set: this build will not look for updates.');
  return {
    appId: APP_ID,
    productName: PRODUCT_NAME,
    directories: { output: 'dist', buildResources: 'resources' },
    files: [
      'out/main/**',
      'out/preload/**',
      'out/renderer/**',
      'package.json',
      ...ALWAYS_EXCLUDED,
      ...excludedProductionPackages(root).map((name) => `!node_modules/${name}/**`),
    ],
    asar: true,
    // No native modules in the main process: nothing to rebuild (and nothing to download headers for).
    npmRebuild: false,
    // The renderer is served from app.asar through muster-app:// — nothing needs unpacking.
    asarUnpack: [],
    extraMetadata: { main: 'out/main/index.js', author: { name: 'Muster' } },
    protocols: [{ name: PRODUCT_NAME, schemes: [PROTOCOL_SCHEME] }],
    publish: feed ? [{ provider: 'generic', url: feed }] : null,
    afterPack: (context) => applyFuses(context as unknown as PackContext),
    win: {
      target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
      icon: 'resources/icon.ico',
    },
    nsis: {
      oneClick: false,
      perMachine: false,
      allowToChangeInstallationDirectory: true,
      include: 'resources/installer.nsh',
      createDesktopShortcut: true,
    },
    mac: {
      target: [{ target: 'dmg', arch: ['x64', 'arm64'] }],
      icon: 'resources/icon.icns',
      category: 'public.app-category.business',
      hardenedRuntime: true,
    },
    // Linux: an unpacked directory only (`npx electron-builder --config electron-builder.config.ts --linux dir`), for trying a build.
    linux: { target: ['dir'], icon: 'resources/icon.png', category: 'Office' },
  };
}
