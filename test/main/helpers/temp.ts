import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger } from '../../../src/main/services/logger';

/** A fresh temp directory per test, removed afterwards. */
export async function tempDir(prefix = 'muster-main-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A logger that remembers what it was told, so tests can assert that a reason was logged. */
export function recordingLogger(): Logger & { lines: { level: string; message: string; context?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; context?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, context?: Record<string, unknown>) => void lines.push({ level, message, context });
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}
