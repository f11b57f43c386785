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

/** Member caps per group type (domain.md): the most a group of that type can ever hold. */
export const GROUP_MEMBER_CAP = { internal: 2000, external: 500, department: 2000, training: 2000 } as const;
/** New internal groups start here; the owner or a super admin upgrades them to GROUP_MEMBER_CAP.internal. */
export const INTERNAL_GROUP_INITIAL_CAP = 500;
/** Department groups exist once a leaf department has this many visible members (domain.md). */
export const DEPARTMENT_GROUP_MIN_MEMBERS = 3;

export const GROUP_NAME_MAX_CHARS = 100;
export const ANNOUNCEMENT_MAX_CHARS = 2000;
export const DEPARTMENT_NAME_MAX_CHARS = 64;
export const MEMBER_NAME_MAX_CHARS = 64;
export const TITLE_MAX_CHARS = 64;
export const EMPLOYEE_ID_MAX_CHARS = 32;
/** A group's "newcomer history" setting 'last100': how many messages from before they joined a newcomer may read. */
export const NEWCOMER_HISTORY_MESSAGES = 100;
/** Members picked in one create / add request. */
export const GROUP_ADD_MAX = 500;
/** CSV member import: rows per all-or-nothing batch (domain.md). */
export const IMPORT_BATCH_MAX_ROWS = 200;
/** A CSV file the import screen accepts (it is split into batches client-side). */
export const IMPORT_FILE_MAX_BYTES = 5 * 1024 * 1024;
export const AUDIT_PAGE_MAX = 200;

export const AVATAR_COLORS = ['blue', 'green', 'orange', 'purple', 'red', 'teal', 'indigo', 'gray'] as const;

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

// ------------------------------------------------------------------ joining (domain.md)
/** A group's QR code (and a live code) is valid this long. */
export const QR_INVITE_DAYS = 7;
/** An invite link's expiry, chosen by the sharer. */
export const LINK_INVITE_MIN_DAYS = 1;
export const LINK_INVITE_MAX_DAYS = 30;
/** Max-uses choices of an invite link (null: unlimited). A use counts only when someone new joins. */
export const INVITE_MAX_USES_CHOICES = [1, 5, 10, 25, 50, 100] as const;
/** An invite token as text (base64url); anything longer is not ours and is refused before decoding. */
export const INVITE_TOKEN_MAX_CHARS = 256;
/** The short note a person may add to a join request. */
export const JOIN_REQUEST_MESSAGE_MAX_CHARS = 200;
/** A signing key stays usable for verification this long after it is retired (the longest token lifetime). */
export const INVITE_KEY_GRACE_DAYS = LINK_INVITE_MAX_DAYS;
export const GROUP_DIRECTORY_PAGE_MAX = 50;
