import {
  badRequest,
  err,
  resultSchema,
  socketRequests,
  type Result,
  type SocketRequest,
  type SocketRequestName,
  type SocketResponse,
} from '@shared/contract';
import type { SocketLike } from './socket';

export const REQUEST_TIMEOUT_MS = 10_000;

/** Why a request came back `unavailable` — the outbox treats them differently. */
export type UnavailableReason = 'offline' | 'disconnected' | 'timeout';

export type RequestFn = <N extends SocketRequestName>(name: N, payload: SocketRequest<N>) => Promise<Result<SocketResponse<N>>>;

export const unavailableReason = (r: Result<unknown>): UnavailableReason | null =>
  !r.ok && r.error.code === 'unavailable' ? ((r.error.details?.['reason'] as UnavailableReason | undefined) ?? 'offline') : null;

const DISCONNECTED = Symbol('disconnected');

/**
 * Typed request over the socket: validates the payload before sending, the ack against the
 * contract after. Never throws: not connected / dropped / no ack in time -> `unavailable` with a
 * `reason`; a malformed ack -> `internal`.
 *
 * Not connected means not sent at all: socket.io would otherwise buffer the emit and replay it on
 * reconnect, behind our back and after we have reported a failure.
 */
export function createRequester(socket: SocketLike, timeoutMs = REQUEST_TIMEOUT_MS): RequestFn {
  return async <N extends SocketRequestName>(name: N, payload: SocketRequest<N>): Promise<Result<SocketResponse<N>>> => {
    const spec = socketRequests[name];
    const parsed = spec.request.safeParse(payload);
    if (!parsed.success) return badRequest(parsed.error.issues, `${name} request`);
    if (!socket.connected) return err('unavailable', `${name}: not connected`, { reason: 'offline' });

    let onDisconnect: (() => void) | undefined;
    const dropped = new Promise<typeof DISCONNECTED>((resolve) => {
      onDisconnect = () => resolve(DISCONNECTED);
      socket.on('disconnect', onDisconnect);
    });
    try {
      const reply = await Promise.race([socket.emitWithAck(name, parsed.data, timeoutMs), dropped]);
      if (reply === DISCONNECTED) return err('unavailable', `${name}: connection lost`, { reason: 'disconnected' });
      const checked = resultSchema(spec.response).safeParse(reply);
      if (!checked.success) return err('internal', `${name}: unexpected reply from the server`);
      return checked.data as Result<SocketResponse<N>>;
    } catch {
      return err('unavailable', `${name}: no answer within ${timeoutMs} ms`, { reason: 'timeout' });
    } finally {
      if (onDisconnect) socket.off('disconnect', onDisconnect);
    }
  };
}
