import { HostToPageFrame, LOCAL_BRIDGE_PATH, err, type BridgeTransport, type InvokeFrame } from '@shared/contract';

/**
 * Browser mode: `window.muster` is backed by a WebSocket to the web host (src/main/web-host.ts)
 * instead of Electron IPC. Frames are declared in @shared/contract/local-bridge.
 *
 * Guarantees callers can rely on:
 * - every invoke settles: with the host's answer, or an `unavailable` Result when the socket drops,
 *   cannot open, or the host stays silent past `invokeTimeoutMs`;
 * - subscriptions survive reconnects (events are dispatched by channel, not by socket);
 * - malformed frames from the host are ignored, never thrown into the page.
 */

/** The part of the DOM WebSocket this transport uses (a fake implements it in tests). */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: unknown) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  send(data: string): void;
  close(): void;
}

const OPEN = 1;

export interface WebBridgeOptions {
  url: string;
  createSocket?: (url: string) => WebSocketLike;
  /** Reconnect delays in ms; the last one repeats. */
  reconnectDelaysMs?: readonly number[];
  invokeTimeoutMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

interface Pending {
  resolve: (result: unknown) => void;
  timer: unknown;
  /** Serialized frame; still set while waiting for the socket to open. */
  unsent: string | null;
}

const unavailable = (why: string) => err('unavailable', `Local bridge: ${why}`);

export class WebBridgeTransport implements BridgeTransport {
  private socket: WebSocketLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private reconnectAttempt = 0;
  private reconnectTimer: unknown = null;
  private closed = false;
  private readonly opts: Required<WebBridgeOptions>;

  constructor(options: WebBridgeOptions) {
    this.opts = {
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      reconnectDelaysMs: [250, 500, 1000, 2000, 4000],
      invokeTimeoutMs: 30_000,
      setTimer: (fn, ms) => setTimeout(fn, ms),
      clearTimer: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
      ...options,
    };
    this.open();
  }

  invoke(channel: string, args: unknown): Promise<unknown> {
    if (this.closed) return Promise.resolve(unavailable('closed'));
    const id = this.nextId++;
    const frame: InvokeFrame = { type: 'invoke', id, channel, args };
    let data: string;
    try {
      data = JSON.stringify(frame);
    } catch {
      return Promise.resolve(err('bad_request', `Arguments for ${channel} are not serializable`));
    }
    return new Promise((resolve) => {
      const timer = this.opts.setTimer(() => this.settle(id, unavailable('no answer in time')), this.opts.invokeTimeoutMs);
      this.pending.set(id, { resolve, timer, unsent: data });
      if (this.socket?.readyState === OPEN) this.flushUnsent();
      else this.ensureConnecting();
    });
  }

  subscribe(channel: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Stops reconnecting and settles everything still pending. */
  close(): void {
    this.closed = true;
    if (this.reconnectTimer !== null) this.opts.clearTimer(this.reconnectTimer);
    this.reconnectTimer = null;
    const s = this.socket;
    this.socket = null;
    s?.close();
    this.failAll('closed');
  }

  private open(): void {
    if (this.closed) return;
    let socket: WebSocketLike;
    try {
      socket = this.opts.createSocket(this.opts.url);
    } catch {
      this.failAll('cannot open the socket');
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      this.reconnectAttempt = 0;
      this.flushUnsent();
    };
    socket.onmessage = (ev) => {
      if (this.socket === socket) this.receive(ev.data);
    };
    socket.onerror = () => {
      /* a close event always follows; handled there */
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = null;
      // Answers to anything in flight are lost with the socket: tell callers now, not after a timeout.
      this.failAll('connection to the local host was lost');
      this.scheduleReconnect();
    };
  }

  private ensureConnecting(): void {
    if (this.socket || this.closed) return;
    // Waiting for a scheduled reconnect would delay a user action: connect right away.
    if (this.reconnectTimer !== null) {
      this.opts.clearTimer(this.reconnectTimer);
      this.reconnectTimer = null;
    }
    this.open();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== null) return;
    const delays = this.opts.reconnectDelaysMs;
    const delay = delays[Math.min(this.reconnectAttempt, delays.length - 1)] ?? 1000;
    this.reconnectAttempt++;
    this.reconnectTimer = this.opts.setTimer(() => {
      this.reconnectTimer = null;
      if (!this.socket) this.open();
    }, delay);
  }

  private flushUnsent(): void {
    const socket = this.socket;
    if (!socket || socket.readyState !== OPEN) return;
    for (const [id, p] of this.pending) {
      if (p.unsent === null) continue;
      try {
        socket.send(p.unsent);
        p.unsent = null;
      } catch {
        this.settle(id, unavailable('send failed'));
      }
    }
  }

  private receive(data: unknown): void {
    if (typeof data !== 'string') return;
    let json: unknown;
    try {
      json = JSON.parse(data);
    } catch {
      return;
    }
    const frame = HostToPageFrame.safeParse(json);
    if (!frame.success) return;
    if (frame.data.type === 'result') {
      this.settle(frame.data.id, frame.data.result);
      return;
    }
    const { channel, payload } = frame.data;
    for (const listener of [...(this.listeners.get(channel) ?? [])]) {
      try {
        listener(payload);
      } catch (e) {
        // One faulty listener must not starve the others.
        console.error(`bridge event listener for ${channel} failed`, e);
      }
    }
  }

  private settle(id: number, result: unknown): void {
    const p = this.pending.get(id);
    if (!p) return; // late or unknown answer: already settled
    this.pending.delete(id);
    this.opts.clearTimer(p.timer);
    p.resolve(result);
  }

  private failAll(why: string): void {
    for (const id of [...this.pending.keys()]) this.settle(id, unavailable(why));
  }
}

/** `ws(s)://<page host>/bridge`, matching the page's own scheme. */
export function localBridgeUrl(loc: { protocol: string; host: string }): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}${LOCAL_BRIDGE_PATH}`;
}
