import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Static checks of the Electron security baseline over the source tree (Electronegativity needs
 * the network to fetch Electron's release list, so it cannot run here; these are the checks we
 * rely on most, and they run on every `npm test`).
 */
const root = join(import.meta.dirname, '../..');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|tsx)$/.test(name) ? [p] : [];
  });
const sources = files(join(root, 'src')).map((p) => ({ path: relative(root, p).split(sep).join('/'), text: readFileSync(p, 'utf8') }));

describe('Electron security baseline (static)', () => {
  it('finds the sources', () => {
    expect(sources.some((s) => s.path === 'src/main/electron/window.ts')).toBe(true);
    expect(sources.some((s) => s.path === 'src/preload/index.ts')).toBe(true);
  });

  it('never weakens webPreferences', () => {
    const dangerous = [
      /nodeIntegration\s*:\s*true/,
      /nodeIntegrationInWorker\s*:\s*true/,
      /nodeIntegrationInSubFrames\s*:\s*true/,
      /contextIsolation\s*:\s*false/,
      /sandbox\s*:\s*false/,
      /webSecurity\s*:\s*false/,
      /allowRunningInsecureContent\s*:\s*true/,
      /experimentalFeatures\s*:\s*true/,
      /enableBlinkFeatures/,
      /webviewTag\s*:\s*true/,
    ];
    const hits = sources.flatMap((s) => dangerous.filter((re) => re.test(s.text)).map((re) => `${s.path}: ${re}`));
    expect(hits).toEqual([]);
  });

  it('sets the secure preferences explicitly on the one BrowserWindow', () => {
    const window = sources.find((s) => s.path === 'src/main/electron/window.ts')!.text;
    for (const pref of [/contextIsolation\s*:\s*true/, /sandbox\s*:\s*true/, /nodeIntegration\s*:\s*false/, /webSecurity\s*:\s*true/]) {
      expect(window).toMatch(pref);
    }
    const creators = sources.filter((s) => /new BrowserWindow\(/.test(s.text)).map((s) => s.path);
    expect(creators).toEqual(['src/main/electron/window.ts']);
  });

  it('imports electron only at the edge (src/main/electron and src/preload)', () => {
    const importers = sources
      .filter((s) => /from ['"]electron['"]|require\(['"]electron['"]\)|import\(['"]electron['"]\)/.test(s.text))
      .map((s) => s.path);
    expect(importers.length).toBeGreaterThan(0);
    expect(importers.filter((p) => !p.startsWith('src/main/electron/') && !p.startsWith('src/preload/'))).toEqual([]);
  });

  it('the preload exposes only window.muster, built from the contract, never raw ipcRenderer', () => {
    const preload = sources.filter((s) => s.path.startsWith('src/preload/'));
    const text = preload.map((s) => s.text).join('\n');
    const exposures = [...text.matchAll(/exposeInMainWorld\(\s*['"]([^'"]+)['"]\s*,\s*([^)]*)/g)];
    expect(exposures.map((m) => m[1])).toEqual(['muster']);
    expect(exposures[0]![2]).toMatch(/createMusterApi/);
    expect(text).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\s*[,)]/);
    expect(text).not.toMatch(/ipcRenderer\.sendSync|ipcRenderer\.send\(/);
  });

  it('loads the renderer from the app protocol, never file://, and opens links only through the URL check', () => {
    const main = sources.filter((s) => s.path.startsWith('src/main/'));
    expect(main.filter((s) => /loadFile\(|['"`]file:\/\//.test(s.text)).map((s) => s.path)).toEqual([]);
    const openers = main.filter((s) => /shell\.openExternal\(/.test(s.text)).map((s) => s.path);
    for (const p of openers) expect(p.startsWith('src/main/electron/'), p).toBe(true);
  });

  it('the renderer never reaches for Node or Electron globals', () => {
    const renderer = sources.filter((s) => s.path.startsWith('src/renderer/'));
    expect(renderer.length).toBeGreaterThan(0);
    const hits = renderer.filter((s) => /\brequire\(|process\.versions|ipcRenderer|__dirname/.test(s.text)).map((s) => s.path);
    expect(hits).toEqual([]);
  });
});
