import { z } from 'zod';
import type { AppError } from './errors';
import { HISTORY_PAGE_DEFAULT, HISTORY_PAGE_MAX } from '../rules/limits';
import { DEVICE_NAME_MAX_CHARS, DEVICE_PLATFORM_MAX_CHARS } from '../rules/limits';
import { AccountName, GroupSummary, Id, IsoTime, MemberProfile, Message, MessageBody, OrgInfo, OrgSlug, Password, Seq } from './model';
import { orgPushes, orgRequests } from './org';
import { groupPushes, groupRequests } from './groups';
import { auditRequests } from './audit';
import { joiningPushes, joiningRequests } from './joining';

/**
 * The client <-> server wire: HTTP endpoints for authentication (called by the main process,
 * which owns the refresh token) and socket.io events (held by the renderer, authenticated with
 * the short-lived access token in `handshake.auth.token`).
 *
 * Every HTTP body and every socket ack is a `Result` (see errors.ts).
 */

// ---------------------------------------------------------------- HTTP (auth)

export const DeviceInfo = z.object({
  name: z.string().max(DEVICE_NAME_MAX_CHARS),
  platform: z.string().max(DEVICE_PLATFORM_MAX_CHARS),
});

export const SignInRequest = z.object({
  org: OrgSlug,
  account: AccountName,
  password: Password,
  device: DeviceInfo.optional(),
});
export type SignInRequest = z.infer<typeof SignInRequest>;

export const TokenBundle = z.object({
  accessToken: z.string(),
  accessTokenExpiresAt: IsoTime,
  refreshToken: z.string(),
  refreshTokenExpiresAt: IsoTime,
  member: MemberProfile,
  org: OrgInfo,
});
export type TokenBundle = z.infer<typeof TokenBundle>;

export const RefreshRequest = z.object({ refreshToken: z.string().min(16).max(512) });
export const SignOutRequest = RefreshRequest;

export const httpRoutes = {
  signIn: { method: 'POST', path: '/api/auth/sign-in', request: SignInRequest, response: TokenBundle },
  refresh: { method: 'POST', path: '/api/auth/refresh', request: RefreshRequest, response: TokenBundle },
  signOut: { method: 'POST', path: '/api/auth/sign-out', request: SignOutRequest, response: z.object({}) },
  health: { method: 'GET', path: '/api/health', request: z.object({}), response: z.object({ version: z.string() }) },
} as const;
export type HttpRoutes = typeof httpRoutes;

// ---------------------------------------------------------------- socket.io

/** Client -> server requests; the server answers each through the ack callback with a Result. */
const chatRequests = {
  'groups:list': {
    request: z.object({}),
    response: z.object({ groups: z.array(GroupSummary) }),
  },
  'messages:send': {
    request: z.object({ groupId: Id, clientId: Id, body: MessageBody }),
    // `duplicate` is true when this clientId was already stored: the original message is returned
    response: z.object({ message: Message, duplicate: z.boolean() }),
  },
  'messages:page': {
    // beforeSeq: scroll back (older than); afterSeq: catch up (newer than); neither: the latest page
    request: z
      .object({
        groupId: Id,
        beforeSeq: Seq.min(1).optional(),
        afterSeq: Seq.optional(),
        limit: z.number().int().min(1).max(HISTORY_PAGE_MAX).default(HISTORY_PAGE_DEFAULT),
      })
      .refine((r) => r.beforeSeq === undefined || r.afterSeq === undefined, 'beforeSeq and afterSeq are exclusive'),
    // ascending by seq; hasMore: there are more in the direction asked
    response: z.object({ messages: z.array(Message), hasMore: z.boolean() }),
  },
  'groups:markRead': {
    request: z.object({ groupId: Id, seq: Seq }),
    response: z.object({ groupId: Id, lastReadSeq: Seq }),
  },
} as const;

/** Every request, by feature (org.ts, groups.ts, audit.ts, joining.ts declare theirs). */
export const socketRequests = { ...chatRequests, ...orgRequests, ...groupRequests, ...auditRequests, ...joiningRequests } as const;
export type SocketRequests = typeof socketRequests;
export type SocketRequestName = keyof SocketRequests;
export type SocketRequest<N extends SocketRequestName> = z.input<SocketRequests[N]['request']>;
export type SocketResponse<N extends SocketRequestName> = z.infer<SocketRequests[N]['response']>;

/** Server -> client pushes. */
const chatPushes = {
  /** To every member of the group (socket room `group:<id>`). */
  'message:new': Message,
  /** To the member's own sockets when they read on another device. */
  'group:read': z.object({ groupId: Id, lastReadSeq: Seq }),
  /** The access token expired: the socket is about to be closed; reconnect with a fresh token. */
  'auth:expired': z.object({}),
} as const;

export const socketPushes = { ...chatPushes, ...orgPushes, ...groupPushes, ...joiningPushes } as const;
export type SocketPushes = typeof socketPushes;
export type SocketPushName = keyof SocketPushes;
export type SocketPush<N extends SocketPushName> = z.infer<SocketPushes[N]>;

/** Reason strings carried by socket.io `connect_error` (err.message) when the handshake is refused. */
export const HANDSHAKE_ERRORS = {
  unauthorized: 'unauthorized', // refresh and retry once; then the session is over
  expired: 'token_expired', // refresh and retry
  unavailable: 'unavailable', // the server could not check the token (storage down): retry later
} as const;

/** Typed maps for socket.io's generics: `Server<ClientToServer, ServerToClient>`. */
type Ack<N extends SocketRequestName> = (
  result: { ok: true; value: SocketResponse<N> } | { ok: false; error: AppError },
) => void;
export type ClientToServerEvents = { [N in SocketRequestName]: (payload: SocketRequest<N>, ack: Ack<N>) => void };
export type ServerToClientEvents = { [N in SocketPushName]: (payload: SocketPush<N>) => void };
