export { AuthService, DEFAULT_AUTH_SETTINGS, type AuthSettings, type SessionEndReason, type SignInContext } from './service';
export { createAccessTokens, AccessClaims, type AccessTokenIssuer, type VerifyResult } from './access-token';
export {
  DEFAULT_KDF,
  TEST_ONLY_WEAK_KDF,
  hashPassword,
  verifyPassword,
  needsRehash,
  decodePasswordHash,
  validateKdf,
  type KdfParams,
} from './password';
export { loadOrCreateSecret, ACCESS_TOKEN_KEY_SECRET } from './secrets';
