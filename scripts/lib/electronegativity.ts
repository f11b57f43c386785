/**
 * Electronegativity (Doyensec's static scanner for Electron misconfigurations), run on the source
 * with the project's Electron version, offline.
 *
 * The package reaches the network twice on every run: it fetches "updated translations" for the
 * current locale from a bucket, and its AvailableSecurityFixesGlobalCheck downloads Electron's
 * release list. Neither is allowed here (the checks run offline and must not phone anywhere), so:
 * - its `got` HTTP client is replaced, for requires made from inside the package only, by one that
 *   fails at once — the translation fetch then falls back to the bundled English strings, which
 *   is what the package does offline anyway;
 * - AvailableSecurityFixesGlobalCheck is excluded: it needs the live release list by design, and
 *   it only looks at package.json version findings, which a source scan has none of. Keeping
 *   Electron current is Dependabot/`npm outdated`'s job, not a lint's.
 *
 * The gate (`evaluate`): no HIGH or MEDIUM finding of FIRM or CERTAIN confidence, apart from the
 * reviewed exceptions listed below — each names one check in one file and says why it is fine, and
 * an exception that no longer matches anything fails the gate too, so the list cannot rot. Files
 * the scanner cannot parse fail the gate as well: an unparsed file is an unscanned file.
 */
import Module, { createRequire } from 'node:module';
import { dirname, relative, sep } from 'node:path';

export interface Finding {
  id: string;
  file: string;
  line: number;
  column: number;
  severity: 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
  confidence: 'CERTAIN' | 'FIRM' | 'TENTATIVE';
  sample: string;
  description: string;
  manualReview: boolean;
}

export interface ScanError {
  file: string;
  message: string;
  tolerable: boolean;
}

export interface ScanResult {
  findings: Finding[];
  errors: ScanError[];
  checks: number;
}

export interface ReviewedException {
  id: string;
  /** Path relative to the scanned directory, with forward slashes. */
  file: string;
  why: string;
}

/** Findings looked at by a person and judged fine. Keep this short; say why. */
export const REVIEWED_EXCEPTIONS: readonly ReviewedException[] = [
  {
    id: 'PRELOAD_JS_CHECK',
    file: 'main/electron/window.ts',
    why:
      'The check flags every preload script for review. Ours runs sandboxed and context-isolated (both set in the same literal) ' +
      'and exposes only the typed window.muster bridge of src/shared/contract/bridge.ts (src/preload/index.ts) — no Node, no ipcRenderer.',
  },
];

export const EXCLUDED_CHECKS = ['AvailableSecurityFixesGlobalCheck'] as const;

const PACKAGE = '@doyensec/electronegativity';

interface RawIssue {
  id: string;
  file: string;
  location: { line: number; column: number };
  severity: { name: Finding['severity'] };
  confidence: { name: Finding['confidence'] };
  sample?: string;
  description: string;
  manualReview?: boolean;
}

type Runner = (
  options: {
    input: string;
    output?: string;
    isSarif?: boolean;
    customScan: string[];
    excludeFromScan: string[];
    severitySet?: string;
    confidenceSet?: string;
    isRelative: boolean;
    isVerbose: boolean;
    electronUpgrade?: string;
    electronVersionOverride?: string;
    parserPlugins: string[];
  },
  forCli: boolean,
) => Promise<{ issues: RawIssue[]; errors: ScanError[]; globalChecks: number; atomicChecks: number }>;

let offlineHookInstalled = false;

/** Makes `require('got')` from inside the electronegativity package fail at once, with no traffic. */
function installOfflineHook(packageDir: string): void {
  if (offlineHookInstalled) return;
  offlineHookInstalled = true;
  const mod = Module as unknown as { _load: (request: string, parent: { filename?: string } | null, isMain: boolean) => unknown };
  const original = mod._load;
  const offlineGot = () => Promise.reject(new Error('network access is disabled for the Electronegativity scan'));
  mod._load = function (request, parent, isMain) {
    if (request === 'got' && parent?.filename?.startsWith(packageDir + sep)) return offlineGot;
    return original.call(this, request, parent, isMain);
  };
}

/** Scans `input` (a directory or file) as Electron `electronVersion` would run it. */
export async function scan(input: string, electronVersion: string): Promise<ScanResult> {
  const require = createRequire(import.meta.url);
  const packageDir = dirname(require.resolve(`${PACKAGE}/package.json`));
  installOfflineHook(packageDir);
  // CommonJS with `exports.default` (Babel output); tsx's require hands back the default itself.
  const loaded = require(`${PACKAGE}/dist/runner.js`) as Runner | { default: Runner };
  const runner = typeof loaded === 'function' ? loaded : loaded.default;
  // The package announces its failed translation fetch on stdout; offline that is expected, not news.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    if (args[0] !== 'Could not retrieve updated translations for the current locale') log(...args);
  };
  const result = await runner(
    {
      input,
      customScan: [],
      excludeFromScan: EXCLUDED_CHECKS.map((c) => c.toLowerCase()),
      isRelative: true,
      isVerbose: false,
      electronVersionOverride: electronVersion,
      parserPlugins: [],
    },
    false,
  ).finally(() => {
    console.log = log;
  });
  return {
    checks: result.globalChecks + result.atomicChecks,
    errors: result.errors.map((e) => ({ ...e, file: relative(input, e.file).split(sep).join('/') || e.file })),
    findings: result.issues.map((i) => ({
      id: i.id,
      file: i.file.split(sep).join('/'),
      line: i.location.line,
      column: i.location.column,
      severity: i.severity.name,
      confidence: i.confidence.name,
      sample: i.sample ?? '',
      description: i.description,
      manualReview: !!i.manualReview,
    })),
  };
}

export const isBlocking = (f: Finding): boolean =>
  (f.severity === 'HIGH' || f.severity === 'MEDIUM') && (f.confidence === 'FIRM' || f.confidence === 'CERTAIN');

export interface Verdict {
  ok: boolean;
  blocking: Finding[];
  excepted: { finding: Finding; why: string }[];
  staleExceptions: ReviewedException[];
  parseErrors: ScanError[];
}

export function evaluate(result: ScanResult, exceptions: readonly ReviewedException[] = REVIEWED_EXCEPTIONS): Verdict {
  const blocking: Finding[] = [];
  const excepted: Verdict['excepted'] = [];
  const used = new Set<ReviewedException>();
  for (const f of result.findings.filter(isBlocking)) {
    const ex = exceptions.find((e) => e.id === f.id && e.file === f.file);
    if (ex) {
      used.add(ex);
      excepted.push({ finding: f, why: ex.why });
    } else blocking.push(f);
  }
  const staleExceptions = exceptions.filter((e) => !used.has(e));
  const parseErrors = result.errors.filter((e) => !e.tolerable);
  return { ok: blocking.length === 0 && staleExceptions.length === 0 && parseErrors.length === 0, blocking, excepted, staleExceptions, parseErrors };
}

export function formatVerdict(v: Verdict, result: ScanResult, electronVersion: string): string {
  const lines: string[] = [];
  const where = (f: Finding) => `${f.file}:${f.line}:${f.column}`;
  lines.push(`Electronegativity: ${result.checks} checks, Electron ${electronVersion}, ${result.findings.length} finding(s) in total.`);
  for (const f of v.blocking) lines.push(`  BLOCKING ${f.severity}/${f.confidence} ${f.id} at ${where(f)}: ${f.description}${f.sample ? `\n      ${f.sample}` : ''}`);
  for (const e of v.parseErrors) lines.push(`  UNSCANNED ${e.file}: ${e.message}`);
  for (const e of v.staleExceptions) lines.push(`  STALE EXCEPTION ${e.id} in ${e.file}: it matches no finding any more — remove it from REVIEWED_EXCEPTIONS.`);
  for (const { finding: f } of v.excepted) lines.push(`  reviewed  ${f.severity}/${f.confidence} ${f.id} at ${where(f)} (see REVIEWED_EXCEPTIONS)`);
  const rest = result.findings.filter((f) => !isBlocking(f));
  if (rest.length) lines.push(`  ${rest.length} LOW/INFORMATIONAL or TENTATIVE finding(s), not gated: ${[...new Set(rest.map((f) => f.id))].join(', ')}`);
  lines.push(v.ok ? 'OK: 0 HIGH and 0 MEDIUM findings of firm or certain confidence.' : 'FAILED: fix the findings above.');
  return lines.join('\n');
}
