import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { SafeStorage } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { err, MusterError, ok } from '@shared/contract';
import { createSafeStorageBox } from '../../../src/main/electron/safe-storage-box';
import { createAuthService } from '../../../src/main/services/auth-service';
import type { ServerClient } from '../../../src/main/services/server-client';
import { SecretBoxError } from '../../../src/main/services/secret-box';
import { createSessionStore } from '../../../src/main/services/session-store';
import { DEMO, makeBundle } from '../helpers/stub-auth-server';
import { recordingLogger, tempDir } from '../helpers/temp';

vi.mock('electron', () => ({}));

/** A stand-in for the OS keychain: reversible, but never the identity, and it records calls. */
function fakeSafeStorage(options: { available?: boolean; backend?: ReturnType<SafeStorage['getSelectedStorageBackend']> } = {}) {
  const seal = (s: string) => Buffer.from(`sealed:${Buffer.from(s).toString('hex')}`);
  return {
    isAsyncEncryptionAvailable: vi.fn(async () => options.available ?? true),
    getSelectedStorageBackend: vi.fn(() => options.backend ?? 'gnome_libsecret'),
    encryptStringAsync: vi.fn(async (s: string) => seal(s)),
    decryptStringAsync: vi.fn(async (b: Buffer) => {
      const text = b.toString();
      if (!text.startsWith('sealed:')) throw new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.');
      return { result: Buffer.from(text.slice(7), 'hex').toString(), shouldReEncrypt: false };
    }),
  };
}

describe('safeStorage secret box', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(() => dir.cleanup());

  it('round-trips arbitrary bytes through the keychain', async () => {
    const storage = fakeSafeStorage();
    const box = createSafeStorageBox(storage as unknown as SafeStorage, { platform: 'linux', log: recordingLogger() });
    expect(box.kind).toBe('os-keychain');
    const bytes = Buffer.from([0, 255, 1, 254, 0x7f, 0x80, 0x0a]);
    const blob = await box.encrypt(bytes);
    expect(storage.encryptStringAsync).toHaveBeenCalledOnce();
    expect((await box.decrypt(blob)).equals(bytes)).toBe(true);
  });

  it('refuses to store anything when encryption is unavailable (never plaintext)', async () => {
    const storage = fakeSafeStorage({ available: false });
    const box = createSafeStorageBox(storage as unknown as SafeStorage, { platform: 'darwin', log: recordingLogger() });
    await expect(box.encrypt(Buffer.from('refresh-token'))).rejects.toBeInstanceOf(MusterError);
    await expect(box.encrypt(Buffer.from('refresh-token'))).rejects.toMatchObject({ code: 'internal', details: { reason: 'secure_storage_unavailable' } });
    expect(storage.encryptStringAsync).not.toHaveBeenCalled();

    // Through the session store: the save is refused and nothing reaches the disk.
    const dataDir = join(dir.path, 'data');
    const store = createSessionStore({ dataDir, secretBox: box, log: recordingLogger() });
    const orgId = '0b6f3c3e-8a4f-4d8e-9a55-6f1d1f0d2c11';
    await expect(
      store.save({
        refreshToken: 'rt-0123456789abcdef',
        refreshTokenExpiresAt: new Date(Date.now() + 60_000).toISOString(),
        profile: {
          member: { id: '5d6f3c3e-8a4f-4d8e-9a55-6f1d1f0d2c11', orgId, account: 'lina', name: '李娜', nameEn: null, role: 'employee', departmentId: null, title: null },
          org: { id: orgId, slug: 'demo', name: 'Demo', nameEn: null },
          serverUrl: 'http://127.0.0.1:7800',
        },
      }),
    ).rejects.toMatchObject({ details: { reason: 'secure_storage_unavailable' } });
    expect(await readdir(dir.path)).not.toContain('data');
  });

  it('Linux basic_text: sign-in still works, in memory only (persisted: false), and no secret is written', async () => {
    const storage = fakeSafeStorage({ backend: 'basic_text' });
    const box = createSafeStorageBox(storage as unknown as SafeStorage, { platform: 'linux', log: recordingLogger() });
    const dataDir = join(dir.path, 'data');
    const bundle = makeBundle();
    const calls: string[] = [];
    const server = {
      baseUrl: 'http://127.0.0.1:7800',
      request: async (route: string) => {
        calls.push(route);
        return route === 'signIn' ? ok(bundle) : err('unavailable', 'not in this test');
      },
    } as unknown as ServerClient;
    const auth = createAuthService({
      server,
      store: createSessionStore({ dataDir, secretBox: box, log: recordingLogger() }),
      emit: () => {},
      serverUrl: 'http://127.0.0.1:7800',
      log: recordingLogger(),
    });
    const result = await auth.signIn(DEMO);
    expect(result).toMatchObject({ ok: true, value: { persisted: false, token: { accessToken: bundle.accessToken, memberId: bundle.member.id } } });
    expect(await auth.accessToken({ forceRefresh: false })).toMatchObject({ ok: true, value: { accessToken: bundle.accessToken } });
    expect(calls).toEqual(['signIn']); // kept, not revoked
    expect(storage.encryptStringAsync).not.toHaveBeenCalled();
    expect(await readdir(dir.path)).not.toContain('data');
  });

  it("refuses Linux's basic_text backend (a hard-coded password is not encryption)", async () => {
    const storage = fakeSafeStorage({ backend: 'basic_text' });
    const box = createSafeStorageBox(storage as unknown as SafeStorage, { platform: 'linux', log: recordingLogger() });
    await expect(box.encrypt(Buffer.from('x'))).rejects.toThrow(/basic_text/);
    expect(storage.encryptStringAsync).not.toHaveBeenCalled();
    // The backend question only exists on Linux.
    const mac = createSafeStorageBox(fakeSafeStorage({ backend: 'basic_text' }) as unknown as SafeStorage, { platform: 'darwin', log: recordingLogger() });
    await expect(mac.encrypt(Buffer.from('x'))).resolves.toBeInstanceOf(Buffer);
  });

  it('reports undecryptable data as a SecretBoxError (the store then discards it)', async () => {
    const box = createSafeStorageBox(fakeSafeStorage() as unknown as SafeStorage, { platform: 'win32', log: recordingLogger() });
    await expect(box.decrypt(Buffer.from('not sealed'))).rejects.toBeInstanceOf(SecretBoxError);
  });
});
