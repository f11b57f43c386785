import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluate, isBlocking, scan, type Finding, type ScanResult } from '../../scripts/lib/electronegativity';

/**
 * Defect 10: the scan must see the window's security settings. Real Electronegativity runs here on
 * small fixture trees (offline — the test fails if the scan opens any socket).
 */
const root = resolve(import.meta.dirname, '../..');
const ELECTRON = '45.4.1';
let dir: string;

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const base = join(dir, name);
  for (const [path, text] of Object.entries(files)) {
    await mkdir(join(base, path, '..'), { recursive: true });
    await writeFile(join(base, path), text);
  }
  return base;
}

const windowSource = () => readFile(resolve(root, 'src/main/electron/window.ts'), 'utf8');
/**
 * Gated findings of the per-file checks. The global checks (CSP, navigation limits, permission
 * handler) look across the whole tree and fire on a one-file fixture by design; `npm run
 * lint:electron` runs them on the real source.
 */
const ids = (r: ScanResult) =>
  r.findings
    .filter((f) => isBlocking(f) && !f.id.endsWith('_GLOBAL_CHECK'))
    .map((f) => f.id)
    .sort();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'muster-eng-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('Electronegativity scan', () => {
  it('webPreferences built by a helper are invisible to it: contextIsolation, sandbox and auxclick reported (the outside review’s finding)', async () => {
    const input = await tree('helper', {
      'main/electron/window.ts': [
        "import { BrowserWindow } from 'electron';",
        'function hardened(preload: string) {',
        '  return { preload, contextIsolation: true, sandbox: true, nodeIntegration: false };',
        '}',
        'export function createMainWindow(preload: string) {',
        '  return new BrowserWindow({ width: 800, webPreferences: hardened(preload) });',
        '}',
      ].join('\n'),
    });
    const result = await scan(input, ELECTRON);
    expect(ids(result)).toEqual(expect.arrayContaining(['AUXCLICK_JS_CHECK', 'CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK']));
    expect(evaluate(result, []).ok).toBe(false);
  });

  it('the real window.ts literal passes: only the reviewed preload finding, nothing else firm/certain at HIGH or MEDIUM', async () => {
    const input = await tree('real', { 'main/electron/window.ts': await windowSource() });
    const result = await scan(input, ELECTRON);
    expect(ids(result)).toEqual(['PRELOAD_JS_CHECK']);
    const verdict = evaluate({ ...result, findings: result.findings.filter((f) => !f.id.endsWith('_GLOBAL_CHECK')) });
    expect(verdict.ok).toBe(true);
    expect(verdict.excepted.map((e) => e.finding.id)).toEqual(['PRELOAD_JS_CHECK']);
  });

  it('it really reads that literal: dropping contextIsolation, sandbox or the auxclick switch from it is caught', async () => {
    const source = await windowSource();
    expect(source).toMatch(/contextIsolation: true,\n/);
    const noIsolation = await tree('no-isolation', { 'main/electron/window.ts': source.replace(/contextIsolation: true,\n/, '') });
    expect(ids(await scan(noIsolation, ELECTRON))).toContain('CONTEXT_ISOLATION_JS_CHECK');
    const noSandbox = await tree('no-sandbox', { 'main/electron/window.ts': source.replace(/sandbox: true,\n/, '') });
    expect(ids(await scan(noSandbox, ELECTRON))).toContain('SANDBOX_JS_CHECK');
    expect(source).toMatch(/disableBlinkFeatures: 'Auxclick',\n/);
    const auxclick = await tree('auxclick', { 'main/electron/window.ts': source.replace(/disableBlinkFeatures: 'Auxclick',\n/, '') });
    expect(ids(await scan(auxclick, ELECTRON))).toContain('AUXCLICK_JS_CHECK');
  });

  it('runs offline: no socket is opened during a scan', async () => {
    const input = await tree('offline', { 'main/electron/window.ts': await windowSource() });
    const original = Socket.prototype.connect;
    const attempts: unknown[] = [];
    Socket.prototype.connect = function (this: Socket, ...args: unknown[]) {
      attempts.push(args[0]);
      return (original as (...a: unknown[]) => Socket).apply(this, args);
    } as typeof Socket.prototype.connect;
    try {
      await scan(input, ELECTRON);
    } finally {
      Socket.prototype.connect = original;
    }
    expect(attempts).toEqual([]);
  });
});

describe('evaluate (the gate)', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    id: 'X_CHECK',
    file: 'a.ts',
    line: 1,
    column: 1,
    severity: 'MEDIUM',
    confidence: 'FIRM',
    sample: '',
    description: '',
    manualReview: false,
    ...over,
  });
  const result = (findings: Finding[], errors: ScanResult['errors'] = []): ScanResult => ({ findings, errors, checks: 1 });

  it('gates HIGH and MEDIUM of FIRM or CERTAIN confidence only', () => {
    expect(evaluate(result([finding({ severity: 'HIGH', confidence: 'CERTAIN' })]), []).ok).toBe(false);
    expect(evaluate(result([finding({ severity: 'MEDIUM', confidence: 'FIRM' })]), []).ok).toBe(false);
    expect(evaluate(result([finding({ severity: 'MEDIUM', confidence: 'TENTATIVE' })]), []).ok).toBe(true);
    expect(evaluate(result([finding({ severity: 'LOW', confidence: 'CERTAIN' })]), []).ok).toBe(true);
  });

  it('an exception covers its check in its file only, and a stale exception fails', () => {
    const ex = [{ id: 'X_CHECK', file: 'a.ts', why: 'reviewed' }];
    expect(evaluate(result([finding({})]), ex).ok).toBe(true);
    expect(evaluate(result([finding({ file: 'b.ts' })]), ex).ok).toBe(false);
    const stale = evaluate(result([]), ex);
    expect(stale.ok).toBe(false);
    expect(stale.staleExceptions).toEqual(ex);
  });

  it('a file it cannot parse fails the gate (unscanned is not clean)', () => {
    expect(evaluate(result([], [{ file: 'x.ts', message: 'Unexpected token', tolerable: false }]), []).ok).toBe(false);
    expect(evaluate(result([], [{ file: 'x.ts', message: 'warning', tolerable: true }]), []).ok).toBe(true);
  });
});
