import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import {
  err,
  InvokeFrame,
  ipcChannel,
  LOCAL_BRIDGE_MAX_FRAME_BYTES,
  LOCAL_BRIDGE_PATH,
  type BridgeEvent,
  type BridgeEventName,
  type HostToPageFrame,
  type Result,
} from '@shared/contract';
import { createBridgeDispatcher } from './bridge/dispatcher';
import { buildContentSecurityPolicy, securityHeaders } from './content/csp';
import { readStaticFile } from './content/static-files';
import { ConfigError, readAppVersion, resolveServerUrl } from './services/config';
import { defaultKeyFilePath, openKeyFileBox } from './services/key-file-box';
import { consoleLogger, describeError, type Logger } from './services/logger';
import { createMainServices } from './services/services';

/**
 * Browser mode: the same main-process services behind the same bridge contract, reached over a
 * WebSocket at LOCAL_BRIDGE_PATH instead of Electron IPC, so the renderer runs in a normal
 * browser (tests, kiosks). Run: `npx tsx --tsconfig tsconfig.node.json src/main/web-host.ts`.
 *
 * Trust boundary: only pages served by this host may use the bridge. It listens on 127.0.0.1
 * only, refuses requests whose Host header is not its own (DNS rebinding), and refuses WebSocket
 * upgrades whose Origin is not exactly its own origin — the browser-mode equivalent of Electron's
 * IPC sender-frame validation. A page on any other origin cannot open the bridge.
 *
 * Frame policy (consistent, tested): a frame that is not a valid InvokeFrame (binary, not JSON,
 * wrong shape) is a protocol violation and closes the socket with 1008 (1003 for binary) — there
 * is no id to answer to. A valid frame whose call is unknown or whose args are wrong is answered
 * with a `bad_request` result by the dispatcher. Oversized frames close with 1009 (ws maxPayload).
 */

export const DEFAULT_WEB_PORT = 5780;
const HOST = '127.0.0.1';
/** A page has no business keeping more calls than this in flight; beyond it calls are refused. */
const MAX_IN_FLIGHT_PER_SOCKET = 64;
const HEARTBEAT_MS = 30_000;

export interface WebHostOptions {
  /** 0 picks a free port. */
  port: number;
  rendererDir: string;
  dataDir: string;
  /** Must be outside dataDir (enforced). */
  keyFile: string;
  serverUrl: string;
  appVersion?: string;
  log?: Logger;
  fetch?: typeof globalThis.fetch;
}

export interface WebHost {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Reads MUSTER_* variables; throws ConfigError with a clear message on a bad value. */
export function webHostOptionsFromEnv(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): WebHostOptions {
  const rawPort = env.MUSTER_WEB_PORT?.trim();
  const port = rawPort ? Number(rawPort) : DEFAULT_WEB_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`MUSTER_WEB_PORT must be an integer from 0 to 65535 (0 = any free port), got "${rawPort}"`);
  }
  return {
    port,
    serverUrl: resolveServerUrl(env),
    rendererDir: resolve(cwd, env.MUSTER_RENDERER_DIR?.trim() || 'out/renderer'),
    dataDir: resolve(cwd, env.MUSTER_WEB_DATA_DIR?.trim() || '.muster/web-host'),
    keyFile: resolve(cwd, env.MUSTER_WEB_KEY_FILE?.trim() || defaultKeyFilePath()),
  };
}

function refuseUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  socket.destroy();
}

const rawPathOf = (req: IncomingMessage): string | null => {
  const url = req.url ?? '';
  return url.startsWith('/') ? (url.split('?')[0] ?? '') : null;
};

/** Listens on HOST:port; a port that is taken or not allowed is reported as the setting to change. */
function listen(server: Server, port: number): Promise<void> {
  return new Promise<void>((resolveListen, rejectListen) => {
    const onError = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') {
        rejectListen(new ConfigError(`port ${port} is in use — set MUSTER_WEB_PORT to a free port (0 = any) / 端口 ${port} 已被占用，请设置 MUSTER_WEB_PORT`));
      } else if (e.code === 'EACCES') {
        rejectListen(new ConfigError(`not allowed to listen on port ${port} — set MUSTER_WEB_PORT to a port above 1023 / 无权监听端口 ${port}，请设置 MUSTER_WEB_PORT`));
      } else {
        rejectListen(new Error(`Could not listen on ${HOST}:${port}: ${describeError(e)}`, { cause: e }));
      }
    };
    server.once('error', onError);
    server.listen(port, HOST, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const log = options.log ?? consoleLogger('web-host');
  const secretBox = await openKeyFileBox({ keyFile: options.keyFile, dataDir: options.dataDir });
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    log.warn(`No index.html in ${options.rendererDir}; build the renderer first (npx electron-vite build)`);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: LOCAL_BRIDGE_MAX_FRAME_BYTES });
  const send = (ws: WebSocket, frame: HostToPageFrame) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
  };
  const broadcast = <N extends BridgeEventName>(name: N, payload: BridgeEvent<N>) => {
    for (const client of wss.clients) send(client, { type: 'event', channel: ipcChannel(name), payload });
  };

  const services = createMainServices({
    dataDir: options.dataDir,
    secretBox,
    serverUrl: options.serverUrl,
    emit: broadcast,
    mode: 'browser',
    appVersion: options.appVersion ?? readAppVersion(),
    log,
    fetch: options.fetch,
  });
  const dispatcher = createBridgeDispatcher(services.handlers, { log });

  // Filled in once the port is known (port 0 = random).
  let allowedHosts = new Set<string>();
  let allowedOrigins = new Set<string>();
  const cspByHost = new Map<string, string>();
  const cspFor = (host: string): string => {
    let csp = cspByHost.get(host);
    if (!csp) {
      csp = buildContentSecurityPolicy({ serverUrl: options.serverUrl, pageOrigin: `http://${host}` });
      cspByHost.set(host, csp);
    }
    return csp;
  };

  const reply = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers });
    res.end(`${message}\n`);
  };

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = req.headers.host ?? '';
    if (!allowedHosts.has(host)) return reply(res, 421, 'Misdirected request: unknown Host');
    const headers = securityHeaders(cspFor(host));
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(res, 405, 'Method not allowed', { ...headers, allow: 'GET, HEAD' });
    const rawPath = rawPathOf(req);
    if (rawPath === null) return reply(res, 400, 'Malformed request target', headers);
    if (rawPath === LOCAL_BRIDGE_PATH) return reply(res, 426, 'The bridge speaks WebSocket only', { ...headers, upgrade: 'websocket' });
    const file = await readStaticFile(options.rendererDir, rawPath, { spaFallback: true });
    if (file.status !== 200) return reply(res, file.status, file.message, headers);
    res.writeHead(200, { ...headers, 'content-type': file.contentType, 'content-length': String(file.body.length), 'cache-control': file.cacheControl });
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  const server = createServer((req, res) => {
    handleRequest(req, res).catch((e) => {
      log.error(`Request failed: ${describeError(e)}`, { url: req.url });
      if (!res.headersSent) reply(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {}); // a peer resetting mid-handshake is not our problem
    if (rawPathOf(req) !== LOCAL_BRIDGE_PATH) return refuseUpgrade(socket, 404, 'Not Found', 'No WebSocket here');
    if (!allowedHosts.has(req.headers.host ?? '')) return refuseUpgrade(socket, 421, 'Misdirected Request', 'Unknown Host');
    const origin = req.headers.origin;
    if (!origin || !allowedOrigins.has(origin)) {
      log.warn('Refused a bridge connection from a foreign origin', { origin: origin ?? '(none)' });
      return refuseUpgrade(socket, 403, 'Forbidden', 'Origin not allowed');
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  });

  const alive = new WeakMap<WebSocket, boolean>();
  wss.on('connection', (ws: WebSocket) => {
    let inFlight = 0;
    alive.set(ws, true);
    ws.on('pong', () => alive.set(ws, true));
    ws.on('error', (e) => log.warn(`Bridge socket error: ${describeError(e)}`));
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (isBinary) return ws.close(1003, 'Binary frames are not supported');
      let json: unknown;
      try {
        json = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
      } catch {
        return ws.close(1008, 'Invalid frame: not JSON');
      }
      const frame = InvokeFrame.safeParse(json);
      if (!frame.success) return ws.close(1008, 'Invalid frame: expected an invoke frame');
      const { id, channel, args } = frame.data;
      if (inFlight >= MAX_IN_FLIGHT_PER_SOCKET) {
        return send(ws, { type: 'result', id, result: err('rate_limited', 'Too many bridge calls in flight') });
      }
      inFlight += 1;
      dispatcher
        .dispatch(channel, args)
        .catch((e: unknown): Result<never> => {
          log.error(`Bridge dispatch failed: ${describeError(e)}`);
          return err('internal', 'Unexpected error');
        })
        .then((result) => send(ws, { type: 'result', id, result }))
        .finally(() => {
          inFlight -= 1;
        });
    });
  });

  try {
    await listen(server, options.port);
  } catch (e) {
    // Nothing may outlive a failed start: the caller exits or tries another port.
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    server.close();
    throw e;
  }

  // Drops sockets whose page vanished without a close (sleep, killed tab). Started only once
  // listening, so a failed start leaves no timer behind.
  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.get(ws)) {
        ws.terminate();
        continue;
      }
      alive.set(ws, false);
      ws.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();

  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('The web host is not listening on a TCP port');
  const port = address.port;
  allowedHosts = new Set([`${HOST}:${port}`, `localhost:${port}`]);
  allowedOrigins = new Set([`http://${HOST}:${port}`, `http://localhost:${port}`]);
  const url = `http://${HOST}:${port}`;
  log.info(`Serving ${options.rendererDir}; data in ${options.dataDir}; key file ${options.keyFile}; server ${options.serverUrl}`);

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close: () =>
      (closing ??= new Promise<void>((resolveClose) => {
        clearInterval(heartbeat);
        for (const ws of wss.clients) ws.close(1001, 'Web host shutting down');
        wss.close();
        server.close(() => resolveClose());
        server.closeIdleConnections();
        // Sockets that do not finish their close handshake promptly are cut.
        setTimeout(() => {
          for (const ws of wss.clients) ws.terminate();
          server.closeAllConnections();
        }, 1_000).unref();
      })),
  };
}

async function main(): Promise<void> {
  let options: WebHostOptions;
  try {
    options = webHostOptionsFromEnv();
  } catch (e) {
    console.error(`Muster web host: ${e instanceof ConfigError ? e.message : describeError(e)}`);
    process.exit(1);
  }
  let host: WebHost;
  try {
    host = await startWebHost(options);
  } catch (e) {
    console.error(`Muster web host could not start: ${describeError(e)}`);
    process.exit(1);
  }
  console.log(`Muster web host on ${host.url}`);
  const shutdown = (signal: string) => {
    console.error(`Muster web host: ${signal}, shutting down`);
    setTimeout(() => process.exit(1), 5_000).unref();
    host.close().then(() => process.exit(0));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

const entry = process.argv[1];
if (entry && resolve(entry) === fileURLToPath(import.meta.url)) void main();
