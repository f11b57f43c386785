import { io as connectSocket, type Socket } from 'socket.io-client';
import {
  httpRoutes,
  type ClientToServerEvents,
  type Result,
  type ServerToClientEvents,
  type SocketRequest,
  type SocketRequestName,
  type SocketResponse,
  type TokenBundle,
} from '@shared/contract';
import { startServer, type RunningServer, type ServerOptions } from '../../../src/server/app';
import { TEST_ONLY_WEAK_KDF } from '../../../src/server/auth';
import type { Logger } from '../../../src/server/logger';
import type { Backend, TestDatabase } from './databases';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A logger that remembers what was logged (tests assert errors are logged, not leaked). */
export const memoryLogger = (): Logger & { entries: { level: string; message: string; meta?: Record<string, unknown> }[] } => {
  const entries: { level: string; message: string; meta?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) => {
    entries.push({ level, message, ...(meta ? { meta } : {}) });
  };
  return { entries, info: at('info'), warn: at('warn'), error: at('error') };
};

export interface TestServer {
  server: RunningServer;
  database: TestDatabase;
  logger: ReturnType<typeof memoryLogger>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<{ status: number; headers: Headers; body: Result<unknown> }>;
  signIn(account: string, password?: string): Promise<TokenBundle>;
  connect(token: string): Promise<ClientSocket>;
  stop(): Promise<void>;
}

/** A server on a random port with the demo org seeded and a cheap KDF (fast tests). */
export const startTestServer = async (backend: Backend, extra: Partial<ServerOptions> = {}): Promise<TestServer> => {
  const database = await backend.create();
  const logger = memoryLogger();
  let server: RunningServer;
  try {
    server = await startServer({ port: 0, ...database.storage, seedDemo: true, kdf: TEST_ONLY_WEAK_KDF, logger, ...extra });
  } catch (e) {
    await database.dispose();
    throw e;
  }
  const sockets: ClientSocket[] = [];

  const post: TestServer['post'] = async (path, body, headers = {}) => {
    const res = await fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Result<unknown> };
  };

  return {
    server,
    database,
    logger,
    post,
    async signIn(account, password = 'muster-demo') {
      const r = await post(httpRoutes.signIn.path, { org: 'demo', account, password });
      if (!r.body.ok) throw new Error(`sign-in of ${account} failed: ${JSON.stringify(r.body.error)}`);
      return r.body.value as TokenBundle;
    },
    async connect(token) {
      const socket: ClientSocket = connectSocket(server.url, {
        auth: { token },
        transports: ['websocket'],
        reconnection: false,
        forceNew: true,
      });
      sockets.push(socket);
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', (e) => reject(e));
      });
      return socket;
    },
    async stop() {
      for (const s of sockets) s.disconnect();
      await server.close();
      await database.dispose();
    },
  };
};

/** A typed request through the ack, with a timeout so a missing answer fails the test. */
export const request = <N extends SocketRequestName>(
  socket: ClientSocket,
  name: N,
  payload: SocketRequest<N>,
): Promise<Result<SocketResponse<N>>> =>
  // socket.io-client's typed emitWithAck cannot follow the mapped event type; the cast is the contract's Ack.
  (socket.timeout(5000) as unknown as { emitWithAck(ev: string, p: unknown): Promise<Result<SocketResponse<N>>> }).emitWithAck(
    name,
    payload,
  );

/** Sends anything at all (hostile-client tests) and waits for the ack. */
export const rawRequest = (socket: ClientSocket, name: string, ...args: unknown[]): Promise<Result<unknown>> =>
  (socket.timeout(5000) as unknown as { emitWithAck(ev: string, ...a: unknown[]): Promise<Result<unknown>> }).emitWithAck(name, ...args);

/** The untyped view used to listen for pushes by name (the typed generics cannot follow a generic name). */
type Listening = { once(ev: string, l: (p: never) => void): void; off(ev: string, l: (p: never) => void): void };

export const nextEvent = <E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    (socket as unknown as Listening).once(event, (payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });

/** Resolves if `event` does NOT arrive within `ms`. */
export const noEvent = (socket: ClientSocket, event: keyof ServerToClientEvents, ms = 300): Promise<void> =>
  new Promise((resolve, reject) => {
    const listener = () => reject(new Error(`unexpected ${event}`));
    (socket as unknown as Listening).once(event, listener);
    setTimeout(() => {
      (socket as unknown as Listening).off(event, listener);
      resolve();
    }, ms);
  });
