import type { z } from 'zod';
import { socketRequests, type SocketRequestName, type SocketResponse } from '@shared/contract';

/** Who sent a request: fixed at the handshake from the verified access token, never from a payload. */
export interface RequestContext {
  memberId: string;
  orgId: string;
  sessionId: string;
  /** The socket the request came on (to tell the member's *other* devices). */
  socketId: string;
}

export type ParsedRequest<N extends SocketRequestName> = z.infer<(typeof socketRequests)[N]['request']>;
export type Handler<N extends SocketRequestName> = (ctx: RequestContext, req: ParsedRequest<N>) => Promise<SocketResponse<N>>;

/** What a feature registers: handlers for the contract requests it owns. */
export type FeatureHandlers = { [N in SocketRequestName]?: Handler<N> };
export type AllHandlers = { [N in SocketRequestName]: Handler<N> };

/**
 * Merges the features' handlers. Every request of the contract must have exactly one owner: a
 * missing or doubly-registered handler is a startup error, not a request that silently fails.
 */
export const mergeHandlers = (features: readonly FeatureHandlers[]): AllHandlers => {
  const merged: Partial<Record<SocketRequestName, unknown>> = {};
  for (const f of features) {
    for (const [name, h] of Object.entries(f)) {
      if (!Object.hasOwn(socketRequests, name)) throw new Error(`handler for unknown request ${name}`);
      if (merged[name as SocketRequestName]) throw new Error(`request ${name} has two handlers`);
      merged[name as SocketRequestName] = h;
    }
  }
  const missing = Object.keys(socketRequests).filter((n) => !merged[n as SocketRequestName]);
  if (missing.length > 0) throw new Error(`no handler for ${missing.join(', ')}`);
  return merged as AllHandlers;
};
