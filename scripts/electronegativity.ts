/**
 * `npm run lint:electron`: Electronegativity on the source with the installed Electron version,
 * offline (see lib/electronegativity.ts). Exits 1 on any HIGH or MEDIUM finding of firm or certain
 * confidence that is not a reviewed exception, on a stale exception, or on a file it cannot parse.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { evaluate, formatVerdict, scan } from './lib/electronegativity';

const root = resolve(import.meta.dirname, '..');
const electronVersion = (JSON.parse(readFileSync(createRequire(import.meta.url).resolve('electron/package.json'), 'utf8')) as { version: string }).version;
const input = resolve(root, process.argv[2] ?? 'src');

const result = await scan(input, electronVersion);
const verdict = evaluate(result);
console.log(formatVerdict(verdict, result, electronVersion));
process.exitCode = verdict.ok ? 0 : 1;
