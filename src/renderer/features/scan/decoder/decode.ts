/**
 * The QR decoder: one plain module that takes an RGBA frame and returns the text or null, so it
 * runs the same in the scan Web Worker, in Node tests and in `npm run bench:qr` (issue 6 point 5).
 *
 *   const decoder = await createQrDecoder({ mode: 'camera', wasm: () => fetch(url).then((r) => r.arrayBuffer()) });
 *   const text = await decoder.decode({ data, width, height }); // string | null
 *
 * Engines: zxing-wasm (ZXing-C++ compiled to WebAssembly) leads and jsqr (pure JS) backs it up —
 * each reads codes the other misses; docs/performance.md ("QR decoding") has the measurements
 * behind the pipeline. The module never fetches anything: the caller hands in the .wasm bytes (or
 * a function that loads them) — in the renderer a Vite `?url` asset, in Node the file from
 * node_modules (bench/qr/wasm.ts). Without `wasm` the decoder is jsqr only (`decoder.engines`).
 *
 * Modes:
 *   camera  a live video frame, decoded within a few milliseconds: the centre square of the frame
 *           (where the viewfinder is) downscaled to a working size, ONE engine pass per frame, the
 *           strategy changing from frame to frame (main pass, native-resolution centre, the other
 *           binarizer, jsqr) — the next frame is another chance, so six frames try everything.
 *           A decoder in camera mode keeps that rotation: use one decoder per video stream.
 *   still   an image file or a pasted screenshot, decoded once: several scales, both binarizers,
 *           inverted codes, rotation, and jsqr on whatever zxing missed; in a photo larger than
 *           STILL_MAX_SIDE, a search of tiles at twice and at native resolution (a small code in
 *           a 12 MP photo), busiest tiles first, within STILL_BUDGET_MS.
 */
import jsQR from 'jsqr';
import { assertFrame, centreSquare, double, edgeCount, fullRect, grayRegion, grayToRgba, halve, smooth, texture, tileRects, type GrayImage, type RgbaFrame } from './frame';
import { loadZxing, type ZxingReader } from './zxing';

export type { RgbaFrame } from './frame';
export type DecodeMode = 'camera' | 'still';
export type QrEngine = 'zxing' | 'jsqr';
/** The .wasm of zxing-wasm's reader (`zxing-wasm/reader/zxing_reader.wasm`), or a function that loads it. */
export type WasmSource = ArrayBuffer | Uint8Array | (() => Promise<ArrayBuffer | Uint8Array>);

export interface QrDecoderOptions {
  /** Default mode of `decode` (each call may override it). Default 'still'. */
  mode?: DecodeMode;
  /** zxing-wasm's reader .wasm; without it the decoder runs jsqr alone. */
  wasm?: WasmSource;
  /** Restrict the engines (benchmarks compare them); default: zxing + jsqr with `wasm`, jsqr without. */
  engines?: readonly QrEngine[];
  /** Milliseconds for the still-image budget (default performance.now); tests pass their own. */
  clock?: () => number;
}

export interface DecodeOptions {
  mode?: DecodeMode;
}

export interface QrDecoder {
  readonly mode: DecodeMode;
  readonly engines: readonly QrEngine[];
  /** The text of the first QR code found, or null. Throws RangeError/TypeError on a malformed frame. */
  decode(frame: RgbaFrame, options?: DecodeOptions): Promise<string | null>;
}

/** Working size of a camera frame: the centre square is box-filtered down (integer factor) to at most this many px a side. */
export const CAMERA_WORK_SIDE = 400;
/** jsqr's camera pass works on a smaller image: it costs several zxing passes at the same size. */
export const CAMERA_JSQR_SIDE = 300;
/** The strategy of each camera frame, in turn (see createQrDecoder). */
export const CAMERA_STEPS = ['main', 'centre', 'main', 'histogram', 'main', 'jsqr'] as const;
/** Still images larger than this (longer side) are box-filtered down first: more pixels only cost time. */
export const STILL_MAX_SIDE = 2048;
/** Above this `texture()` an image is noise or fine texture: jsqr would spend seconds on it for nothing. */
export const JSQR_MAX_TEXTURE = 48;
/** Still images up to this size (longer side) also get a pass at twice the size. */
export const STILL_UPSCALE_BELOW = 1280;
/** Native-resolution tiles of a large photo: this many px a side (the doubled pass uses half-size tiles)… */
export const STILL_TILE_SIDE = 1024;
/** …overlapping by this much, so a code up to this size lies whole in some tile (larger ones read downscaled). */
export const STILL_TILE_OVERLAP = 384;
/** The tile search (and jsqr after it, on large photos) stops once the still decode has run this long: a photo with no code stays bounded. */
export const STILL_BUDGET_MS = 1200;
/** Tiles with fewer strong-edge pixels than this (at the downscaled level) are blank: no code to find. */
export const STILL_TILE_MIN_EDGES = 48;

const defaultClock = (): number => globalThis.performance.now();

export async function createQrDecoder(options: QrDecoderOptions = {}): Promise<QrDecoder> {
  const mode = options.mode ?? 'still';
  if (mode !== 'camera' && mode !== 'still') throw new RangeError(`QR decoder: unknown mode ${String(mode)} (camera or still)`);
  const engines = [...(options.engines ?? (options.wasm ? ['zxing', 'jsqr'] : ['jsqr']))] as QrEngine[];
  if (engines.length === 0 || engines.some((e) => e !== 'zxing' && e !== 'jsqr')) {
    throw new RangeError(`QR decoder: engines must be a non-empty list of 'zxing' and 'jsqr', got ${JSON.stringify(options.engines)}`);
  }
  let zxing: ZxingReader | null = null;
  if (engines.includes('zxing')) {
    if (!options.wasm) throw new TypeError("QR decoder: the 'zxing' engine needs options.wasm (the bytes of zxing-wasm/reader/zxing_reader.wasm or a loader)");
    zxing = await loadZxing(options.wasm);
  }
  const useJsqr = engines.includes('jsqr');
  const now = options.clock ?? defaultClock;

  // Camera mode spends one engine pass per frame and interleaves strategies across frames: the
  // scene barely changes in 33 ms, so six frames (200 ms at 30 fps) try everything while each
  // frame stays within a few milliseconds. Every other frame is the main pass (the viewfinder
  // square at working size); the others try what it misses: a small code at native resolution in
  // the middle, the other binarizer, and jsqr.
  let tick = 0;
  const camera = async (frame: RgbaFrame): Promise<string | null> => {
    const square = centreSquare(frame, 1);
    const factor = Math.ceil(square.width / CAMERA_WORK_SIDE);
    let step: (typeof CAMERA_STEPS)[number] = CAMERA_STEPS[tick++ % CAMERA_STEPS.length]!;
    if (step === 'jsqr' && !useJsqr) step = 'main'; // zxing alone (benchmarks)
    if (!zxing || step === 'jsqr') {
      const img = grayRegion(frame, square, zxing ? Math.ceil(square.width / CAMERA_JSQR_SIDE) : factor);
      return texture(img) <= JSQR_MAX_TEXTURE ? jsqr(img, 'dontInvert') : null;
    }
    if (step === 'centre') {
      // The middle of the viewfinder at native resolution (same pixel count as the main pass).
      const mid = centreSquare(frame, Math.min(1, CAMERA_WORK_SIDE / square.width));
      return zxing.read(grayRegion(frame, mid, 1), 'fast');
    }
    return zxing.read(grayRegion(frame, square, factor), step === 'histogram' ? 'fast-histogram' : 'fast');
  };

  const still = async (frame: RgbaFrame): Promise<string | null> => {
    const deadline = now() + STILL_BUDGET_MS;
    const longer = Math.max(frame.width, frame.height);
    const factor = Math.ceil(longer / STILL_MAX_SIDE);
    const base = grayRegion(frame, fullRect(frame), factor);
    // A pyramid: big photos also get halved levels (a large blurry code reads better smaller),
    // small images a doubled one (ZXing needs a few pixels a module to find a code).
    const levels: GrayImage[] = [base];
    while (Math.max(levels.at(-1)!.width, levels.at(-1)!.height) > 1200 && levels.length < 3) levels.push(halve(levels.at(-1)!));
    const longerBase = Math.max(base.width, base.height);
    const doubled = longerBase <= STILL_UPSCALE_BELOW ? double(base) : null;
    if (zxing) {
      for (const img of doubled ? [...levels, doubled] : levels) {
        const text = await zxing.read(img, 'thorough');
        if (text !== null) return text;
      }
      // The other binarizer (a global threshold copes with some glare and moiré the local one
      // does not), then a denoised image (sensor noise, JPEG blocks).
      for (const [img, effort] of [
        [base, 'histogram'],
        [smooth(base), 'thorough'],
      ] as const) {
        const text = await zxing.read(img, effort);
        if (text !== null) return text;
      }
      if (factor > 1) {
        const text = await tiles(frame, base, factor, deadline);
        if (text !== null) return text;
      }
    }
    // jsqr last; on a large photo only if the tile search left time (it costs 0.1–0.4 s there).
    if (useJsqr && texture(base) <= JSQR_MAX_TEXTURE && (factor === 1 || now() < deadline)) {
      // jsqr binarizes in 8 px blocks, so each scale gives it a different picture: the level
      // nearest 1000 px first, then half that, then (for small images) double.
      const sorted = [...levels].sort((a, b) => Math.abs(Math.max(a.width, a.height) - 1000) - Math.abs(Math.max(b.width, b.height) - 1000));
      const first = sorted[0]!;
      const jsqrLevels = [first, ...(Math.min(first.width, first.height) >= 240 ? [halve(first)] : []), ...(doubled && longerBase <= 700 ? [doubled] : [])];
      for (const img of jsqrLevels) {
        const text = jsqr(img, 'attemptBoth');
        if (text !== null) return text;
      }
    }
    return null;
  };

  // A photo larger than the working size was read downscaled: a code 100–300 px across in a
  // 4000 px photo is then 1–2 px a module, too small for any detector. Read the photo again in
  // tiles (a whole 12 MP image in one zxing call drowns its finder search in clutter): first
  // half-size tiles doubled (a defocused code of 2–4 px a module reads only upscaled, like small
  // codes in small images; measured: this order reads more within the budget, and sooner), then
  // native-resolution tiles for codes too large for the small ones. The busiest tiles go first —
  // a code is dense in strong edges — blank ones not at all, and the search stops at `deadline`.
  const tiles = async (frame: RgbaFrame, base: GrayImage, factor: number, deadline: number): Promise<string | null> => {
    const busiest = (side: number, overlap: number) =>
      tileRects(frame.width, frame.height, side, overlap)
        .map((rect) => ({
          rect,
          edges: edgeCount(base, { x: Math.floor(rect.x / factor), y: Math.floor(rect.y / factor), width: Math.ceil(rect.width / factor), height: Math.ceil(rect.height / factor) }),
        }))
        .filter((t) => t.edges >= STILL_TILE_MIN_EDGES)
        .sort((a, b) => b.edges - a.edges);
    for (const [side, overlap, upscale] of [
      [STILL_TILE_SIDE / 2, STILL_TILE_OVERLAP / 2, true],
      [STILL_TILE_SIDE, STILL_TILE_OVERLAP, false],
    ] as const) {
      for (const { rect } of busiest(side, overlap)) {
        if (now() >= deadline) return null;
        const tile = grayRegion(frame, rect, 1);
        const text = await zxing!.read(upscale ? double(tile) : tile, 'tile');
        if (text !== null) return text;
      }
    }
    return null;
  };

  return {
    mode,
    engines,
    async decode(frame, opts) {
      assertFrame(frame);
      const m = opts?.mode ?? mode;
      if (m === 'camera') return camera(frame);
      if (m === 'still') return still(frame);
      throw new RangeError(`QR decoder: unknown mode ${String(m)} (camera or still)`);
    },
  };
}

function jsqr(img: GrayImage, inversion: 'dontInvert' | 'attemptBoth'): string | null {
  const found = jsQR(grayToRgba(img), img.width, img.height, { inversionAttempts: inversion });
  // An empty payload is no use to the caller (and jsqr reports one for some false positives).
  return found && found.data !== '' ? found.data : null;
}
