import { describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../../src/renderer/lib/storage';
import { CameraController, type CameraControllerDeps, type VideoSurface } from '../../src/renderer/features/scan/camera';
import type { DecodeRequest, DecodeResult } from '../../src/renderer/features/scan/protocol';
import type { FrameSource } from '../../src/renderer/features/scan/scheduler';
import { ScanWorkerClient, ScanWorkerError, type WorkerLike } from '../../src/renderer/features/scan/worker-client';

const flush = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setTimeout(r, 0));
};

class FakeTrack {
  stopped = false;
  private ended: (() => void)[] = [];
  constructor(readonly deviceId: string) {}
  stop() {
    this.stopped = true;
  }
  getSettings() {
    return { deviceId: this.deviceId };
  }
  addEventListener(type: string, cb: () => void) {
    if (type === 'ended') this.ended.push(cb);
  }
  end() {
    for (const cb of this.ended) cb();
  }
}

function fakeStream(deviceId: string) {
  const track = new FakeTrack(deviceId);
  return { track, stream: { getTracks: () => [track], getVideoTracks: () => [track] } as unknown as MediaStream };
}

const domError = (name: string) => Object.assign(new Error(name), { name });

function rig(opts: { cameras?: string[]; remembered?: string; getUserMedia?: (c: MediaStreamConstraints) => Promise<MediaStream>; results?: Partial<DecodeResult>[] } = {}) {
  let cameras = opts.cameras ?? ['cam-a'];
  const tracks: FakeTrack[] = [];
  const constraints: MediaStreamConstraints[] = [];
  const storage = memoryStorage();
  if (opts.remembered) storage.setItem('cam', opts.remembered);
  const mediaDevices = {
    enumerateDevices: vi.fn(async () => cameras.map((id) => ({ kind: 'videoinput', deviceId: id, label: `Label ${id}`, groupId: '' }) as MediaDeviceInfo)),
    getUserMedia: vi.fn(async (c: MediaStreamConstraints) => {
      constraints.push(c);
      if (opts.getUserMedia) return opts.getUserMedia(c);
      const video = c.video as { deviceId?: { exact: string } };
      const { track, stream } = fakeStream(video.deviceId?.exact ?? cameras[0]!);
      tracks.push(track);
      return stream;
    }),
  };
  const video: VideoSurface = { srcObject: null, videoWidth: 1280, videoHeight: 720, readyState: 4, play: vi.fn(async () => undefined) };
  const waiting = new Set<() => void>();
  const frames: FrameSource = {
    next(cb) {
      waiting.add(cb);
      return () => waiting.delete(cb);
    },
  };
  const results = [...(opts.results ?? [])];
  const decoded: { width: number; height: number }[] = [];
  const codes: string[] = [];
  let clock = 0;
  const decoder = {
    decode: vi.fn(async (frame: { data: Uint8ClampedArray; width: number; height: number }) => {
      decoded.push({ width: frame.width, height: frame.height });
      const r = results.shift() ?? {};
      return { type: 'result', id: 0, text: null, luminance: 128, ms: 1, ...r } as DecodeResult;
    }),
  };
  const deps: CameraControllerDeps = {
    mediaDevices,
    storage,
    storageKey: 'cam',
    decoder,
    onCode: (t) => codes.push(t),
    now: () => clock,
    minIntervalMs: 0,
    frameSource: () => frames,
    grab: (_v, crop) => ({ data: new Uint8ClampedArray(crop.dw * crop.dh * 4), width: crop.dw, height: crop.dh }),
  };
  const camera = new CameraController(deps);
  camera.attach(video);
  return {
    camera,
    video,
    mediaDevices,
    storage,
    tracks,
    constraints,
    decoded,
    codes,
    decoder,
    setCameras: (c: string[]) => (cameras = c),
    /** Delivers n video frames, letting each decode settle. */
    async frames(n: number, stepMs = 100) {
      for (let i = 0; i < n; i++) {
        clock += stepMs;
        const cbs = [...waiting];
        waiting.clear();
        for (const cb of cbs) cb();
        await flush(2);
      }
    },
    get waitingForFrame() {
      return waiting.size;
    },
  };
}

describe('camera controller', () => {
  it('opens the default camera, scans cropped frames and reports a code once while it stays in view', async () => {
    const r = rig({ results: [{}, { text: 'muster://join/abc' }, { text: 'muster://join/abc' }, { text: 'muster://join/abc' }, {}, { text: 'other' }] });
    await r.camera.start();
    const s = r.camera.getSnapshot();
    expect(s.status).toEqual({ kind: 'scanning' });
    expect(s.cameras).toEqual([{ deviceId: 'cam-a', label: 'Label cam-a' }]);
    expect(s.cameraId).toBe('cam-a');
    expect(r.video.srcObject).not.toBeNull();
    await r.frames(6);
    expect(r.codes).toEqual(['muster://join/abc', 'other']);
    // Every frame posted is the centre square, downscaled: 576 px (80 % of 720) fits the 640 cap.
    expect(r.decoded[0]).toEqual({ width: 576, height: 576 });
    expect(r.camera.getSnapshot().videoSize).toEqual({ width: 1280, height: 720 });
  });

  it('says "no camera" when none is plugged in, and starts by itself when one appears', async () => {
    const r = rig({ cameras: [] });
    await r.camera.start();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'problem', problem: 'no-camera' });
    expect(r.mediaDevices.getUserMedia).not.toHaveBeenCalled();
    r.setCameras(['usb']);
    await r.camera.devicesChanged();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'scanning' });
    expect(r.camera.getSnapshot().cameraId).toBe('usb');
  });

  it.each([
    ['NotAllowedError', 'denied'],
    ['NotReadableError', 'in-use'],
    ['NotFoundError', 'no-camera'],
    ['SomethingNew', 'failed'],
  ] as const)('getUserMedia failing with %s → %s', async (name, problem) => {
    const r = rig({ getUserMedia: () => Promise.reject(domError(name)) });
    await r.camera.start();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'problem', problem });
    // Try again works once the cause is gone.
    r.mediaDevices.getUserMedia.mockImplementationOnce(async () => fakeStream('cam-a').stream);
    await r.camera.start();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'scanning' });
  });

  it('no camera API at all → unsupported', async () => {
    const r = rig();
    const camera = new CameraController({ ...({} as CameraControllerDeps), mediaDevices: undefined, storage: r.storage, storageKey: 'cam', decoder: r.decoder, onCode: () => undefined });
    await camera.start();
    expect(camera.getSnapshot().status).toEqual({ kind: 'problem', problem: 'unsupported' });
  });

  it('remembers the chosen camera, and falls back to the default when it is gone', async () => {
    const r = rig({ cameras: ['a', 'b'] });
    await r.camera.start();
    await r.camera.selectCamera('b');
    expect(r.storage.getItem('cam')).toBe('b');
    expect(r.constraints.at(-1)).toMatchObject({ video: { deviceId: { exact: 'b' } } });
    expect(r.camera.getSnapshot().cameraId).toBe('b');
    // The previous camera's stream was stopped when switching.
    expect(r.tracks[0]!.stopped).toBe(true);
    expect(r.tracks[1]!.stopped).toBe(false);

    // Unplugged while Muster was closed: not asked for at all.
    const gone = rig({ cameras: ['a'], remembered: 'b' });
    await gone.camera.start();
    expect(gone.constraints[0]!.video).not.toHaveProperty('deviceId');
    expect(gone.camera.getSnapshot().status).toEqual({ kind: 'scanning' });

    // Listed but refusing the exact constraint: retried without it.
    const stale = rig({
      cameras: ['a', 'b'],
      remembered: 'b',
      getUserMedia: async (c) => {
        if ((c.video as { deviceId?: unknown }).deviceId) throw domError('OverconstrainedError');
        return fakeStream('a').stream;
      },
    });
    await stale.camera.start();
    expect(stale.constraints).toHaveLength(2);
    expect(stale.constraints[1]!.video).not.toHaveProperty('deviceId');
    expect(stale.camera.getSnapshot().status).toEqual({ kind: 'scanning' });
  });

  it('stops the camera when the window is hidden and reopens it when shown', async () => {
    const r = rig();
    await r.camera.start();
    r.camera.pause();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'paused' });
    expect(r.tracks[0]!.stopped).toBe(true);
    expect(r.video.srcObject).toBeNull();
    expect(r.waitingForFrame).toBe(0);
    r.camera.resume();
    await flush();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'scanning' });
    expect(r.tracks).toHaveLength(2);
  });

  it('closing while the camera is opening stops the stream that arrives late', async () => {
    let resolve!: (s: MediaStream) => void;
    const late = fakeStream('cam-a');
    const r = rig({ getUserMedia: () => new Promise((res) => (resolve = res)) });
    const listener = vi.fn();
    r.camera.subscribe(listener);
    const starting = r.camera.start();
    await flush();
    r.camera.dispose();
    resolve(late.stream);
    await starting;
    expect(late.track.stopped).toBe(true);
    expect(r.video).toMatchObject({ srcObject: null });
    expect(r.camera.getSnapshot().status.kind).toBe('starting');
  });

  it('a camera unplugged while scanning turns into a clear state', async () => {
    const r = rig();
    await r.camera.start();
    r.setCameras([]);
    r.tracks[0]!.end();
    await flush();
    expect(r.camera.getSnapshot().status).toEqual({ kind: 'problem', problem: 'no-camera' });
  });

  it('shows the low-light hint after dark frames and hides it in good light', async () => {
    const dark = Array.from({ length: 8 }, () => ({ luminance: 20 }));
    const bright = Array.from({ length: 8 }, () => ({ luminance: 140 }));
    const r = rig({ results: [...dark, ...bright] });
    await r.camera.start();
    await r.frames(7);
    expect(r.camera.getSnapshot().lowLight).toBe(false);
    await r.frames(1);
    expect(r.camera.getSnapshot().lowLight).toBe(true);
    await r.frames(8);
    expect(r.camera.getSnapshot().lowLight).toBe(false);
  });

  it('stops scanning and says so when the decoder worker is gone for good', async () => {
    const r = rig();
    await r.camera.start();
    r.decoder.decode.mockImplementation(() => Promise.reject(new ScanWorkerError('unavailable', 'x')));
    await r.frames(1);
    expect(r.camera.getSnapshot().readerFailed).toBe(true);
    expect(r.waitingForFrame).toBe(0);
  });
});

class FakeWorker implements WorkerLike {
  static all: FakeWorker[] = [];
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: ErrorEvent | Event) => void) | null = null;
  posted: { message: DecodeRequest; transfer: Transferable[] }[] = [];
  terminated = false;
  constructor() {
    FakeWorker.all.push(this);
  }
  postMessage(message: DecodeRequest, transfer: Transferable[]) {
    this.posted.push({ message, transfer });
  }
  terminate() {
    this.terminated = true;
  }
  reply(data: unknown) {
    this.onmessage?.({ data } as MessageEvent);
  }
}

const frame = () => ({ data: new Uint8ClampedArray(16), width: 2, height: 2 });

describe('scan worker client', () => {
  it('posts the frame with its buffer transferred and resolves with the reply', async () => {
    FakeWorker.all = [];
    const client = new ScanWorkerClient(() => new FakeWorker());
    const f = frame();
    const p = client.decode(f, 'image');
    const w = FakeWorker.all[0]!;
    const { message, transfer } = w.posted[0]!;
    expect(message).toMatchObject({ type: 'decode', mode: 'image', width: 2, height: 2 });
    expect(transfer).toEqual([message.buffer]);
    expect(message.buffer).toBe(f.data.buffer);
    w.reply({ type: 'result', id: message.id + 1000, text: 'wrong id', luminance: 0, ms: 0 }); // ignored
    w.reply({ type: 'result', id: message.id, text: 'hello', luminance: 99, ms: 3 });
    await expect(p).resolves.toMatchObject({ text: 'hello', luminance: 99 });
    // A view onto part of a buffer is copied, so the rest of that buffer isn't taken away.
    const big = new Uint8ClampedArray(64);
    void client.decode({ data: big.subarray(0, 16), width: 2, height: 2 }, 'camera').catch(() => undefined);
    expect(w.posted[1]!.message.buffer).not.toBe(big.buffer);
    expect(w.posted[1]!.message.buffer.byteLength).toBe(16);
    client.dispose();
  });

  it('a decoder refusal rejects that frame only; the worker stays', async () => {
    FakeWorker.all = [];
    const client = new ScanWorkerClient(() => new FakeWorker());
    const p = client.decode(frame(), 'camera');
    const w = FakeWorker.all[0]!;
    w.reply({ type: 'error', id: w.posted[0]!.message.id, message: 'bad frame' });
    await expect(p).rejects.toMatchObject({ kind: 'decoder', message: 'bad frame' });
    expect(w.terminated).toBe(false);
    void client.decode(frame(), 'camera').catch(() => undefined);
    expect(FakeWorker.all).toHaveLength(1);
    client.dispose();
  });

  it('a hung worker is terminated after the timeout and replaced on the next call', async () => {
    vi.useFakeTimers();
    try {
      FakeWorker.all = [];
      const client = new ScanWorkerClient(() => new FakeWorker(), { timeoutMs: 1000 });
      const p = client.decode(frame(), 'camera');
      const assertion = expect(p).rejects.toMatchObject({ kind: 'timeout' });
      await vi.advanceTimersByTimeAsync(1001);
      await assertion;
      expect(FakeWorker.all[0]!.terminated).toBe(true);
      const q = client.decode(frame(), 'camera');
      expect(FakeWorker.all).toHaveLength(2);
      const w = FakeWorker.all[1]!;
      w.reply({ type: 'result', id: w.posted[0]!.message.id, text: null, luminance: 1, ms: 1 });
      await expect(q).resolves.toMatchObject({ text: null });
      client.dispose();

      // A still image gets the thorough search: it has longer before it counts as stuck.
      const slow = new ScanWorkerClient(() => new FakeWorker(), { timeoutMs: 1000, imageTimeoutMs: 10_000 });
      const img = slow.decode(frame(), 'image');
      await vi.advanceTimersByTimeAsync(5000);
      const iw = FakeWorker.all.at(-1)!;
      expect(iw.terminated).toBe(false);
      iw.reply({ type: 'result', id: iw.posted[0]!.message.id, text: 'late but fine', luminance: 1, ms: 5000 });
      await expect(img).resolves.toMatchObject({ text: 'late but fine' });
      slow.dispose();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up with "unavailable" after repeated crashes instead of restarting forever', async () => {
    FakeWorker.all = [];
    const client = new ScanWorkerClient(() => new FakeWorker(), { maxRestarts: 2 });
    for (let i = 0; i < 3; i++) {
      const p = client.decode(frame(), 'camera');
      FakeWorker.all.at(-1)!.onerror?.({ message: 'SyntaxError in worker', preventDefault() {} } as unknown as ErrorEvent);
      await expect(p).rejects.toMatchObject({ kind: 'crashed', message: 'SyntaxError in worker' });
    }
    await expect(client.decode(frame(), 'camera')).rejects.toMatchObject({ kind: 'unavailable' });
    expect(FakeWorker.all).toHaveLength(3);
    client.dispose();
    await expect(client.decode(frame(), 'camera')).rejects.toMatchObject({ kind: 'disposed' });
  });

  it('dispose rejects what is pending and terminates the worker', async () => {
    FakeWorker.all = [];
    const client = new ScanWorkerClient(() => new FakeWorker());
    const p = client.decode(frame(), 'camera');
    client.dispose();
    await expect(p).rejects.toBeInstanceOf(ScanWorkerError);
    expect(FakeWorker.all[0]!.terminated).toBe(true);
  });
});
