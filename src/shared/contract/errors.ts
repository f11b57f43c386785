import { z } from 'zod';

/**
 * Every failure that crosses a process boundary (bridge, socket ack, HTTP) is one of these codes.
 * Callers branch on `code`; `message` is English for logs — the UI translates by code.
 */
export const ErrorCode = z.enum([
  'bad_request', // payload failed its schema; `details` lists the issues
  'unauthorized', // no / invalid / expired access token
  'invalid_credentials', // wrong organization, account or password (never says which)
  'rate_limited', // too many attempts; `details.retryAfterSeconds`
  'forbidden', // authenticated but not allowed (server-side authorization)
  'not_found',
  'not_member', // acting on a group the caller does not belong to
  'session_ended', // refresh token revoked/expired: the user must sign in again
  'unavailable', // the server could not be reached
  'conflict',
  'internal', // a bug or an outage; never carries internals to the client
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const AppError = z.object({
  code: ErrorCode,
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AppError = z.infer<typeof AppError>;

export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; error: AppError };
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: ErrorCode, message: string, details?: Record<string, unknown>): Err => ({
  ok: false,
  error: details ? { code, message, details } : { code, message },
});

/** Schema for a Result carrying `value` — used to validate answers that arrive from elsewhere. */
export const resultSchema = <T extends z.ZodType>(value: T) =>
  z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: AppError }),
  ]);

/** Turns a zod failure into the `bad_request` every boundary answers with. */
export const badRequest = (issues: z.core.$ZodIssue[], what: string): Err =>
  err('bad_request', `Invalid ${what}: ${issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`, {
    issues: issues.map((i) => ({ path: i.path.map(String), message: i.message })),
  });

/** Thrown inside services; boundaries convert it to an `Err` (everything else becomes `internal`). */
export class MusterError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'MusterError';
  }
  toErr(): Err {
    return err(this.code, this.message, this.details);
  }
}

export const unwrap = <T>(r: Result<T>): T => {
  if (r.ok) return r.value;
  throw new MusterError(r.error.code, r.error.message, r.error.details);
};
