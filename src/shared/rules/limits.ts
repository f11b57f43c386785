/**
 * Limits that client and server must agree on. One home for each rule (architecture rule 4).
 */
export const MESSAGE_MAX_CHARS = 5000;
export const HISTORY_PAGE_DEFAULT = 50;
export const HISTORY_PAGE_MAX = 100;

/** Access tokens are short-lived; the socket is re-authenticated with a fresh one. */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
/** Refresh tokens rotate on every use; an unused one lapses after this. */
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;

/** Sign-in throttling: this many failures for one account (or one address) inside the window lock it. */
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/** Member caps per group type (domain.md). */
export const GROUP_MEMBER_CAP = { internal: 2000, external: 500, department: 2000, training: 2000 } as const;

export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 256;
