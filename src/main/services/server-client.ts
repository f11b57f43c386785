import type { z } from 'zod';
import { badRequest, err, httpRoutes, resultSchema, type HttpRoutes, type Result } from '@shared/contract';
import type { Logger } from './logger';

/**
 * Typed HTTP client for the server's auth routes (`httpRoutes`). Every outcome is a Result:
 * - network failure / timeout / gateway without an answer -> `unavailable`
 * - an answer that is not a Result of the route's declared shape -> `internal` (contract drift or
 *   not a Muster server), with a message that says what was wrong
 * - otherwise the server's own Result, passed through.
 */
export type RouteName = keyof HttpRoutes;
export type RouteRequest<R extends RouteName> = z.input<HttpRoutes[R]['request']>;
export type RouteResponse<R extends RouteName> = z.infer<HttpRoutes[R]['response']>;

export interface ServerClient {
  request<R extends RouteName>(route: R, body: RouteRequest<R>, options?: { timeoutMs?: number }): Promise<Result<RouteResponse<R>>>;
  readonly baseUrl: string;
}

export const DEFAULT_TIMEOUT_MS = 10_000;
/** Auth answers are small; anything bigger than this is not a Muster server talking. */
const MAX_RESPONSE_BYTES = 1024 * 1024;
const GATEWAY_STATUSES = new Set([502, 503, 504]);

class ResponseTooLarge extends Error {}

async function readCapped(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) throw new ResponseTooLarge();
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new ResponseTooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const isTimeout = (e: unknown): boolean => e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');

function networkReason(e: unknown): string {
  const cause = e instanceof Error ? (e.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return cause.code;
  if (cause && typeof cause.message === 'string') return cause.message;
  return e instanceof Error ? e.message : String(e);
}

export function createServerClient(options: {
  baseUrl: string;
  log: Logger;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}): ServerClient {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const doFetch = options.fetch ?? globalThis.fetch;
  const { log } = options;

  async function request<R extends RouteName>(
    routeName: R,
    body: RouteRequest<R>,
    callOptions: { timeoutMs?: number } = {},
  ): Promise<Result<RouteResponse<R>>> {
    const route = httpRoutes[routeName];
    const parsedBody = route.request.safeParse(body);
    if (!parsedBody.success) return badRequest(parsedBody.error.issues, `request for ${routeName}`);

    const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const url = `${baseUrl}${route.path}`;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(url, {
        method: route.method,
        headers: route.method === 'GET' ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
        body: route.method === 'GET' ? undefined : JSON.stringify(parsedBody.data),
        // A redirect would re-send credentials somewhere else: never follow one.
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await readCapped(response, MAX_RESPONSE_BYTES);
    } catch (e) {
      if (e instanceof ResponseTooLarge) {
        return err('internal', `Malformed response from the server for ${routeName}: larger than ${MAX_RESPONSE_BYTES} bytes`);
      }
      if (isTimeout(e)) return err('unavailable', `The server at ${baseUrl} did not answer within ${Math.round(timeoutMs / 1000)} s`);
      return err('unavailable', `Could not reach the server at ${baseUrl} (${networkReason(e)})`);
    }

    if (response.status >= 300 && response.status < 400) {
      return err('internal', `Malformed response from the server for ${routeName}: unexpected redirect (HTTP ${response.status})`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      // A proxy in front of a server that is down answers 502/503/504 with an HTML page.
      if (GATEWAY_STATUSES.has(response.status)) {
        return err('unavailable', `The server at ${baseUrl} is unavailable (HTTP ${response.status})`);
      }
      return err('internal', `Malformed response from the server for ${routeName}: not JSON (HTTP ${response.status})`);
    }
    const parsed = resultSchema(route.response).safeParse(json);
    if (!parsed.success) {
      const where = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
      log.error(`Server response for ${routeName} does not match the contract`, { status: response.status, issues: where });
      return err('internal', `Malformed response from the server for ${routeName} (HTTP ${response.status}): ${where.join('; ')}`);
    }
    return parsed.data as Result<RouteResponse<R>>;
  }

  return { request, baseUrl };
}
