export {
  AuthService,
  DEFAULT_AUTH_SETTINGS,
  REFRESH_REUSE_GRACE_SECONDS,
  REFRESH_TOKEN_RETENTION_SECONDS,
  type AuthSettings,
  type SessionEndReason,
  type SignInContext,
} from './service';
export { purgeStale, type PurgeReport } from './repository';
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
