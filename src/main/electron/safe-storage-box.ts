import type { SafeStorage } from 'electron';
import { MusterError } from '@shared/contract';
import type { Logger } from '../services/logger';
import { SecretBoxError, type SecretBox } from '../services/secret-box';

/**
 * SecretBox over Electron's `safeStorage` (macOS Keychain, Windows DPAPI, Linux libsecret/kwallet).
 *
 * Signal's rule: never store a secret in plain text. When the OS cannot encrypt —
 * `isAsyncEncryptionAvailable()` is false, or on Linux the selected backend is `basic_text`
 * (Chromium's hard-coded password, i.e. obfuscation only) — this box REFUSES to encrypt and says
 * why. The sign-in still succeeds: the auth service keeps the session in memory only and answers
 * `persisted: false`, so the renderer can tell the user they will sign in again next start. No
 * refresh token ever reaches the disk.
 *
 * Uses the async API: Electron 45's typings deprecate encryptString/decryptString, the docs
 * recommend the async pair (non-blocking, key rotation), and data written by either decrypts with
 * decryptStringAsync. Bytes are carried as base64 because the API encrypts strings.
 */
const UNAVAILABLE_MESSAGE =
  'Secure storage (OS keychain) is not available, so Muster keeps you signed in only until it quits: it never stores secrets in plain text / 系统钥匙串不可用，退出后需重新登录：Muster 不会以明文保存登录凭据';

export function createSafeStorageBox(safeStorage: SafeStorage, options: { platform?: NodeJS.Platform; log: Logger }): SecretBox {
  const platform = options.platform ?? process.platform;
  const { log } = options;

  async function assertAvailable(): Promise<void> {
    if (!(await safeStorage.isAsyncEncryptionAvailable())) {
      throw new MusterError('internal', UNAVAILABLE_MESSAGE, { reason: 'secure_storage_unavailable' });
    }
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      throw new MusterError('internal', `${UNAVAILABLE_MESSAGE} (backend: basic_text)`, { reason: 'secure_storage_unavailable', backend: 'basic_text' });
    }
  }

  return {
    kind: 'os-keychain',
    async encrypt(plain) {
      await assertAvailable();
      return safeStorage.encryptStringAsync(plain.toString('base64'));
    },
    async decrypt(blob) {
      await assertAvailable();
      let result: string;
      try {
        const answer = await safeStorage.decryptStringAsync(blob);
        result = answer.result;
        // Every refresh rotates the token and re-encrypts, so a pending re-encryption happens soon.
        if (answer.shouldReEncrypt) log.info('safeStorage asks for re-encryption; the session file is rewritten on next refresh');
      } catch (e) {
        throw new SecretBoxError('The OS keychain could not decrypt the stored session (keychain changed or data damaged)', { cause: e });
      }
      return Buffer.from(result, 'base64');
    },
  };
}
