import { chmod, lstat, mkdir, readFile, readdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assertKeyFileOutsideDataDir, openKeyFileBox } from '../../../src/main/services/key-file-box';
import { SecretBoxError } from '../../../src/main/services/secret-box';
import { tempDir } from '../helpers/temp';

const posix = process.platform !== 'win32';

describe('key-file box', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let keyFile: string;
  let dataDir: string;
  beforeEach(async () => {
    dir = await tempDir();
    keyFile = join(dir.path, 'config', 'muster', 'web-host.key');
    dataDir = join(dir.path, 'data');
  });
  afterEach(() => dir.cleanup());

  it('round-trips bytes and never emits the plaintext', async () => {
    const box = await openKeyFileBox({ keyFile, dataDir });
    expect(box.kind).toBe('key-file');
    const secret = Buffer.from('refresh-token-0123456789abcdef 张伟', 'utf8');
    const a = await box.encrypt(secret);
    const b = await box.encrypt(secret);
    expect(a.equals(b)).toBe(false); // fresh IV every time
    expect(a.includes(secret)).toBe(false);
    expect(a[0]).toBe(1); // format version
    expect(a.length).toBe(1 + 12 + 16 + secret.length);
    expect((await box.decrypt(a)).equals(secret)).toBe(true);
    expect((await box.decrypt(b)).equals(secret)).toBe(true);
  });

  it('creates the key file 0600 in a private directory and reuses it on the next start', async () => {
    const first = await openKeyFileBox({ keyFile, dataDir });
    const blob = await first.encrypt(Buffer.from('persisted'));
    const content = await readFile(keyFile, 'utf8');
    expect(content).toMatch(/^muster-web-host-key-v1:[A-Za-z0-9+/]{43}=\n$/);
    if (posix) {
      expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir.path, 'config', 'muster'))).mode & 0o777).toBe(0o700);
    }
    expect((await readdir(join(dir.path, 'config', 'muster'))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const second = await openKeyFileBox({ keyFile, dataDir });
    expect((await second.decrypt(blob)).toString()).toBe('persisted');
    expect(await readFile(keyFile, 'utf8')).toBe(content);
  });

  it('agrees on one key when two hosts create it at the same time', async () => {
    const [a, b] = await Promise.all([openKeyFileBox({ keyFile }), openKeyFileBox({ keyFile })]);
    expect((await b.decrypt(await a.encrypt(Buffer.from('x')))).toString()).toBe('x');
    expect((await a.decrypt(await b.encrypt(Buffer.from('y')))).toString()).toBe('y');
  });

  it.each([
    ['a ciphertext byte', (blob: Buffer) => (blob[blob.length - 1]! ^= 0x01)],
    ['the auth tag', (blob: Buffer) => (blob[1 + 12]! ^= 0x80)],
    ['the IV', (blob: Buffer) => (blob[1]! ^= 0x01)],
  ])('detects tampering with %s', async (_what, tamper) => {
    const box = await openKeyFileBox({ keyFile });
    const blob = await box.encrypt(Buffer.from('secret value'));
    tamper(blob);
    await expect(box.decrypt(blob)).rejects.toThrow(SecretBoxError);
    await expect(box.decrypt(blob)).rejects.toThrow(/tampered/);
  });

  it('refuses truncated data, an unknown version, and data from another key', async () => {
    const box = await openKeyFileBox({ keyFile });
    const blob = await box.encrypt(Buffer.from('secret value'));
    await expect(box.decrypt(blob.subarray(0, 20))).rejects.toThrow(/truncated/);
    const v2 = Buffer.from(blob);
    v2[0] = 2;
    await expect(box.decrypt(v2)).rejects.toThrow(/unknown format version/);
    const other = await openKeyFileBox({ keyFile: join(dir.path, 'other.key') });
    await expect(other.decrypt(blob)).rejects.toThrow(/another key/);
  });

  it('refuses a key file inside the data directory', async () => {
    await expect(openKeyFileBox({ keyFile: join(dataDir, 'web-host.key'), dataDir })).rejects.toThrow(/inside the data directory/);
    expect(() => assertKeyFileOutsideDataDir(join(dataDir, 'a', 'b.key'), dataDir)).toThrow(SecretBoxError);
    expect(() => assertKeyFileOutsideDataDir(dataDir, dataDir)).toThrow(SecretBoxError);
    // A sibling whose name merely starts with the data dir's name is outside.
    expect(() => assertKeyFileOutsideDataDir(join(`${dataDir}2`, 'k.key'), dataDir)).not.toThrow();
    expect(() => assertKeyFileOutsideDataDir(keyFile, dataDir)).not.toThrow();
  });

  it.runIf(posix)('refuses a key file other users can read', async () => {
    await openKeyFileBox({ keyFile });
    await chmod(keyFile, 0o644);
    await expect(openKeyFileBox({ keyFile })).rejects.toThrow(/accessible by other users.*chmod 600/);
  });

  it('refuses a file that is not a Muster key file instead of overwriting it', async () => {
    await mkdir(join(dir.path, 'config', 'muster'), { recursive: true });
    await writeFile(keyFile, 'not a key', { mode: 0o600 });
    await expect(openKeyFileBox({ keyFile })).rejects.toThrow(/not a Muster key file/);
    expect(await readFile(keyFile, 'utf8')).toBe('not a key');
  });

  it.runIf(posix)('refuses a dangling symlink at the key path at once instead of looping', async () => {
    await mkdir(join(dir.path, 'config', 'muster'), { recursive: true });
    await symlink(join(dir.path, 'nowhere', 'web-host.key'), keyFile);
    // Before: reading followed the link (ENOENT), creating hit the link (EEXIST), forever.
    await expect(openKeyFileBox({ keyFile, dataDir })).rejects.toThrow(/is a symbolic link/);
    expect((await lstat(keyFile)).isSymbolicLink()).toBe(true); // left as found
    expect(await readdir(join(dir.path, 'config', 'muster'))).toEqual(['web-host.key']); // no temp files left
  }, 2_000);

  it.runIf(posix)('refuses a symlink to a real key file too (the key is read only from the path itself)', async () => {
    const real = join(dir.path, 'elsewhere.key');
    await openKeyFileBox({ keyFile: real });
    await mkdir(join(dir.path, 'config', 'muster'), { recursive: true });
    await symlink(real, keyFile);
    await expect(openKeyFileBox({ keyFile })).rejects.toThrow(SecretBoxError);
    await expect(openKeyFileBox({ keyFile })).rejects.toThrow(/symbolic link.*MUSTER_WEB_KEY_FILE/);
  });
});
