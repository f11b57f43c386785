import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * File writes that never leave a half-written file behind: write a private temp file next to the
 * target, flush it to disk, then rename (or link) it into place. Readers see the old content or
 * the new one, never a mix, even if the process dies mid-write.
 */

const SECRET_FILE_MODE = 0o600;
const SECRET_DIR_MODE = 0o700;

/** Creates the directory (and parents) readable by the owner only when it does not exist yet. */
export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: SECRET_DIR_MODE });
}

async function writeTemp(target: string, data: Buffer): Promise<string> {
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  // 'wx': never follow or reuse an existing file; the mode applies from the first byte.
  const handle = await open(temp, 'wx', SECRET_FILE_MODE);
  let written = false;
  try {
    await handle.writeFile(data);
    await handle.sync();
    written = true;
  } finally {
    await handle.close().catch(() => {});
    if (!written) await unlink(temp).catch(() => {});
  }
  return temp;
}

/** Flushes a directory entry change (rename) to disk where the OS supports it. */
async function syncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r').catch(() => null);
  if (!handle) return;
  await handle.sync().catch(() => {});
  await handle.close().catch(() => {});
}

/** Replaces `target` atomically with `data` (mode 0600). */
export async function writeFileAtomic(target: string, data: Buffer): Promise<void> {
  await ensurePrivateDir(dirname(target));
  const temp = await writeTemp(target, data);
  try {
    await rename(temp, target);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
  await syncDir(dirname(target));
}

/**
 * Creates `target` atomically with `data` (mode 0600) only if it does not exist yet. Returns false
 * when another process won the race (the caller then reads the winner's file). `link` fails with
 * EEXIST instead of overwriting, which `rename` would do.
 */
export async function createFileAtomicExclusive(target: string, data: Buffer): Promise<boolean> {
  await ensurePrivateDir(dirname(target));
  const temp = await writeTemp(target, data);
  try {
    await link(temp, target);
    await syncDir(dirname(target));
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(temp).catch(() => {});
  }
}

/** Deletes a file; a file that is already gone is not an error. */
export async function removeFile(target: string): Promise<void> {
  try {
    await unlink(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}

export const isNotFound = (e: unknown): boolean => (e as NodeJS.ErrnoException | null)?.code === 'ENOENT';
