import type { KeyValueStorage } from '../../lib/storage';
import { cameraConstraints, cameraProblemOf, camerasOf, chooseCamera, type CameraDevice, type CameraProblem } from './camera-state';
import { DuplicateFilter } from './dedupe';
import { centreCrop, type CropRect } from './geometry';
import { context2d } from './image-source';
import { LowLightDetector } from './light';
import type { DecodeResult, ScanMode } from './protocol';
import { FrameScheduler, videoFrameSource, type FrameSource } from './scheduler';
import { ScanWorkerError } from './worker-client';

export type CameraStatus =
  | { kind: 'idle' }
  | { kind: 'starting' }
  | { kind: 'scanning' }
  /** The window is hidden: the camera is off until it shows again. */
  | { kind: 'paused' }
  | { kind: 'problem'; problem: CameraProblem };

export interface CameraSnapshot {
  status: CameraStatus;
  cameras: readonly CameraDevice[];
  /** The camera in use (or chosen); null: the system default. */
  cameraId: string | null;
  lowLight: boolean;
  /** The stream's frame size once known (for the viewfinder overlay). */
  videoSize: { width: number; height: number } | null;
  /** The decoder worker failed for good: camera scanning can't work in this window. */
  readerFailed: boolean;
}

/** What the controller needs from a <video> (a fake in tests). */
export interface VideoSurface {
  srcObject: MediaProvider | null;
  readonly videoWidth: number;
  readonly videoHeight: number;
  readonly readyState: number;
  play(): Promise<void>;
  requestVideoFrameCallback?(callback: () => void): number;
  cancelVideoFrameCallback?(handle: number): void;
}

export interface FrameDecoder {
  decode(frame: { data: Uint8ClampedArray; width: number; height: number }, mode: ScanMode): Promise<DecodeResult>;
}

export interface CameraControllerDeps {
  mediaDevices: Pick<MediaDevices, 'getUserMedia' | 'enumerateDevices'> | undefined;
  storage: KeyValueStorage;
  storageKey: string;
  decoder: FrameDecoder;
  onCode(text: string): void;
  now?(): number;
  /** Minimum time between two decoded frames (~15 frames a second at most). */
  minIntervalMs?: number;
  frameSource?(video: VideoSurface): FrameSource;
  /** Copies the crop out of the current video frame as RGBA. */
  grab?(video: VideoSurface, crop: CropRect): { data: Uint8ClampedArray; width: number; height: number };
}

/** Crop and downscale in one drawImage on an (Offscreen)Canvas, then read the pixels back. */
export function grabFrame(video: VideoSurface, crop: CropRect): { data: Uint8ClampedArray; width: number; height: number } {
  const ctx = context2d(crop.dw, crop.dh);
  ctx.drawImage(video as unknown as CanvasImageSource, crop.sx, crop.sy, crop.sw, crop.sh, 0, 0, crop.dw, crop.dh);
  return { data: ctx.getImageData(0, 0, crop.dw, crop.dh).data, width: crop.dw, height: crop.dh };
}

const RETRY_WITHOUT_DEVICE = new Set(['OverconstrainedError', 'NotFoundError']);

/**
 * The camera side of the scan panel, outside React so its races are easy to follow (and test):
 * every start bumps a generation number, and anything async that finishes for an older
 * generation lets go of what it got (a stream opened after the panel closed is stopped at once).
 */
export class CameraController {
  private snapshot: CameraSnapshot = { status: { kind: 'idle' }, cameras: [], cameraId: null, lowLight: false, videoSize: null, readerFailed: false };
  private readonly listeners = new Set<() => void>();
  private video: VideoSurface | null = null;
  private stream: MediaStream | null = null;
  private scheduler: FrameScheduler | null = null;
  private generation = 0;
  private readonly dedupe = new DuplicateFilter(3000);
  private readonly light = new LowLightDetector();
  private readonly now: () => number;

  constructor(private readonly deps: CameraControllerDeps) {
    this.now = deps.now ?? (() => performance.now());
  }

  getSnapshot = (): CameraSnapshot => this.snapshot;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  attach(video: VideoSurface | null): void {
    this.video = video;
  }

  /** Opens the remembered camera (or the default) and starts scanning. */
  async start(): Promise<void> {
    const gen = ++this.generation;
    this.release();
    this.light.reset();
    this.set({ status: { kind: 'starting' }, lowLight: false });
    const md = this.deps.mediaDevices;
    if (!md || typeof md.getUserMedia !== 'function') return this.fail(gen, 'unsupported');

    let cameras = await this.listCameras();
    if (gen !== this.generation) return;
    if (cameras.length === 0) {
      this.set({ cameras });
      return this.fail(gen, 'no-camera');
    }
    const wanted = chooseCamera(cameras, this.deps.storage.getItem(this.deps.storageKey));
    let stream: MediaStream;
    try {
      stream = await md.getUserMedia(cameraConstraints(wanted));
    } catch (error) {
      if (gen !== this.generation) return;
      const name = (error as { name?: unknown } | null)?.name;
      if (!wanted || typeof name !== 'string' || !RETRY_WITHOUT_DEVICE.has(name)) return this.fail(gen, cameraProblemOf(error));
      // The remembered camera is gone (or changed): fall back to the default one.
      try {
        stream = await md.getUserMedia(cameraConstraints(null));
      } catch (again) {
        return this.fail(gen, cameraProblemOf(again));
      }
    }
    if (gen !== this.generation) {
      stopTracks(stream);
      return;
    }
    this.stream = stream;
    const track = stream.getVideoTracks()[0];
    track?.addEventListener('ended', () => {
      // Unplugged, or taken by the OS: say so rather than freeze on the last frame.
      if (gen !== this.generation) return;
      this.release();
      void this.listCameras().then((left) => {
        if (gen !== this.generation) return;
        this.set({ cameras: left });
        this.fail(gen, left.length === 0 ? 'no-camera' : 'failed');
      });
    });

    const video = this.video;
    if (video) {
      video.srcObject = stream;
      try {
        await video.play();
      } catch (error) {
        // A newer start or a close interrupted play(): nothing to report.
        if (gen !== this.generation) return;
        return this.fail(gen, cameraProblemOf(error));
      }
    }
    if (gen !== this.generation) return;
    // Labels (and real ids) are only listed once access was granted.
    cameras = await this.listCameras();
    if (gen !== this.generation) return;
    const cameraId = track?.getSettings?.().deviceId ?? wanted;
    this.set({ status: { kind: 'scanning' }, cameras, cameraId: cameraId || null, readerFailed: false });
    if (video) this.startLoop(video, gen);
  }

  /** Switches to another camera and remembers the choice on this computer. */
  async selectCamera(deviceId: string): Promise<void> {
    if (deviceId) this.deps.storage.setItem(this.deps.storageKey, deviceId);
    else this.deps.storage.removeItem(this.deps.storageKey);
    this.set({ cameraId: deviceId || null });
    await this.start();
  }

  /** The window was hidden: turn the camera off (its light too) until resume(). */
  pause(): void {
    const s = this.snapshot.status.kind;
    if (s !== 'scanning' && s !== 'starting') return;
    this.generation++;
    this.release();
    this.set({ status: { kind: 'paused' }, lowLight: false });
  }

  resume(): void {
    if (this.snapshot.status.kind === 'paused') void this.start();
  }

  /** Cameras were plugged in or out: refresh the list; a "no camera" state retries by itself. */
  async devicesChanged(): Promise<void> {
    const gen = this.generation;
    const cameras = await this.listCameras();
    if (gen !== this.generation) return;
    this.set({ cameras });
    const s = this.snapshot.status;
    if (s.kind === 'problem' && s.problem === 'no-camera' && cameras.length > 0) await this.start();
  }

  /** Stops everything for good (panel closed). */
  dispose(): void {
    this.generation++;
    this.release();
    this.listeners.clear();
    this.video = null;
  }

  private startLoop(video: VideoSurface, gen: number): void {
    const grab = this.deps.grab ?? grabFrame;
    this.scheduler = new FrameScheduler({
      source: (this.deps.frameSource ?? videoFrameSource)(video),
      now: this.now,
      minIntervalMs: this.deps.minIntervalMs ?? 66,
      process: async () => {
        if (video.readyState < 2) return; // HAVE_CURRENT_DATA: nothing to draw yet
        const crop = centreCrop(video.videoWidth, video.videoHeight);
        if (!crop) return;
        const size = this.snapshot.videoSize;
        if (!size || size.width !== video.videoWidth || size.height !== video.videoHeight) this.set({ videoSize: { width: video.videoWidth, height: video.videoHeight } });
        const result = await this.deps.decoder.decode(grab(video, crop), 'camera');
        if (gen !== this.generation) return;
        const lowLight = this.light.push(result.luminance);
        if (lowLight !== this.snapshot.lowLight) this.set({ lowLight });
        if (result.text !== null && this.dedupe.accept(result.text, this.now())) this.deps.onCode(result.text);
      },
      onError: (error) => {
        if (gen !== this.generation) return;
        if (error instanceof ScanWorkerError && (error.kind === 'unavailable' || error.kind === 'disposed')) {
          this.scheduler?.stop();
          this.set({ readerFailed: error.kind === 'unavailable' });
        }
        // Other failures (one slow or refused frame) are dropped: the next frame tries again.
      },
    });
    this.scheduler.start();
  }

  private async listCameras(): Promise<CameraDevice[]> {
    try {
      return camerasOf(await this.deps.mediaDevices!.enumerateDevices());
    } catch {
      return [];
    }
  }

  private fail(gen: number, problem: CameraProblem): void {
    if (gen !== this.generation) return;
    this.release();
    this.set({ status: { kind: 'problem', problem }, lowLight: false });
  }

  private release(): void {
    this.scheduler?.stop();
    this.scheduler = null;
    if (this.stream) stopTracks(this.stream);
    this.stream = null;
    if (this.video) this.video.srcObject = null;
  }

  private set(patch: Partial<CameraSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    for (const l of [...this.listeners]) l();
  }
}

function stopTracks(stream: MediaStream): void {
  for (const t of stream.getTracks()) t.stop();
}
