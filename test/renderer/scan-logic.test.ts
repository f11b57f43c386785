import { describe, expect, it, vi } from 'vitest';
import { cameraConstraints, cameraProblemOf, camerasOf, chooseCamera } from '../../src/renderer/features/scan/camera-state';
import { DuplicateFilter } from '../../src/renderer/features/scan/dedupe';
import { centreCrop, fitWithin, SCAN_MAX_SIDE, SCAN_REGION_FRACTION, viewfinderBox } from '../../src/renderer/features/scan/geometry';
import { firstImage, IMAGE_MAX_BYTES, imageFileProblem } from '../../src/renderer/features/scan/image-source';
import { LowLightDetector, meanLuminance } from '../../src/renderer/features/scan/light';
import { isDecodeRequest, isWorkerReply } from '../../src/renderer/features/scan/protocol';
import { FrameScheduler, videoFrameSource, type FrameSource } from '../../src/renderer/features/scan/scheduler';

/** A frame source the test ticks by hand. */
function manualSource() {
  const waiting = new Set<() => void>();
  let requests = 0;
  const source: FrameSource = {
    next(cb) {
      requests++;
      waiting.add(cb);
      return () => waiting.delete(cb);
    },
  };
  return {
    source,
    get waiting() {
      return waiting.size;
    },
    get requests() {
      return requests;
    },
    /** Delivers one frame to whoever waits. */
    tick() {
      const cbs = [...waiting];
      waiting.clear();
      for (const cb of cbs) cb();
    },
  };
}

function deferred() {
  let resolve!: () => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('frame scheduler: paced, one frame in flight', () => {
  it('never starts a frame while the previous one is being decoded, and asks for no frames meanwhile', async () => {
    const frames = manualSource();
    let clock = 0;
    const jobs: ReturnType<typeof deferred>[] = [];
    const s = new FrameScheduler({
      source: frames.source,
      now: () => clock,
      minIntervalMs: 0,
      process: () => {
        const d = deferred();
        jobs.push(d);
        return d.promise;
      },
    });
    s.start();
    frames.tick();
    expect(jobs).toHaveLength(1);
    expect(s.busy).toBe(true);
    // While in flight nobody waits for a frame: the camera's frames go by undecoded.
    expect(frames.waiting).toBe(0);
    frames.tick();
    frames.tick();
    expect(jobs).toHaveLength(1);
    jobs[0]!.resolve();
    await flush();
    expect(s.busy).toBe(false);
    expect(frames.waiting).toBe(1);
    clock += 10;
    frames.tick();
    expect(jobs).toHaveLength(2);
    expect(s.stats.started).toBe(2);
  });

  it('drops frames that come sooner than minIntervalMs after the last start', async () => {
    const frames = manualSource();
    let clock = 1000;
    const process = vi.fn(() => Promise.resolve());
    const s = new FrameScheduler({ source: frames.source, now: () => clock, minIntervalMs: 66, process });
    s.start();
    frames.tick(); // t=1000: decoded
    await flush();
    for (const t of [1016, 1033, 1050]) {
      clock = t;
      frames.tick();
      await flush();
    }
    expect(process).toHaveBeenCalledTimes(1);
    expect(s.stats.paced).toBe(3);
    clock = 1066;
    frames.tick();
    await flush();
    expect(process).toHaveBeenCalledTimes(2);
  });

  it('keeps going after a frame fails, reporting the error', async () => {
    const frames = manualSource();
    const errors: unknown[] = [];
    let n = 0;
    const s = new FrameScheduler({
      source: frames.source,
      now: () => n * 100,
      minIntervalMs: 0,
      process: () => {
        n++;
        if (n === 1) return Promise.reject(new Error('bad frame'));
        if (n === 2) throw new Error('sync throw');
        return Promise.resolve();
      },
      onError: (e) => errors.push(e),
    });
    s.start();
    for (let i = 0; i < 3; i++) {
      frames.tick();
      await flush();
    }
    expect(n).toBe(3);
    expect(errors.map((e) => (e as Error).message)).toEqual(['bad frame', 'sync throw']);
  });

  it('stop cancels the pending frame request; a frame settling after stop asks for nothing', async () => {
    const frames = manualSource();
    const d = deferred();
    const s = new FrameScheduler({ source: frames.source, now: () => 0, minIntervalMs: 0, process: () => d.promise });
    s.start();
    frames.tick();
    s.stop();
    d.resolve();
    await flush();
    expect(frames.waiting).toBe(0);
    const idle = new FrameScheduler({ source: frames.source, now: () => 0, minIntervalMs: 0, process: () => Promise.resolve() });
    idle.start();
    expect(frames.waiting).toBe(1);
    idle.stop();
    expect(frames.waiting).toBe(0);
    expect(idle.isRunning).toBe(false);
  });

  it('start twice does not double the loop', () => {
    const frames = manualSource();
    const s = new FrameScheduler({ source: frames.source, now: () => 0, minIntervalMs: 0, process: () => Promise.resolve() });
    s.start();
    s.start();
    expect(frames.requests).toBe(1);
    expect(() => new FrameScheduler({ source: frames.source, now: () => 0, minIntervalMs: -1, process: () => Promise.resolve() })).toThrow(RangeError);
  });

  it('paces by requestVideoFrameCallback when the video has it, else by animation frames', () => {
    const rvfc = vi.fn((_cb: () => void) => 7);
    const cancelRvfc = vi.fn();
    const raf = { requestAnimationFrame: vi.fn((_cb: () => void) => 3), cancelAnimationFrame: vi.fn() };
    const cancel = videoFrameSource({ requestVideoFrameCallback: rvfc, cancelVideoFrameCallback: cancelRvfc }, raf).next(() => undefined);
    cancel();
    expect(rvfc).toHaveBeenCalledTimes(1);
    expect(cancelRvfc).toHaveBeenCalledWith(7);
    expect(raf.requestAnimationFrame).not.toHaveBeenCalled();
    const cancel2 = videoFrameSource({}, raf).next(() => undefined);
    cancel2();
    expect(raf.requestAnimationFrame).toHaveBeenCalledTimes(1);
    expect(raf.cancelAnimationFrame).toHaveBeenCalledWith(3);
  });
});

describe('duplicate suppression', () => {
  it('reports a code once while it stays in view, again after it was away for a while', () => {
    const f = new DuplicateFilter(3000);
    expect(f.accept('A', 0)).toBe(true);
    // Seen every 100 ms for 10 s: never reported again (it never left).
    for (let t = 100; t <= 10_000; t += 100) expect(f.accept('A', t)).toBe(false);
    // A different code is reported at once, even while A is around.
    expect(f.accept('B', 10_050)).toBe(true);
    // A away for less than 3 s: still the same showing.
    expect(f.accept('A', 12_500)).toBe(false);
    // Away for more than 3 s: a new showing.
    expect(f.accept('A', 15_600)).toBe(true);
    f.reset();
    expect(f.accept('A', 15_700)).toBe(true);
    expect(() => new DuplicateFilter(-1)).toThrow(RangeError);
  });
});

describe('crop geometry', () => {
  it('takes the centre square of the shorter side and downscales it to at most SCAN_MAX_SIDE', () => {
    const c = centreCrop(1280, 720)!;
    const side = Math.round(720 * SCAN_REGION_FRACTION);
    expect(c).toEqual({ sx: (1280 - side) / 2, sy: (720 - side) / 2, sw: side, sh: side, dw: Math.min(side, SCAN_MAX_SIDE), dh: Math.min(side, SCAN_MAX_SIDE) });
    const big = centreCrop(3840, 2160)!;
    expect(big.sw).toBe(1728);
    expect(big.dw).toBe(SCAN_MAX_SIDE);
    // Portrait video too; the square stays inside the frame.
    const p = centreCrop(480, 640)!;
    expect(p.sw).toBe(384);
    expect(p.sx).toBe(48);
    expect(p.sy).toBe(128);
    expect(p.sx + p.sw).toBeLessThanOrEqual(480);
    expect(p.sy + p.sh).toBeLessThanOrEqual(640);
    // Tiny frames are never upscaled.
    expect(centreCrop(10, 10)).toEqual({ sx: 1, sy: 1, sw: 8, sh: 8, dw: 8, dh: 8 });
    expect(centreCrop(1, 1)).toEqual({ sx: 0, sy: 0, sw: 1, sh: 1, dw: 1, dh: 1 });
  });

  it('is null while the video has no size, and refuses nonsense options', () => {
    expect(centreCrop(0, 0)).toBeNull();
    expect(centreCrop(Number.NaN, 720)).toBeNull();
    expect(centreCrop(Infinity, 720)).toBeNull();
    expect(() => centreCrop(640, 480, 0)).toThrow(RangeError);
    expect(() => centreCrop(640, 480, 1.5)).toThrow(RangeError);
    expect(() => centreCrop(640, 480, 0.5, 0)).toThrow(RangeError);
  });

  it('the viewfinder overlay covers exactly the decoded region', () => {
    const c = centreCrop(1280, 720)!;
    const box = viewfinderBox(c, 1280, 720);
    expect(box.top).toBeCloseTo(10, 5);
    expect(box.height).toBeCloseTo(80, 5);
    expect(box.left + box.width / 2).toBeCloseTo(50, 1);
    expect((box.width / 100) * 1280).toBeCloseTo((box.height / 100) * 720, 5);
  });

  it('fits still images within a maximum side without upscaling', () => {
    expect(fitWithin(4000, 3000, 2400)).toEqual({ width: 2400, height: 1800 });
    expect(fitWithin(300, 200, 2400)).toEqual({ width: 300, height: 200 });
    expect(fitWithin(10_000, 1, 100)).toEqual({ width: 100, height: 1 });
    expect(() => fitWithin(0, 10, 100)).toThrow(RangeError);
  });
});

describe('low-light detector', () => {
  const frame = (w: number, h: number, v: number) => new Uint8ClampedArray(w * h * 4).fill(v);

  it('measures mean luma of an RGBA frame', () => {
    expect(meanLuminance(frame(8, 8, 0), 8, 8)).toBe(0);
    expect(meanLuminance(frame(8, 8, 255), 8, 8)).toBeCloseTo(255, 5);
    const red = new Uint8ClampedArray(4 * 4 * 4);
    for (let i = 0; i < red.length; i += 4) red[i] = 255;
    expect(meanLuminance(red, 4, 4, 1)).toBeCloseTo(0.299 * 255, 5);
    // Half black, half white rows.
    const half = new Uint8ClampedArray(16 * 16 * 4);
    half.fill(255, 0, 8 * 16 * 4);
    expect(meanLuminance(half, 16, 16, 1)).toBeCloseTo(127.5, 5);
    expect(() => meanLuminance(new Uint8ClampedArray(10), 8, 8)).toThrow(RangeError);
  });

  it('shows the hint only after a window of dark frames, and clears it with hysteresis', () => {
    const d = new LowLightDetector({ window: 4, darkBelow: 45, brightAbove: 60 });
    expect([20, 20, 20].map((v) => d.push(v))).toEqual([false, false, false]);
    expect(d.push(20)).toBe(true);
    // Between the two thresholds nothing changes (no flicker).
    for (let i = 0; i < 6; i++) expect(d.push(52)).toBe(true);
    expect(d.push(66)).toBe(true); // window 52 52 52 66: mean 55.5, still below brightAbove
    expect(d.push(66)).toBe(true); // 52 52 66 66: 59
    expect(d.push(66)).toBe(false); // 52 66 66 66: 62.5 > 60
    for (let i = 0; i < 10; i++) expect(d.push(50)).toBe(false);
    // One dark frame (a hand passing) does not trigger it.
    const e = new LowLightDetector({ window: 8 });
    for (let i = 0; i < 8; i++) e.push(120);
    expect(e.push(0)).toBe(false);
    expect(e.push(Number.NaN)).toBe(false);
    e.reset();
    expect(e.isDark).toBe(false);
    expect(() => new LowLightDetector({ darkBelow: 60, brightAbove: 50 })).toThrow(RangeError);
  });
});

describe('camera errors → states', () => {
  const dom = (name: string) => Object.assign(new Error('x'), { name });

  it('maps every getUserMedia failure to a problem the panel explains', () => {
    expect(cameraProblemOf(dom('NotAllowedError'))).toBe('denied');
    expect(cameraProblemOf(dom('PermissionDeniedError'))).toBe('denied');
    expect(cameraProblemOf(dom('SecurityError'))).toBe('denied');
    expect(cameraProblemOf(dom('NotFoundError'))).toBe('no-camera');
    expect(cameraProblemOf(dom('DevicesNotFoundError'))).toBe('no-camera');
    expect(cameraProblemOf(dom('OverconstrainedError'))).toBe('no-camera');
    expect(cameraProblemOf(dom('NotReadableError'))).toBe('in-use');
    expect(cameraProblemOf(dom('TrackStartError'))).toBe('in-use');
    expect(cameraProblemOf(dom('AbortError'))).toBe('in-use');
    expect(cameraProblemOf(dom('NotSupportedError'))).toBe('unsupported');
    expect(cameraProblemOf(dom('TypeError'))).toBe('failed');
    expect(cameraProblemOf(new TypeError('no constraints'))).toBe('failed');
    expect(cameraProblemOf('a string')).toBe('failed');
    expect(cameraProblemOf(null)).toBe('failed');
    expect(cameraProblemOf({ name: 42 })).toBe('failed');
  });

  it('opens the remembered camera only while it is plugged in', () => {
    const cams = camerasOf([
      { kind: 'audioinput', deviceId: 'mic', label: 'Mic' },
      { kind: 'videoinput', deviceId: 'a', label: 'Front' },
      { kind: 'videoinput', deviceId: 'b', label: 'USB' },
    ]);
    expect(cams).toEqual([
      { deviceId: 'a', label: 'Front' },
      { deviceId: 'b', label: 'USB' },
    ]);
    expect(chooseCamera(cams, 'b')).toBe('b');
    expect(chooseCamera(cams, 'gone')).toBeNull();
    expect(chooseCamera(cams, null)).toBeNull();
    expect(chooseCamera(cams, 'mic')).toBeNull();
    expect(cameraConstraints('b')).toMatchObject({ audio: false, video: { deviceId: { exact: 'b' } } });
    expect(cameraConstraints(null)).toMatchObject({ audio: false, video: { width: { ideal: 1280 } } });
  });
});

describe('images and worker messages', () => {
  it('checks a file before reading it', () => {
    expect(imageFileProblem({ type: 'image/png', size: 1000 })).toBeNull();
    expect(imageFileProblem({ type: '', size: 1000 })).toBeNull(); // unknown type: given a try
    expect(imageFileProblem({ type: 'application/pdf', size: 1000 })).toBe('not-image');
    expect(imageFileProblem({ type: 'image/jpeg', size: IMAGE_MAX_BYTES + 1 })).toBe('too-large');
    expect(firstImage([{ type: 'text/plain' }, { type: 'image/png' }])).toEqual({ type: 'image/png' });
    expect(firstImage([{ type: 'text/plain' }])).toEqual({ type: 'text/plain' });
    expect(firstImage([])).toBeNull();
  });

  it('recognizes only well-formed worker messages', () => {
    expect(isDecodeRequest({ type: 'decode', id: 1, mode: 'camera', width: 2, height: 2, buffer: new ArrayBuffer(16) })).toBe(true);
    expect(isDecodeRequest({ type: 'decode', id: 1, mode: 'video', width: 2, height: 2, buffer: new ArrayBuffer(16) })).toBe(false);
    expect(isDecodeRequest({ type: 'decode', id: 1, mode: 'image', width: 2, height: 2, buffer: new Uint8Array(16) })).toBe(false);
    expect(isDecodeRequest(null)).toBe(false);
    expect(isWorkerReply({ type: 'result', id: 1, text: null, luminance: 3, ms: 1 })).toBe(true);
    expect(isWorkerReply({ type: 'result', id: 1, text: 5, luminance: 3, ms: 1 })).toBe(false);
    expect(isWorkerReply({ type: 'error', id: 1, message: 'x' })).toBe(true);
    expect(isWorkerReply({ type: 'error', id: '1', message: 'x' })).toBe(false);
  });
});
