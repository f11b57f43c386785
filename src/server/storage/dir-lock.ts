import { open, readFile, rm } from 'node:fs/promises';
import { resolve } from 'node:path';

/** Locks this process holds (a second open from the same process is refused too). */
const heldHere = new Set<string>();

/**
 * One PGlite data directory may be opened by one process only (two would corrupt it). A lock file
 * next to the directory holds the owner's pid; a lock left by a process that no longer runs is
 * taken over. Returns the release function.
 */
export const lockDirectory = async (dir: string): Promise<() => Promise<void>> => {
  const path = resolve(`${dir}.lock`);
  if (heldHere.has(path)) throw inUse(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldHere.add(path);
      return async () => {
        heldHere.delete(path);
        await rm(path, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      // Our own pid in the file means an earlier life of this pid (containers restart as pid 1): stale.
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && isRunning(owner)) throw inUse(dir, owner);
      await rm(path, { force: true }); // stale: its owner is gone
    }
  }
  throw new Error(`Could not lock the PGlite data directory ${dir}`);
};

const inUse = (dir: string, pid: number): Error =>
  new Error(
    `The PGlite data directory ${dir} is in use by process ${pid}. Stop that process first ` +
      '(one PGlite directory serves one process; use DATABASE_URL with PostgreSQL to run several).',
  );

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
};
