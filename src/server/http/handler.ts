import type { IncomingMessage, ServerResponse } from 'node:http';
import { err, httpRoutes, MusterError, ok, type ErrorCode, type Result } from '@shared/contract';
import type { AuthService } from '../auth';
import { errorMeta, type Logger } from '../logger';
import { parseBoundary, strictly } from '../validation';
import { readBody } from './body';

/** Invite links opened in a browser: `<server>/join/<token>`. */
const INVITE_PAGE_PREFIX = '/join/';

/** Auth bodies are tiny; anything bigger is a mistake or an attack. */
export const HTTP_BODY_LIMIT_BYTES = 16 * 1024;

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  invalid_credentials: 401,
  session_ended: 401,
  rate_limited: 429,
  forbidden: 403,
  not_member: 403,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};

export interface HttpDeps {
  auth: AuthService;
  logger: Logger;
  version: string;
  /** Take the client address from X-Forwarded-For. Only behind a proxy you control. */
  trustProxy: boolean;
  /** The public invite page, `GET /join/<token>` (src/server/invites/page.ts). */
  invitePage?: (req: IncomingMessage, res: ServerResponse, token: string) => Promise<void>;
}

type RouteName = keyof typeof httpRoutes;
type Handler = (body: unknown, req: IncomingMessage) => Promise<Result<unknown>>;

export const createHttpHandler = (deps: HttpDeps): ((req: IncomingMessage, res: ServerResponse) => void) => {
  const signIn = strictly(httpRoutes.signIn.request);
  const refresh = strictly(httpRoutes.refresh.request);
  const signOut = strictly(httpRoutes.signOut.request);

  const handlers: Record<RouteName, Handler> = {
    health: async () => ok({ version: deps.version }),
    signIn: async (body, req) => {
      const p = parseBoundary(signIn, body, 'sign-in request');
      if (!p.ok) return p;
      return ok(await deps.auth.signIn(p.value, { ip: clientIp(req, deps.trustProxy) }));
    },
    refresh: async (body) => {
      const p = parseBoundary(refresh, body, 'refresh request');
      if (!p.ok) return p;
      return ok(await deps.auth.refresh(p.value.refreshToken));
    },
    signOut: async (body) => {
      const p = parseBoundary(signOut, body, 'sign-out request');
      if (!p.ok) return p;
      await deps.auth.signOut(p.value.refreshToken);
      return ok({});
    },
  };

  const routes = Object.entries(httpRoutes) as [RouteName, (typeof httpRoutes)[RouteName]][];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0];
    if (deps.invitePage && path?.startsWith(INVITE_PAGE_PREFIX) && (req.method === 'GET' || req.method === 'HEAD')) {
      req.resume();
      return deps.invitePage(req, res, path.slice(INVITE_PAGE_PREFIX.length));
    }
    // A route is a method and a path: anything else is unknown (404), like an unknown path.
    const match = routes.find(([, r]) => r.path === path && r.method === req.method);
    if (!match) {
      req.resume();
      return send(res, err('not_found', `No route ${req.method ?? ''} ${path}`));
    }
    const [name, route] = match;

    let body: unknown = {};
    if (route.method === 'POST') {
      if (!isJson(req.headers['content-type'])) {
        req.resume();
        return send(res, err('bad_request', 'Content-Type must be application/json'));
      }
      const read = await readBody(req, HTTP_BODY_LIMIT_BYTES);
      if (!read.ok) {
        if (read.reason === 'aborted') return; // the client is gone
        if (read.reason === 'too_large') {
          res.setHeader('connection', 'close');
          return send(res, err('bad_request', 'Request body too large', { limitBytes: HTTP_BODY_LIMIT_BYTES }), 413);
        }
        return send(res, err('bad_request', 'Request body is not valid UTF-8'));
      }
      try {
        body = JSON.parse(read.text);
      } catch {
        return send(res, err('bad_request', 'Request body is not valid JSON'));
      }
    } else {
      req.resume();
    }

    let result: Result<unknown>;
    try {
      result = await handlers[name](body, req);
    } catch (e) {
      if (e instanceof MusterError) {
        result = e.toErr();
      } else {
        deps.logger.error(`HTTP ${name} failed`, errorMeta(e));
        result = err('internal', 'Internal server error');
      }
    }
    send(res, result);
  };

  return (req, res) => {
    handle(req, res).catch((e: unknown) => {
      // Last line of defence: a bug in the plumbing above must not take the process down.
      deps.logger.error('HTTP handler crashed', errorMeta(e));
      if (!res.headersSent) send(res, err('internal', 'Internal server error'));
      else res.destroy();
    });
  };
};

const isJson = (contentType: string | undefined): boolean =>
  !!contentType && contentType.split(';')[0]!.trim().toLowerCase() === 'application/json';

/**
 * Behind our own proxy, the client address is the RIGHT-most X-Forwarded-For entry: the one our
 * proxy appended for the peer it saw. Everything left of it was written by the client and can be
 * anything — trusting it would let one client pose as endless addresses and dodge throttling.
 */
const clientIp = (req: IncomingMessage, trustProxy: boolean): string => {
  if (trustProxy) {
    const forwarded = req.headers['x-forwarded-for'];
    // Node joins repeated X-Forwarded-For headers with ", "; an array is handled the same way anyway.
    const entries = (Array.isArray(forwarded) ? forwarded.join(',') : (forwarded ?? '')).split(',');
    const last = entries.at(-1)?.trim();
    if (last) return last;
  }
  return req.socket.remoteAddress ?? 'unknown';
};

const send = (res: ServerResponse, result: Result<unknown>, status?: number): void => {
  const code = status ?? (result.ok ? 200 : STATUS[result.error.code]);
  const body = JSON.stringify(result);
  res.statusCode = code;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.setHeader('cache-control', 'no-store');
  res.setHeader('x-content-type-options', 'nosniff');
  if (!result.ok && result.error.code === 'rate_limited') {
    const retry = result.error.details?.['retryAfterSeconds'];
    if (typeof retry === 'number') res.setHeader('retry-after', String(retry));
  }
  res.end(body);
};
