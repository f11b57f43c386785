/**
 * Frame pacing for the camera: one frame in flight. A frame is taken only when the previous one
 * has been decoded (so a slow machine drops frames instead of queueing them — no backlog, no
 * growing latency) and no sooner than `minIntervalMs` after the last one started (so a fast
 * decoder doesn't spend a whole core on a code that isn't there yet).
 */

/** Calls back once on the next frame; the returned function cancels that callback. */
export interface FrameSource {
  next(callback: () => void): () => void;
}

export interface FrameSchedulerOptions {
  source: FrameSource;
  now(): number;
  minIntervalMs: number;
  /** Grabs and decodes one frame; the next frame is not taken before this settles. */
  process(): Promise<void>;
  /** A failed frame is reported here and the loop goes on. */
  onError?(error: unknown): void;
}

export interface FrameStats {
  /** Frame callbacks received. */
  ticks: number;
  /** Frames handed to `process`. */
  started: number;
  /** Ticks dropped because they came sooner than minIntervalMs after the last start. */
  paced: number;
}

export class FrameScheduler {
  private running = false;
  private inFlight = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private cancel: (() => void) | null = null;
  readonly stats: FrameStats = { ticks: 0, started: 0, paced: 0 };

  constructor(private readonly options: FrameSchedulerOptions) {
    if (!(options.minIntervalMs >= 0)) throw new RangeError('FrameScheduler: minIntervalMs must be ≥ 0');
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** True while a frame is being processed. */
  get busy(): boolean {
    return this.inFlight;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.request();
  }

  stop(): void {
    this.running = false;
    this.cancel?.();
    this.cancel = null;
  }

  private request(): void {
    // While a frame is in flight nothing is requested: its settling asks for the next one.
    if (!this.running || this.cancel || this.inFlight) return;
    this.cancel = this.options.source.next(() => {
      this.cancel = null;
      this.tick();
    });
  }

  private tick(): void {
    if (!this.running || this.inFlight) return;
    this.stats.ticks++;
    const now = this.options.now();
    if (now - this.lastStart < this.options.minIntervalMs) {
      this.stats.paced++;
      this.request();
      return;
    }
    this.inFlight = true;
    this.lastStart = now;
    this.stats.started++;
    let work: Promise<void>;
    try {
      work = this.options.process();
    } catch (error) {
      work = Promise.reject(error);
    }
    work
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.inFlight = false;
        this.request();
      });
  }
}

/** The parts of a <video> element the frame source needs (so tests can pass a fake). */
export interface VideoLike {
  requestVideoFrameCallback?(callback: () => void): number;
  cancelVideoFrameCallback?(handle: number): void;
}

interface AnimationFrames {
  requestAnimationFrame(callback: () => void): number;
  cancelAnimationFrame(handle: number): void;
}

/**
 * Paced by the video itself (`requestVideoFrameCallback` fires once per new camera frame, never
 * twice for the same one); where that is missing, by the display's animation frames.
 */
export function videoFrameSource(video: VideoLike, frames: AnimationFrames = globalThis): FrameSource {
  if (typeof video.requestVideoFrameCallback === 'function' && typeof video.cancelVideoFrameCallback === 'function') {
    return {
      next(callback) {
        const handle = video.requestVideoFrameCallback!(() => callback());
        return () => video.cancelVideoFrameCallback!(handle);
      },
    };
  }
  return {
    next(callback) {
      const handle = frames.requestAnimationFrame(() => callback());
      return () => frames.cancelAnimationFrame(handle);
    },
  };
}
