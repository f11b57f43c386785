import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { createFileAtomicExclusive, isNotFound } from './fs-atomic';
import { SecretBoxError, type SecretBox } from './secret-box';

/**
 * Browser-mode secret box: AES-256-GCM with a random 32-byte key kept in a key file.
 *
 * SECURITY NOTE — this is WEAKER than the OS keychain (`safeStorage`) used by the desktop app:
 * anyone who can read the key file (any process running as this user, a backup that includes the
 * home directory) can decrypt the session. It still guarantees that (1) the data directory alone
 * — the part most likely to be copied around, attached to bug reports or shared with a test
 * fixture — never contains a usable refresh token, and (2) tampering is detected. That is why the
 * key file must live OUTSIDE the data directory, is created 0600, and is refused when group- or
 * world-accessible (like ssh refuses a readable private key).
 *
 * Blob layout: version (1 byte) | iv (12) | GCM tag (16) | ciphertext.
 */

const VERSION = 1;
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + IV_BYTES + TAG_BYTES;
/** Binds ciphertexts to this use, so a blob made for something else with the same key is refused. */
const AAD = Buffer.from('muster/key-file-box/v1');
const KEY_FILE_PREFIX = 'muster-web-host-key-v1:';

/** Default key file: ~/.config/muster/web-host.key (outside any project / data directory). */
export const defaultKeyFilePath = (): string => join(homedir(), '.config', 'muster', 'web-host.key');

/** Refuses a key file inside the data directory (keeping them apart is the point of the key file). */
export function assertKeyFileOutsideDataDir(keyFile: string, dataDir: string): void {
  const rel = relative(resolve(dataDir), resolve(keyFile));
  if (rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))) {
    throw new SecretBoxError(
      `The key file ${keyFile} is inside the data directory ${dataDir}; put it elsewhere (MUSTER_WEB_KEY_FILE) so the data directory alone never reveals the session`,
    );
  }
}

function encodeKeyFile(key: Buffer): Buffer {
  return Buffer.from(`${KEY_FILE_PREFIX}${key.toString('base64')}\n`, 'utf8');
}

function decodeKeyFile(content: Buffer, keyFile: string): Buffer {
  const text = content.toString('utf8').trim();
  const key = text.startsWith(KEY_FILE_PREFIX) ? Buffer.from(text.slice(KEY_FILE_PREFIX.length), 'base64') : null;
  if (!key || key.length !== KEY_BYTES) {
    throw new SecretBoxError(`The key file ${keyFile} is not a Muster key file (expected "${KEY_FILE_PREFIX}<32 bytes base64>"); move it away to create a new key (you will be signed out)`);
  }
  return key;
}

function assertPrivate(keyFile: string, info: Stats): void {
  if (!info.isFile()) throw new SecretBoxError(`The key file ${keyFile} is not a regular file`);
  if (process.platform === 'win32') return; // POSIX modes do not describe Windows ACLs
  if ((info.mode & 0o077) !== 0) {
    throw new SecretBoxError(
      `The key file ${keyFile} is accessible by other users (mode ${(info.mode & 0o777).toString(8)}); run "chmod 600 ${keyFile}"`,
    );
  }
  if (typeof process.getuid === 'function' && info.uid !== process.getuid()) {
    throw new SecretBoxError(`The key file ${keyFile} belongs to another user`);
  }
}

const symlinkRefused = (keyFile: string): SecretBoxError =>
  new SecretBoxError(
    `The key file ${keyFile} is a symbolic link; Muster does not follow links for its key (a link can point anywhere, or nowhere). Replace it with the file itself or set MUSTER_WEB_KEY_FILE to the real path`,
  );

/** POSIX: opening refuses a symlink atomically (ELOOP); the lstat below gives the clear message everywhere. */
const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;

/** The key in `keyFile`, or null when there is no file. Never follows a symlink at the key path. */
async function readKey(keyFile: string): Promise<Buffer | null> {
  let info: Stats;
  try {
    info = await lstat(keyFile);
  } catch (e) {
    if (isNotFound(e)) return null;
    throw new SecretBoxError(`Cannot read the key file ${keyFile}`, { cause: e });
  }
  if (info.isSymbolicLink()) throw symlinkRefused(keyFile);
  let handle: FileHandle;
  try {
    handle = await open(keyFile, constants.O_RDONLY | NO_FOLLOW);
  } catch (e) {
    if (isNotFound(e)) return null; // removed between lstat and open
    if ((e as NodeJS.ErrnoException).code === 'ELOOP') throw symlinkRefused(keyFile); // replaced by a link meanwhile
    throw new SecretBoxError(`Cannot read the key file ${keyFile}`, { cause: e });
  }
  try {
    // Checks and content come from the same open file, not from the path a second time.
    assertPrivate(keyFile, await handle.stat());
    return decodeKeyFile(await handle.readFile(), keyFile);
  } catch (e) {
    throw e instanceof SecretBoxError ? e : new SecretBoxError(`Cannot read the key file ${keyFile}`, { cause: e });
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * Losing the create race to another process and then finding no file can only repeat if
 * something keeps deleting it; give up after a few rounds rather than spin.
 */
const MAX_KEY_ATTEMPTS = 3;

/** Reads the key, creating it (random, 0600, atomically) on first use. */
async function loadOrCreateKey(keyFile: string): Promise<Buffer> {
  for (let attempt = 0; attempt < MAX_KEY_ATTEMPTS; attempt++) {
    const existing = await readKey(keyFile);
    if (existing) return existing;
    const key = randomBytes(KEY_BYTES);
    // false: another process created it between our read and our write; read theirs next round.
    if (await createFileAtomicExclusive(keyFile, encodeKeyFile(key))) return key;
  }
  throw new SecretBoxError(`The key file ${keyFile} could be neither read nor created (it keeps appearing and disappearing); check what else uses this path`);
}

export async function openKeyFileBox(options: { keyFile: string; dataDir?: string }): Promise<SecretBox> {
  if (options.dataDir !== undefined) assertKeyFileOutsideDataDir(options.keyFile, options.dataDir);
  const key = await loadOrCreateKey(options.keyFile);
  return {
    kind: 'key-file',
    async encrypt(plain) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(AAD);
      const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), ciphertext]);
    },
    async decrypt(blob) {
      if (blob.length < HEADER_BYTES) throw new SecretBoxError('Encrypted data is truncated');
      if (blob[0] !== VERSION) throw new SecretBoxError(`Encrypted data has an unknown format version (${blob[0]})`);
      const iv = blob.subarray(1, 1 + IV_BYTES);
      const tag = blob.subarray(1 + IV_BYTES, HEADER_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAAD(AAD);
      decipher.setAuthTag(tag);
      try {
        return Buffer.concat([decipher.update(blob.subarray(HEADER_BYTES)), decipher.final()]);
      } catch (e) {
        throw new SecretBoxError('Encrypted data was tampered with or was encrypted with another key', { cause: e });
      }
    },
  };
}
