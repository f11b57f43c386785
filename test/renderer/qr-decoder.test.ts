import { encode } from 'uqr';
import { beforeAll, describe, expect, it } from 'vitest';
import { CAMERA_STEPS, createQrDecoder, type QrDecoder } from '../../src/renderer/features/scan/decoder/decode';
import { double, edgeCount, grayRegion, fullRect, tileRects, type RgbaFrame } from '../../src/renderer/features/scan/decoder/frame';
import { loadQrFixture, loadZxingWasm } from './support/zxing-wasm';

/** Draw a QR code: `px` pixels a module, rotated by `angle`, centred at (cx, cy) on a grey frame. */
function drawCode(
  text: string,
  o: { ecc?: 'L' | 'M' | 'Q' | 'H'; minVersion?: number; px: number; angle?: number; width?: number; height?: number; cx?: number; cy?: number; invert?: boolean },
): RgbaFrame {
  const qr = encode(text, { ecc: o.ecc ?? 'M', minVersion: o.minVersion ?? 1, border: 0 });
  const n = qr.size;
  const quiet = 4;
  const side = (n + 2 * quiet) * o.px;
  const width = o.width ?? Math.ceil(side * 1.5);
  const height = o.height ?? Math.ceil(side * 1.5);
  const cx = o.cx ?? width / 2;
  const cy = o.cy ?? height / 2;
  const [c, s] = [Math.cos(-(o.angle ?? 0)), Math.sin(-(o.angle ?? 0))];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      // Back-rotate the pixel into code space, in modules from the code's top-left corner.
      const dx = x + 0.5 - cx;
      const dy = y + 0.5 - cy;
      const u = (dx * c - dy * s) / o.px + n / 2;
      const v = (dx * s + dy * c) / o.px + n / 2;
      let value = 140; // background
      if (u >= -quiet && v >= -quiet && u < n + quiet && v < n + quiet) {
        const dark = u >= 0 && v >= 0 && u < n && v < n && qr.data[Math.floor(v)]![Math.floor(u)]!;
        value = dark !== Boolean(o.invert) ? 20 : 235;
      }
      const i = (y * width + x) * 4;
      data[i] = data[i + 1] = data[i + 2] = value;
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

/** Seeded noise frame (no code in it). */
function noiseFrame(width: number, height: number, seed: number): RgbaFrame {
  let a = seed;
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i += 4) {
    a = (Math.imul(a, 1664525) + 1013904223) >>> 0;
    data[i] = data[i + 1] = data[i + 2] = a >>> 24;
    data[i + 3] = 255;
  }
  return { data, width, height };
}

const INVITE = 'muster://join/eyJvIjoiZGVtbyIsImciOiI3ZjNhIn0.Qm9ndXMgc2lnbmF0dXJlIGZvciB0ZXN0cw';

describe('QR decoder', () => {
  let still: QrDecoder;
  let camera: QrDecoder;
  let jsqrOnly: QrDecoder;
  beforeAll(async () => {
    const wasm = await loadZxingWasm();
    still = await createQrDecoder({ wasm });
    camera = await createQrDecoder({ wasm, mode: 'camera' });
    jsqrOnly = await createQrDecoder();
  });

  it('uses zxing-wasm and jsqr when given the .wasm, jsqr alone without it', () => {
    expect(still.engines).toEqual(['zxing', 'jsqr']);
    expect(still.mode).toBe('still');
    expect(jsqrOnly.engines).toEqual(['jsqr']);
  });

  it.each([
    { ecc: 'L', minVersion: 1, text: 'hello' },
    { ecc: 'M', minVersion: 4, text: INVITE },
    { ecc: 'Q', minVersion: 7, text: `https://muster.example.com/join/${'x'.repeat(60)}` },
    { ecc: 'H', minVersion: 10, text: '扫码入群 研发中心 — Muster' },
  ] as const)('reads version ≥ $minVersion, ECC $ecc', async ({ ecc, minVersion, text }) => {
    const frame = drawCode(text, { ecc, minVersion, px: 4 });
    expect(await still.decode(frame)).toBe(text);
    expect(await jsqrOnly.decode(frame)).toBe(text);
  });

  it('reads rotated, inverted and small codes', async () => {
    expect(await still.decode(drawCode(INVITE, { px: 5, angle: 0.6 }))).toBe(INVITE);
    expect(await still.decode(drawCode(INVITE, { px: 5, angle: Math.PI }))).toBe(INVITE);
    expect(await still.decode(drawCode(INVITE, { px: 4, invert: true }))).toBe(INVITE);
    // 2 px a module, the smallest a phone photo of a printed code usually gives.
    expect(await still.decode(drawCode('small', { px: 2, width: 320, height: 240 }))).toBe('small');
  });

  it('runs on one engine when asked (the benchmark compares them)', async () => {
    const zxingOnly = await createQrDecoder({ wasm: await loadZxingWasm(), engines: ['zxing'] });
    expect(zxingOnly.engines).toEqual(['zxing']);
    expect(await zxingOnly.decode(drawCode('only zxing', { px: 4 }))).toBe('only zxing');
    const jsqr = await createQrDecoder({ wasm: await loadZxingWasm(), engines: ['jsqr'] });
    expect(jsqr.engines).toEqual(['jsqr']);
    expect(await jsqr.decode(drawCode('only jsqr', { px: 4, angle: 0.4 }))).toBe('only jsqr');
  });

  it('falls back to jsqr on what zxing-wasm misses (a steep perspective, test/fixtures/qr)', async () => {
    const { frame, text } = await loadQrFixture('steep-perspective');
    const zxingOnly = await createQrDecoder({ wasm: await loadZxingWasm(), engines: ['zxing'] });
    expect(await zxingOnly.decode(frame)).toBeNull();
    expect(await still.decode(frame)).toBe(text);
  });

  it('returns null on noise and on blank frames, in both modes', async () => {
    for (const frame of [noiseFrame(640, 480, 1), noiseFrame(1280, 720, 2), { data: new Uint8ClampedArray(320 * 240 * 4).fill(255), width: 320, height: 240 }]) {
      expect(await still.decode(frame)).toBeNull();
      for (let k = 0; k < CAMERA_STEPS.length; k++) expect(await camera.decode(frame)).toBeNull();
    }
    expect(await still.decode({ data: new Uint8ClampedArray(4), width: 1, height: 1 })).toBeNull();
  });

  it('throws a RangeError on a malformed frame instead of hanging', async () => {
    const bad: [unknown, RegExp][] = [
      [{ data: new Uint8ClampedArray(10), width: 2, height: 2 }, /has 10 bytes but a 2×2 RGBA frame needs 16/],
      [{ data: new Uint8ClampedArray(0), width: 0, height: 0 }, /width must be a positive integer/],
      [{ data: new Uint8ClampedArray(16), width: 2.5, height: 2 }, /width must be a positive integer/],
      [{ data: new Uint8ClampedArray(16), width: 2, height: -2 }, /height must be a positive integer/],
      [{ data: new Uint8ClampedArray(16), width: 2, height: Number.NaN }, /height must be a positive integer/],
      [{ data: new Uint8ClampedArray(4), width: 100_000, height: 1 }, /larger than 16384 px/],
      [{ data: new Uint8ClampedArray(4), width: 16_000, height: 16_000 }, /more than \d+ pixels/],
    ];
    for (const [frame, message] of bad) {
      await expect(still.decode(frame as RgbaFrame)).rejects.toThrow(RangeError);
      await expect(camera.decode(frame as RgbaFrame)).rejects.toThrow(message);
    }
    await expect(still.decode({ data: [0, 0, 0, 255], width: 1, height: 1 } as unknown as RgbaFrame)).rejects.toThrow(TypeError);
    await expect(still.decode(null as unknown as RgbaFrame)).rejects.toThrow(TypeError);
  });

  it('refuses bad options with a clear error', async () => {
    await expect(createQrDecoder({ engines: ['zxing'] })).rejects.toThrow(/needs options.wasm/);
    await expect(createQrDecoder({ engines: [] })).rejects.toThrow(RangeError);
    await expect(createQrDecoder({ mode: 'video' as 'camera' })).rejects.toThrow(/unknown mode/);
    await expect(createQrDecoder({ wasm: () => Promise.reject(new Error('404')) })).rejects.toThrow(/could not load the zxing-wasm module: 404/);
    await expect(createQrDecoder({ wasm: new TextEncoder().encode('<html>not found</html>') })).rejects.toThrow(/not a WebAssembly module/);
  });

  it('camera mode finds a code held in the viewfinder of a 1280×720 frame within one round of strategies', async () => {
    const frame = drawCode(INVITE, { px: 6, angle: 0.3, width: 1280, height: 720 });
    let found: string | null = null;
    for (let k = 0; k < CAMERA_STEPS.length && found === null; k++) found = await camera.decode(frame);
    expect(found).toBe(INVITE);
    // Each single call decodes or misses; the main pass alone reads a clear code on its own.
    const fresh = await createQrDecoder({ wasm: await loadZxingWasm(), mode: 'camera' });
    expect(await fresh.decode(frame)).toBe(INVITE);
  });

  it('camera mode looks at the centre: a code in the corner of a wide frame is left to the still mode', async () => {
    const corner = drawCode('corner', { px: 4, width: 1280, height: 720, cx: 100, cy: 100 });
    for (let k = 0; k < CAMERA_STEPS.length; k++) expect(await camera.decode(corner)).toBeNull();
    expect(await still.decode(corner)).toBe('corner');
  });

  it('reads a small off-centre code in a 12 MP photo (native-resolution tiles)', async () => {
    // 2 px a module, ~90 px across in a 4000 px frame: 1 px a module once the whole photo is
    // scaled to the working size, so only the tile search can read it.
    const frame = drawCode(INVITE, { px: 2, width: 4000, height: 3000, cx: 3100, cy: 650 });
    expect(await still.decode(frame)).toBe(INVITE);
    // The same code scaled to 2000 px (what the whole-image passes see) is beyond them.
    const half = { data: new Uint8ClampedArray(2000 * 1500 * 4), width: 2000, height: 1500 };
    const g = grayRegion(frame, fullRect(frame), 2);
    for (let i = 0; i < g.data.length; i++) half.data.set([g.data[i]!, g.data[i]!, g.data[i]!, 255], i * 4);
    expect(await still.decode(half)).toBeNull();
  }, 30_000);

  it('gives up on a 12 MP photo without a code: blank tiles are skipped, the budget stops the tile search', async () => {
    // A clock the test moves: time is a count of readings here, not the machine's speed
    // (the budget in milliseconds is measured by npm run bench:qr).
    let readings = 0;
    // Reading n of the clock says `at(n)` ms; the first reading of a decode sets its deadline.
    const decoderWith = (at: (n: number) => number) =>
      createQrDecoder({ mode: 'still', wasm: wasm!, clock: () => at(readings++) });
    const wasm = await loadZxingWasm();
    const onTime = await decoderWith(() => 0);
    const blank = { data: new Uint8ClampedArray(4032 * 3024 * 4).fill(200), width: 4032, height: 3024 };
    readings = 0;
    expect(await onTime.decode(blank)).toBeNull();
    const blankReadings = readings; // no busy tile: no tile was tried
    // Noise keeps every tile busy: within the budget the search goes on tile after tile...
    // (an image just over the size where the tile search starts keeps the test short)
    const noise = noiseFrame(2600, 2100, 3);
    readings = 0;
    expect(await onTime.decode(noise)).toBeNull();
    expect(readings).toBeGreaterThan(blankReadings + 10);
    // ...and once the deadline has passed it stops at the next tile.
    const late = await decoderWith((n) => (n === 0 ? 0 : 1e12));
    readings = 0;
    expect(await late.decode(noise)).toBeNull();
    expect(readings).toBeLessThanOrEqual(3);
  }, 60_000);

  it('decodes the same frame the same way every time in still mode (no state between calls)', async () => {
    const frame = drawCode(INVITE, { px: 3, angle: 1.1 });
    const first = await still.decode(frame);
    expect(first).toBe(INVITE);
    expect(await still.decode(frame)).toBe(first);
  });
});

describe('decoder image helpers', () => {
  it('tiles a large image with the overlap asked for, edge to edge', () => {
    const tiles = tileRects(4032, 3024, 1024, 384);
    expect(tiles.every((t) => t.width === 1024 && t.height === 1024)).toBe(true);
    const xs = [...new Set(tiles.map((t) => t.x))].sort((a, b) => a - b);
    const ys = [...new Set(tiles.map((t) => t.y))].sort((a, b) => a - b);
    expect(tiles).toHaveLength(xs.length * ys.length);
    expect([xs[0], xs.at(-1)! + 1024, ys[0], ys.at(-1)! + 1024]).toEqual([0, 4032, 0, 3024]);
    for (const s of [xs, ys]) for (let i = 1; i < s.length; i++) expect(s[i - 1]! + 1024 - s[i]!).toBeGreaterThanOrEqual(384);
    // An image smaller than a tile is one tile of its own size.
    expect(tileRects(300, 200, 1024, 384)).toEqual([{ x: 0, y: 0, width: 300, height: 200 }]);
  });

  it('counts strong edges: none on a flat image, many on a code', () => {
    const flat = grayRegion({ data: new Uint8ClampedArray(64 * 64 * 4).fill(180), width: 64, height: 64 }, { x: 0, y: 0, width: 64, height: 64 }, 1);
    expect(edgeCount(flat, { x: 0, y: 0, width: 64, height: 64 })).toBe(0);
    const code = drawCode('edges', { px: 3 });
    const g = grayRegion(code, fullRect(code), 1);
    expect(edgeCount(g, fullRect(g))).toBeGreaterThan(200);
  });


  it('box-filters to grey and doubles without shifting the picture', () => {
    const frame: RgbaFrame = { data: new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 255, 0, 0, 0, 255, 255, 255, 255, 255]), width: 2, height: 2 };
    const full = grayRegion(frame, fullRect(frame), 1);
    expect([...full.data]).toEqual([0, 255, 0, 255]);
    const half = grayRegion(frame, fullRect(frame), 2);
    expect(half.width).toBe(1);
    expect(half.data[0]).toBeGreaterThan(120);
    expect(half.data[0]).toBeLessThan(135);
    const big = double(full);
    expect([big.width, big.height]).toEqual([4, 4]);
    expect(big.data[0]).toBe(0);
    expect(big.data[3]).toBe(255);
  });
});
