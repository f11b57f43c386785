import type { DecodeRequest, DecodeResult, ScanMode } from './protocol';
import { isWorkerReply } from './protocol';

/** The slice of `Worker` the client uses (a fake in tests). */
export interface WorkerLike {
  postMessage(message: DecodeRequest, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((event: MessageEvent) => void) | null;
  onerror: ((event: ErrorEvent | Event) => void) | null;
}

export type ScanWorkerErrorKind = 'timeout' | 'crashed' | 'decoder' | 'unavailable' | 'disposed';

export class ScanWorkerError extends Error {
  constructor(
    readonly kind: ScanWorkerErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ScanWorkerError';
  }
}

interface Pending {
  resolve(result: DecodeResult): void;
  reject(error: ScanWorkerError): void;
  timer: ReturnType<typeof setTimeout>;
}

export interface ScanWorkerClientOptions {
  /** A camera frame's decode that takes longer than this is abandoned and the worker restarted (it may be stuck). */
  timeoutMs?: number;
  /** The same for a still image, which gets the thorough (multi-scale) search and may take a while. */
  imageTimeoutMs?: number;
  /** Workers that die one after another before the client gives up ('unavailable'). */
  maxRestarts?: number;
}

/**
 * Request/response over the scan worker. A worker that hangs or crashes is terminated and a fresh
 * one started on the next call; after `maxRestarts` failures in a row the client stops trying, so a
 * broken build says so once instead of spinning.
 */
export class ScanWorkerClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private failures = 0;
  private disposed = false;
  private readonly timeoutMs: number;
  private readonly imageTimeoutMs: number;
  private readonly maxRestarts: number;

  constructor(
    private readonly create: () => WorkerLike,
    { timeoutMs = 5000, imageTimeoutMs = 30_000, maxRestarts = 3 }: ScanWorkerClientOptions = {},
  ) {
    this.timeoutMs = timeoutMs;
    this.imageTimeoutMs = imageTimeoutMs;
    this.maxRestarts = maxRestarts;
  }

  /** Decodes an RGBA frame in the worker. The frame's buffer is transferred: don't use it afterwards. */
  decode(frame: { data: Uint8ClampedArray; width: number; height: number }, mode: ScanMode): Promise<DecodeResult> {
    if (this.disposed) return Promise.reject(new ScanWorkerError('disposed', 'The scan worker was closed'));
    if (this.failures > this.maxRestarts) return Promise.reject(new ScanWorkerError('unavailable', 'The scan worker keeps failing'));
    const worker = this.ensureWorker();
    const id = this.nextId++;
    // A view onto part of a bigger buffer can't be transferred as is: copy just its bytes.
    const whole = frame.data.byteOffset === 0 && frame.data.byteLength === frame.data.buffer.byteLength && frame.data.buffer instanceof ArrayBuffer;
    const buffer = whole ? (frame.data.buffer as ArrayBuffer) : frame.data.slice().buffer;
    const timeoutMs = mode === 'image' ? this.imageTimeoutMs : this.timeoutMs;
    return new Promise<DecodeResult>((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new ScanWorkerError('timeout', `No answer from the scan worker in ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      try {
        worker.postMessage({ type: 'decode', id, mode, width: frame.width, height: frame.height, buffer }, [buffer]);
      } catch (error) {
        this.settle(id);
        clearTimeout(timer);
        reject(new ScanWorkerError('crashed', `Could not post the frame: ${String(error)}`));
      }
    });
  }

  dispose(): void {
    this.disposed = true;
    this.rejectAll(new ScanWorkerError('disposed', 'The scan worker was closed'));
    this.worker?.terminate();
    this.worker = null;
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const worker = this.create();
    worker.onmessage = (event) => {
      const reply: unknown = event.data;
      if (!isWorkerReply(reply)) return;
      const p = this.settle(reply.id);
      if (!p) return;
      if (reply.type === 'result') {
        this.failures = 0;
        p.resolve(reply);
      } else {
        // The decoder refused this frame (malformed input): the worker itself is fine.
        p.reject(new ScanWorkerError('decoder', reply.message));
      }
    };
    worker.onerror = (event) => {
      // A module that failed to load or an uncaught exception: start over on the next call.
      const message = 'message' in event && typeof event.message === 'string' && event.message ? event.message : 'The scan worker failed';
      if ('preventDefault' in event) event.preventDefault();
      this.fail(new ScanWorkerError('crashed', message));
    };
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    clearTimeout(p.timer);
    this.pending.delete(id);
    return p;
  }

  private fail(error: ScanWorkerError): void {
    this.failures++;
    this.worker?.terminate();
    this.worker = null;
    this.rejectAll(error);
  }

  private rejectAll(error: ScanWorkerError): void {
    for (const [id, p] of [...this.pending]) {
      this.settle(id);
      p.reject(error);
    }
  }
}

/** The real worker, bundled by Vite from scan.worker.ts (an ES module worker). */
export function createScanWorker(): WorkerLike {
  return new Worker(new URL('./scan.worker.ts', import.meta.url), { type: 'module', name: 'muster-qr-scan' }) as unknown as WorkerLike;
}
