import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/** Runs `npm run seed`'s script as the CLI does, and collects what it prints. */
const runSeed = (env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/seed.ts')], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('npm run seed', () => {
  it('a PGlite data directory in use: a clear message and exit code 1, no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'muster-seed-cli-'));
    try {
      const dataDir = join(dir, 'data');
      // This test process stands in for a running server holding the directory.
      await writeFile(`${dataDir}.lock`, String(process.pid));
      const r = await runSeed({ MUSTER_DATA_DIR: dataDir });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Seeding failed: The PGlite data directory ${dataDir} is in use by process ${process.pid}`);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe('');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
