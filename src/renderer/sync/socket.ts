import { io } from 'socket.io-client';

/**
 * The part of a socket.io client socket the sync layer uses. Injected, so tests drive a fake one
 * and no server is needed.
 */
export type SocketListener = (...args: unknown[]) => void;

export interface SocketLike {
  readonly connected: boolean;
  /** socket.io will reconnect by itself (false after a refused handshake or a server-side kick). */
  readonly active: boolean;
  on(event: string, listener: SocketListener): void;
  off(event: string, listener: SocketListener): void;
  /** Emits with an ack; rejects when no ack arrives within `timeoutMs`. */
  emitWithAck(event: string, payload: unknown, timeoutMs: number): Promise<unknown>;
  connect(): void;
  disconnect(): void;
}

/** Supplies the handshake token; null when none can be had (the server then refuses us). */
export type HandshakeToken = () => Promise<string | null>;

/**
 * A socket.io connection to the Muster server. `auth` is a function so every (re)connect, including
 * socket.io's own reconnects, presents a fresh access token.
 *
 * WebSocket transport only: no long-polling fallback, so the server needs no CORS setup for the
 * app's origins (muster-app://app, the web host) and several server nodes need no sticky sessions.
 */
export function createServerSocket(serverUrl: string, token: HandshakeToken): SocketLike {
  const socket = io(serverUrl, {
    autoConnect: false,
    transports: ['websocket'],
    reconnectionDelay: 1000,
    reconnectionDelayMax: 10_000,
    auth: (cb) => {
      token().then(
        (t) => cb({ token: t ?? '' }),
        () => cb({ token: '' }),
      );
    },
  });
  return {
    get connected() {
      return socket.connected;
    },
    get active() {
      return socket.active;
    },
    on: (event, listener) => void socket.on(event, listener),
    off: (event, listener) => void socket.off(event, listener),
    emitWithAck: (event, payload, timeoutMs) => socket.timeout(timeoutMs).emitWithAck(event, payload),
    connect: () => void socket.connect(),
    disconnect: () => void socket.disconnect(),
  };
}
