import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { IsoTime, MusterError, Profile, RefreshRequest } from '@shared/contract';
import { isNotFound, removeFile, writeFileAtomic } from './fs-atomic';
import { describeError, type Logger } from './logger';
import type { SecretBox } from './secret-box';

/**
 * The signed-in session as persisted by the main process: ONE encrypted file in the data
 * directory. The access token is never persisted (it lives in memory, see auth-service.ts).
 */
export const StoredSession = z.object({
  refreshToken: RefreshRequest.shape.refreshToken,
  refreshTokenExpiresAt: IsoTime,
  profile: Profile,
});
export type StoredSession = z.infer<typeof StoredSession>;

const FileContent = StoredSession.extend({ v: z.literal(1) });

export const SESSION_FILE_NAME = 'session.bin';

export interface SessionStore {
  /** The stored session, or null when there is none (or it was unreadable — then it is deleted). */
  load(): Promise<StoredSession | null>;
  /** Replaces the stored session atomically. Throws a MusterError when it cannot be stored. */
  save(session: StoredSession): Promise<void>;
  /** Wipes the stored session. */
  clear(): Promise<void>;
  readonly filePath: string;
}

export function createSessionStore(options: { dataDir: string; secretBox: SecretBox; log: Logger }): SessionStore {
  const { secretBox, log } = options;
  const filePath = join(options.dataDir, SESSION_FILE_NAME);

  // Every operation runs after the previous one finished, so a `save` followed by a `clear` can
  // never land in the opposite order on disk.
  let queue: Promise<unknown> = Promise.resolve();
  const serialized = <T>(op: () => Promise<T>): Promise<T> => {
    const run = queue.then(op, op);
    queue = run.catch(() => {});
    return run;
  };

  const discard = async (why: string): Promise<null> => {
    log.warn(`Stored session discarded, treating as signed out: ${why}`, { file: filePath });
    await removeFile(filePath).catch((e) => log.error(`Could not delete the unreadable session file: ${describeError(e)}`));
    return null;
  };

  return {
    filePath,
    load: () =>
      serialized(async () => {
        let blob: Buffer;
        try {
          blob = await readFile(filePath);
        } catch (e) {
          if (isNotFound(e)) return null;
          log.error(`Cannot read the session file: ${describeError(e)}`, { file: filePath });
          return null; // unreadable (permissions, I/O): signed out for now, but leave the file alone
        }
        let plain: Buffer;
        try {
          plain = await secretBox.decrypt(blob);
        } catch (e) {
          // The keychain being unavailable (locked, backend missing) says nothing about the file:
          // keep it for a later start. Only a file that cannot be decrypted is discarded.
          if (e instanceof MusterError) {
            log.error(`Stored session kept but not usable now: ${e.message}`, { file: filePath });
            return null;
          }
          return discard(`it cannot be decrypted (${describeError(e)})`);
        }
        let json: unknown;
        try {
          json = JSON.parse(plain.toString('utf8'));
        } catch {
          return discard('its content is not JSON');
        }
        const parsed = FileContent.safeParse(json);
        if (!parsed.success) return discard(`its content does not match the expected shape (${parsed.error.issues.length} issues)`);
        const { v: _version, ...session } = parsed.data;
        return session;
      }),
    save: (session) =>
      serialized(async () => {
        const content = FileContent.parse({ v: 1, ...session });
        let blob: Buffer;
        try {
          blob = await secretBox.encrypt(Buffer.from(JSON.stringify(content), 'utf8'));
        } catch (e) {
          if (e instanceof MusterError) throw e;
          throw new MusterError('internal', `Could not encrypt the session for storage: ${describeError(e)}`, { reason: 'secure_storage_failed' });
        }
        try {
          await writeFileAtomic(filePath, blob);
        } catch (e) {
          throw new MusterError('internal', `Could not write the session file: ${describeError(e)}`, { reason: 'session_write_failed' });
        }
      }),
    clear: () =>
      serialized(async () => {
        try {
          await removeFile(filePath);
        } catch (e) {
          throw new MusterError('internal', `Could not delete the session file: ${describeError(e)}`, { reason: 'session_write_failed' });
        }
      }),
  };
}
