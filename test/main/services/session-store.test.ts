import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MusterError } from '@shared/contract';
import { openKeyFileBox } from '../../../src/main/services/key-file-box';
import type { SecretBox } from '../../../src/main/services/secret-box';
import { createSessionStore, SESSION_FILE_NAME, type StoredSession } from '../../../src/main/services/session-store';
import { recordingLogger, tempDir } from '../helpers/temp';

const session = (refreshToken = `rt-${randomUUID()}`): StoredSession => {
  const orgId = randomUUID();
  return {
    refreshToken,
    refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    profile: {
      member: { id: randomUUID(), orgId, account: 'lina', name: '李娜', nameEn: 'Li Na', role: 'employee', departmentId: null, title: null },
      org: { id: orgId, slug: 'demo', name: '示例公司', nameEn: null },
      serverUrl: 'http://127.0.0.1:7800',
    },
  };
};

describe('session store', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  let dataDir: string;
  let box: SecretBox;
  let log: ReturnType<typeof recordingLogger>;
  beforeEach(async () => {
    dir = await tempDir();
    dataDir = join(dir.path, 'data');
    box = await openKeyFileBox({ keyFile: join(dir.path, 'web.key'), dataDir });
    log = recordingLogger();
  });
  afterEach(() => dir.cleanup());

  it('returns null when nothing is stored', async () => {
    expect(await createSessionStore({ dataDir, secretBox: box, log }).load()).toBeNull();
  });

  it('persists one encrypted 0600 file and reads it back', async () => {
    const store = createSessionStore({ dataDir, secretBox: box, log });
    const s = session();
    await store.save(s);
    expect(await readdir(dataDir)).toEqual([SESSION_FILE_NAME]); // no temp files left behind
    const raw = await readFile(join(dataDir, SESSION_FILE_NAME));
    expect(raw.includes(Buffer.from(s.refreshToken))).toBe(false);
    expect(raw.includes(Buffer.from('李娜'))).toBe(false);
    if (process.platform !== 'win32') expect((await stat(join(dataDir, SESSION_FILE_NAME))).mode & 0o777).toBe(0o600);
    // A new store (next start) reads it.
    expect(await createSessionStore({ dataDir, secretBox: box, log }).load()).toEqual(s);
  });

  it('replaces the session atomically on save', async () => {
    const store = createSessionStore({ dataDir, secretBox: box, log });
    await store.save(session('rt-first-0123456789'));
    const second = session('rt-second-0123456789');
    await store.save(second);
    expect(await store.load()).toEqual(second);
    expect(await readdir(dataDir)).toEqual([SESSION_FILE_NAME]);
  });

  it('keeps operations in call order even when not awaited', async () => {
    const store = createSessionStore({ dataDir, secretBox: box, log });
    const a = store.save(session());
    const b = store.clear();
    await Promise.all([a, b]);
    expect(await store.load()).toBeNull();
    const s = session();
    await Promise.all([store.clear(), store.save(s)]);
    expect(await store.load()).toEqual(s);
  });

  it('treats a corrupt file as signed out, deletes it and logs why', async () => {
    await createSessionStore({ dataDir, secretBox: box, log }).save(session());
    await writeFile(join(dataDir, SESSION_FILE_NAME), Buffer.from('garbage that is not a sealed blob at all'));
    const store = createSessionStore({ dataDir, secretBox: box, log });
    expect(await store.load()).toBeNull();
    expect(await readdir(dataDir)).toEqual([]);
    expect(log.lines.some((l) => l.level === 'warn' && /cannot be decrypted/.test(l.message))).toBe(true);
  });

  it('treats a file sealed with another key (key file replaced) as signed out', async () => {
    await createSessionStore({ dataDir, secretBox: box, log }).save(session());
    const otherBox = await openKeyFileBox({ keyFile: join(dir.path, 'new.key') });
    expect(await createSessionStore({ dataDir, secretBox: otherBox, log }).load()).toBeNull();
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('discards a decryptable file whose content has the wrong shape', async () => {
    await mkdir(dataDir, { recursive: true });
    await writeFile(join(dataDir, SESSION_FILE_NAME), await box.encrypt(Buffer.from(JSON.stringify({ v: 1, refreshToken: 'short' }))));
    expect(await createSessionStore({ dataDir, secretBox: box, log }).load()).toBeNull();
    expect(log.lines.some((l) => /expected shape/.test(l.message))).toBe(true);
    expect(await readdir(dataDir)).toEqual([]);

    await writeFile(join(dataDir, SESSION_FILE_NAME), await box.encrypt(Buffer.from('{not json')));
    expect(await createSessionStore({ dataDir, secretBox: box, log }).load()).toBeNull();
    expect(log.lines.some((l) => /not JSON/.test(l.message))).toBe(true);
  });

  it('keeps the file when the keychain is merely unavailable right now', async () => {
    await createSessionStore({ dataDir, secretBox: box, log }).save(session());
    const locked: SecretBox = {
      kind: 'os-keychain',
      encrypt: () => Promise.reject(new MusterError('internal', 'keychain unavailable')),
      decrypt: () => Promise.reject(new MusterError('internal', 'keychain unavailable')),
    };
    expect(await createSessionStore({ dataDir, secretBox: locked, log }).load()).toBeNull();
    expect(await readdir(dataDir)).toEqual([SESSION_FILE_NAME]);
    expect(await createSessionStore({ dataDir, secretBox: box, log }).load()).not.toBeNull();
  });

  it('fails a save with a typed error and leaves the previous session intact', async () => {
    const store = createSessionStore({ dataDir, secretBox: box, log });
    const s = session();
    await store.save(s);
    const broken: SecretBox = { kind: 'key-file', encrypt: () => Promise.reject(new Error('boom')), decrypt: (b) => box.decrypt(b) };
    const failing = createSessionStore({ dataDir, secretBox: broken, log });
    await expect(failing.save(session())).rejects.toMatchObject({ code: 'internal', details: { reason: 'secure_storage_failed' } });
    expect(await store.load()).toEqual(s);
    expect(await readdir(dataDir)).toEqual([SESSION_FILE_NAME]);
  });

  it('refuses to save a session that does not match the schema', async () => {
    const store = createSessionStore({ dataDir, secretBox: box, log });
    await expect(store.save({ ...session(), refreshToken: 'x' })).rejects.toThrow();
    expect(await store.load()).toBeNull();
  });

  it('clear() wipes the session and is idempotent', async () => {
    const store = createSessionStore({ dataDir, secretBox: box, log });
    await store.save(session());
    await store.clear();
    expect(await readdir(dataDir)).toEqual([]);
    expect(await store.load()).toBeNull();
    await expect(store.clear()).resolves.toBeUndefined();
  });
});
