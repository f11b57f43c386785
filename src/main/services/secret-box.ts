/**
 * Encrypts secrets at rest (today: the refresh token). Two implementations:
 * - `os-keychain` (Electron): `safeStorage`, keys held by the OS keychain / DPAPI / libsecret.
 * - `key-file` (browser mode): AES-256-GCM with a random key in a 0600 file outside the data
 *   directory — weaker, see key-file-box.ts.
 * Both throw `SecretBoxError` (or a MusterError) rather than ever returning plaintext on failure.
 */
export interface SecretBox {
  encrypt(plain: Buffer): Promise<Buffer>;
  decrypt(blob: Buffer): Promise<Buffer>;
  readonly kind: 'os-keychain' | 'key-file';
}

/** Decryption or encryption failed (wrong key, tampered data, unavailable keychain). */
export class SecretBoxError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SecretBoxError';
  }
}
