import type { Server as HttpServer } from 'node:http';
import { Server, type Socket } from 'socket.io';
import {
  err,
  HANDSHAKE_ERRORS,
  MusterError,
  ok,
  socketRequests,
  type ClientToServerEvents,
  type Result,
  type ServerToClientEvents,
  type SocketRequestName,
  type SocketResponse,
} from '@shared/contract';
import { SOCKET_REQUEST_BURST, SOCKET_REQUESTS_PER_SECOND } from '@shared/rules/limits';
import type { AuthService } from '../auth';
import type { Clock } from '../clock';
import { errorMeta, type Logger } from '../logger';
import { parseBoundary, strictly } from '../validation';
import type { AllHandlers, Handler, ParsedRequest, RequestContext } from './handlers';
import { socketPushes, type Pushes } from './pushes';
import { assertRateLimit, TokenBucket } from './rate-limit';
import { rooms } from './rooms';

/** Socket frames carry chat messages (≤ 5000 chars); 64 KiB leaves room without inviting abuse. */
export const SOCKET_MAX_FRAME_BYTES = 64 * 1024;

/** Who is behind a socket, fixed at the handshake. */
export interface SocketIdentity {
  memberId: string;
  orgId: string;
  sessionId: string;
  /** Access-token expiry, ms since the epoch. */
  expiresAtMs: number;
}

type InterServerEvents = Record<string, never>;
type MusterServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketIdentity>;
type MusterSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketIdentity>;

export { rooms };

export interface SocketRateLimit {
  perSecond: number;
  burst: number;
}

export const DEFAULT_SOCKET_RATE_LIMIT: SocketRateLimit = { perSecond: SOCKET_REQUESTS_PER_SECOND, burst: SOCKET_REQUEST_BURST };

export interface RealtimeDeps {
  auth: AuthService;
  /** The groups whose rooms a socket joins at the handshake. */
  groupIdsOf(memberId: string): Promise<string[]>;
  logger: Logger;
  clock: Clock;
  /** Per-socket request budget; defaults to the shared limits. */
  rateLimit?: SocketRateLimit;
}

export interface Realtime {
  io: MusterServer;
  pushes: Pushes;
  /** Starts answering requests with the features' handlers (see mergeHandlers). */
  serve(handlers: AllHandlers): void;
}

/** Unknown event names are echoed in the error; a hostile one may be long. */
const MAX_ECHOED_NAME_CHARS = 64;

// setTimeout's ceiling; longer delays would fire at once.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The realtime layer: transport only — the handshake, rooms, dispatch, rate limits. Features own
 * their requests (FeatureHandlers) and say whom to tell through `pushes`.
 */
export const attachRealtime = (httpServer: HttpServer, deps: RealtimeDeps): Realtime => {
  const rateLimit = deps.rateLimit ?? DEFAULT_SOCKET_RATE_LIMIT;
  assertRateLimit(rateLimit.perSecond, rateLimit.burst); // at start, not at the first connection
  const io: MusterServer = new Server(httpServer, {
    // Any origin may connect: authentication is a bearer token in the handshake, never a cookie,
    // so a foreign page gains nothing from the browser's ambient credentials.
    cors: { origin: true, credentials: false },
    maxHttpBufferSize: SOCKET_MAX_FRAME_BYTES,
    serveClient: false,
  });

  io.use((socket, next) => {
    authenticate(socket, deps).then(
      () => next(),
      (e: unknown) => {
        if (e instanceof HandshakeRefusal) return next(new Error(e.reason));
        deps.logger.error('socket handshake failed', errorMeta(e));
        next(new Error(HANDSHAKE_ERRORS.unavailable));
      },
    );
  });

  let handlers: AllHandlers | null = null;

  io.on('connection', (socket) => {
    // The access token lapses: tell the client, then close; it reconnects with a fresh token.
    const delay = Math.min(Math.max(0, socket.data.expiresAtMs - deps.clock()), MAX_TIMER_MS);
    const expiry = setTimeout(() => {
      socket.emit('auth:expired', {});
      socket.disconnect(true);
    }, delay);
    socket.on('disconnect', () => clearTimeout(expiry));

    const bucket = new TokenBucket(rateLimit.perSecond, rateLimit.burst, deps.clock);
    // Every incoming event passes here (socket.io hands the ack over as the last argument), known
    // or not, so each one is budgeted and answered the same way.
    socket.onAny((event: unknown, ...args: unknown[]) => {
      if (!handlers) throw new Error('realtime: serve() was not called');
      dispatch(socket, event, args, { handlers, bucket, logger: deps.logger });
    });
  });

  // Sign-out or theft detection: close that sign-in's live sockets now, not at token expiry.
  deps.auth.onSessionEnded((sessionId) => {
    io.to(rooms.session(sessionId)).emit('auth:expired', {});
    io.in(rooms.session(sessionId)).disconnectSockets(true);
  });

  return {
    io,
    pushes: socketPushes(io),
    serve: (h) => {
      handlers = h;
    },
  };
};

class HandshakeRefusal extends Error {
  constructor(readonly reason: (typeof HANDSHAKE_ERRORS)[keyof typeof HANDSHAKE_ERRORS]) {
    super(reason);
  }
}

const authenticate = async (socket: MusterSocket, deps: RealtimeDeps): Promise<void> => {
  const auth: unknown = socket.handshake.auth;
  const token = typeof auth === 'object' && auth !== null ? (auth as Record<string, unknown>)['token'] : undefined;
  const verified = deps.auth.verifyAccessToken(token);
  if (!verified.ok) {
    throw new HandshakeRefusal(verified.reason === 'expired' ? HANDSHAKE_ERRORS.expired : HANDSHAKE_ERRORS.unauthorized);
  }
  const { sub, org, sid, exp } = verified.claims;
  // A signed-out session's access token is refused even before it expires.
  if (!(await deps.auth.isSessionActive(sid))) throw new HandshakeRefusal(HANDSHAKE_ERRORS.unauthorized);
  const groupIds = await deps.groupIdsOf(sub);
  socket.data = { memberId: sub, orgId: org, sessionId: sid, expiresAtMs: exp * 1000 };
  await socket.join([rooms.member(sub), rooms.session(sid), rooms.org(org), ...groupIds.map(rooms.group)]);
};

/**
 * Answers one incoming event. Whatever arrives: no ack -> ignored; over the socket's budget ->
 * `rate_limited`; unknown name or bad payload -> `bad_request`; a service's MusterError -> its
 * code; anything else -> `internal` (logged). Never throws into socket.io.
 */
const dispatch = (
  socket: MusterSocket,
  event: unknown,
  args: unknown[],
  ctx: { handlers: AllHandlers; bucket: TokenBucket; logger: Logger },
): void => {
  const ack = args.at(-1);
  if (typeof ack !== 'function') return; // nobody to answer: drop it
  const name = String(event).slice(0, MAX_ECHOED_NAME_CHARS);
  let answered = false;
  const answer = (result: Result<unknown>): void => {
    if (answered) return;
    answered = true;
    try {
      (ack as (r: Result<unknown>) => void)(result);
    } catch (e) {
      ctx.logger.error(`ack for ${name} failed`, errorMeta(e));
    }
  };

  const retryAfterSeconds = ctx.bucket.take();
  if (retryAfterSeconds > 0) return answer(err('rate_limited', 'Too many requests; slow down', { retryAfterSeconds }));
  if (typeof event !== 'string' || !Object.hasOwn(socketRequests, event)) return answer(err('bad_request', `unknown request ${name}`));
  run(socket, event as SocketRequestName, args, ctx, answer);
};

const run = <N extends SocketRequestName>(
  socket: MusterSocket,
  name: N,
  args: unknown[],
  ctx: { handlers: AllHandlers; logger: Logger },
  answer: (result: Result<SocketResponse<N>>) => void,
): void => {
  if (args.length !== 2) return answer(err('bad_request', `${name} expects exactly one payload and an acknowledgement`));
  const parsed = parseBoundary(strictSchemas[name], args[0], `${name} payload`);
  if (!parsed.ok) return answer(parsed);
  const handler = ctx.handlers[name] as Handler<N>;
  const context: RequestContext = {
    memberId: socket.data.memberId,
    orgId: socket.data.orgId,
    sessionId: socket.data.sessionId,
    socketId: socket.id,
  };
  handler(context, parsed.value as ParsedRequest<N>).then(
    (value) => answer(ok(value)),
    (e: unknown) => {
      if (e instanceof MusterError) return answer(e.toErr());
      ctx.logger.error(`socket request ${name} failed`, { memberId: socket.data.memberId, ...errorMeta(e) });
      answer(err('internal', 'Internal server error'));
    },
  );
};

/** The contract's request schemas, refusing unknown keys at this edge. */
const strictSchemas = Object.fromEntries(
  Object.entries(socketRequests).map(([name, r]) => [name, strictly(r.request)]),
) as unknown as { [N in SocketRequestName]: (typeof socketRequests)[N]['request'] };
