import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * `npm test` builds before the end-to-end specs; these check what Electron would load, since the
 * Electron binary itself cannot run here.
 */
const root = resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(root, p), 'utf8');

describe('the build Electron would load', () => {
  it('package.json "main" names the built main-process entry', () => {
    const main = (JSON.parse(read('package.json')) as { main: string }).main;
    expect(existsSync(join(root, main)), `${main} missing after build`).toBe(true);
    expect(read(main)).toMatch(/requestSingleInstanceLock/);
  });

  it('the preload is one CommonJS file that only requires electron (sandboxed preloads cannot load modules)', () => {
    const files = readdirSync(join(root, 'out/preload'));
    expect(files).toEqual(['index.cjs']);
    const preload = read('out/preload/index.cjs');
    const required = [...preload.matchAll(/require\(["']([^"']+)["']\)/g)].map((m) => m[1]);
    expect([...new Set(required)]).toEqual(['electron']);
    expect(preload).not.toMatch(/^\s*import\s/m);
    expect(preload).toMatch(/exposeInMainWorld\(["']muster["']/);
  });

  it('the renderer page has no inline script or style (the CSP forbids them)', () => {
    const html = read('out/renderer/index.html');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\.\/assets\//); // relative: electron-vite's production base; the app has no path routes
      expect(body!.trim()).toBe('');
    }
    expect(html).not.toMatch(/<style\b/);
    expect(html).not.toMatch(/\son[a-z]+="/); // no inline event handlers
  });
});
