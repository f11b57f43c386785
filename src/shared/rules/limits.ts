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

/**
 * Sign-in throttling inside a sliding window: an account locks after a few failures; an address
 * (often a whole office behind one NAT) only after many, so one person's typos lock out nobody else.
 */
export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_MAX_FAILURES_PER_ADDRESS = 50;
export const SIGN_IN_WINDOW_SECONDS = 15 * 60;

/** Member caps per group type (domain.md). */
export const GROUP_MEMBER_CAP = { internal: 2000, external: 500, department: 2000, training: 2000 } as const;

export const PASSWORD_MAX_CHARS = 256;

/** Per-group message sequence numbers are stored as PostgreSQL `integer`. */
export const SEQ_MAX = 2 ** 31 - 1;

/** What a client may say about the device it signs in from. */
export const DEVICE_NAME_MAX_CHARS = 128;
export const DEVICE_PLATFORM_MAX_CHARS = 32;

/**
 * Requests per socket (token bucket): a sustained rate and the burst a client may spend at once
 * (start-up fetches several things together). Beyond it a request is answered `rate_limited`.
 */
export const SOCKET_REQUESTS_PER_SECOND = 20;
export const SOCKET_REQUEST_BURST = 60;
