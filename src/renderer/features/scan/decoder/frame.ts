/**
 * Frame checks and the cheap pixel work the decoder does before any engine runs: RGBA → luminance,
 * crop and box-filter downscale. Pure functions on typed arrays (no DOM, no Node), so the same code
 * runs in the scan worker, in Node tests and in `npm run bench:qr`.
 */

export interface RgbaFrame {
  /** RGBA, 4 bytes per pixel, row-major, no padding (what ImageData and canvas give). */
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

/** A single-channel luminance image, 1 byte per pixel. */
export interface GrayImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** A rectangle in frame pixels. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Larger than any camera or phone photo we expect (16384 px a side, 64 megapixels): refuse rather than allocate gigabytes. */
export const MAX_FRAME_SIDE = 16_384;
export const MAX_FRAME_PIXELS = 64 * 1024 * 1024;

/** Throws a RangeError (or TypeError for a wrong shape) that says what is wrong with the frame. */
export function assertFrame(frame: unknown): asserts frame is RgbaFrame {
  if (typeof frame !== 'object' || frame === null) throw new TypeError('QR decoder: a frame must be an object { data, width, height }');
  const { data, width, height } = frame as { data?: unknown; width?: unknown; height?: unknown };
  if (!(data instanceof Uint8ClampedArray) && !(data instanceof Uint8Array)) {
    throw new TypeError('QR decoder: frame.data must be a Uint8ClampedArray of RGBA pixels');
  }
  for (const [name, v] of [
    ['width', width],
    ['height', height],
  ] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new RangeError(`QR decoder: frame.${name} must be a positive integer, got ${String(v)}`);
    }
    if (v > MAX_FRAME_SIDE) throw new RangeError(`QR decoder: frame.${name} ${v} is larger than ${MAX_FRAME_SIDE} px`);
  }
  const pixels = (width as number) * (height as number);
  if (pixels > MAX_FRAME_PIXELS) {
    throw new RangeError(`QR decoder: a ${String(width)}×${String(height)} frame has more than ${MAX_FRAME_PIXELS} pixels; downscale it first`);
  }
  if (data.length !== pixels * 4) {
    throw new RangeError(`QR decoder: frame.data has ${data.length} bytes but a ${String(width)}×${String(height)} RGBA frame needs ${pixels * 4}`);
  }
}

/** The whole frame as a rectangle. */
export const fullRect = (f: { width: number; height: number }): Rect => ({ x: 0, y: 0, width: f.width, height: f.height });

/** A centred square covering `fraction` of the shorter side (the viewfinder of a camera frame). */
export function centreSquare(f: { width: number; height: number }, fraction: number): Rect {
  const side = Math.max(1, Math.min(f.width, f.height, Math.round(Math.min(f.width, f.height) * fraction)));
  return { x: (f.width - side) >> 1, y: (f.height - side) >> 1, width: side, height: side };
}

/**
 * Luminance of `rect` of an RGBA frame, downscaled by the integer `factor` with a box filter
 * (averaging factor×factor blocks keeps thin modules as grey rather than dropping them, which a
 * nearest-neighbour pick would do). Weights match ITU-R BT.601 in fixed point.
 */
export function grayRegion(frame: RgbaFrame, rect: Rect, factor: number): GrayImage {
  const f = Math.max(1, Math.floor(factor));
  const w = Math.max(1, Math.floor(rect.width / f));
  const h = Math.max(1, Math.floor(rect.height / f));
  const out = new Uint8Array(w * h);
  const src = frame.data;
  const stride = frame.width * 4;
  if (f === 1) {
    for (let y = 0; y < h; y++) {
      let i = (rect.y + y) * stride + rect.x * 4;
      const o = y * w;
      for (let x = 0; x < w; x++, i += 4) out[o + x] = (src[i]! * 77 + src[i + 1]! * 150 + src[i + 2]! * 29) >> 8;
    }
    return { data: out, width: w, height: h };
  }
  // Sum rows of one output line into an accumulator, then divide once.
  const acc = new Uint32Array(w);
  const div = f * f * 256;
  for (let y = 0; y < h; y++) {
    acc.fill(0);
    for (let dy = 0; dy < f; dy++) {
      let i = (rect.y + y * f + dy) * stride + rect.x * 4;
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let dx = 0; dx < f; dx++, i += 4) s += src[i]! * 77 + src[i + 1]! * 150 + src[i + 2]! * 29;
        acc[x]! += s;
      }
    }
    const o = y * w;
    for (let x = 0; x < w; x++) out[o + x] = acc[x]! / div;
  }
  return { data: out, width: w, height: h };
}

/** Halve a grey image with a 2×2 box filter (for extra pyramid levels). */
export function halve(img: GrayImage): GrayImage {
  const w = img.width >> 1;
  const h = img.height >> 1;
  const out = new Uint8Array(Math.max(1, w * h));
  const s = img.data;
  for (let y = 0; y < h; y++) {
    const r0 = 2 * y * img.width;
    const r1 = r0 + img.width;
    for (let x = 0; x < w; x++) out[y * w + x] = (s[r0 + 2 * x]! + s[r0 + 2 * x + 1]! + s[r1 + 2 * x]! + s[r1 + 2 * x + 1]! + 2) >> 2;
  }
  return { data: out, width: Math.max(1, w), height: Math.max(1, h) };
}

/** Grey back to RGBA (what jsqr and zxing-wasm's public API take). */
export function grayToRgba(img: GrayImage, invert = false): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  const s = img.data;
  for (let i = 0, j = 0; i < s.length; i++, j += 4) {
    const v = invert ? 255 - s[i]! : s[i]!;
    out[j] = v;
    out[j + 1] = v;
    out[j + 2] = v;
    out[j + 3] = 255;
  }
  return out;
}

/**
 * Double a grey image with bilinear interpolation. ZXing's finder-pattern search wants a few pixels
 * a module: a small code (2–3 px a module) is often found only after upscaling.
 */
export function double(img: GrayImage): GrayImage {
  const { width: sw, height: sh, data: s } = img;
  const w = sw * 2;
  const h = sh * 2;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    // Output pixel centres map to (x - 0.5) / 2 in source pixels; clamp at the borders.
    const sy = Math.min(sh - 1, Math.max(0, (y - 0.5) / 2));
    const y0 = Math.min(sh - 2, Math.floor(sy));
    const fy = sh === 1 ? 0 : sy - Math.max(0, y0);
    const r0 = Math.max(0, y0) * sw;
    const r1 = sh === 1 ? r0 : r0 + sw;
    for (let x = 0; x < w; x++) {
      const sx = Math.min(sw - 1, Math.max(0, (x - 0.5) / 2));
      const x0 = Math.max(0, Math.min(sw - 2, Math.floor(sx)));
      const x1 = sw === 1 ? x0 : x0 + 1;
      const fx = sw === 1 ? 0 : sx - x0;
      const top = s[r0 + x0]! * (1 - fx) + s[r0 + x1]! * fx;
      const bottom = s[r1 + x0]! * (1 - fx) + s[r1 + x1]! * fx;
      out[y * w + x] = top * (1 - fy) + bottom * fy + 0.5;
    }
  }
  return { data: out, width: w, height: h };
}

/** 3×3 box blur: takes the edge off sensor noise and JPEG blocks before binarizing. */
export function smooth(img: GrayImage): GrayImage {
  const { width: w, height: h, data: s } = img;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - 1);
    const y1 = Math.min(h - 1, y + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - 1);
      const x1 = Math.min(w - 1, x + 1);
      let sum = 0;
      for (let yy = y0; yy <= y1; yy++) for (let xx = x0; xx <= x1; xx++) sum += s[yy * w + xx]!;
      out[y * w + x] = sum / ((y1 - y0 + 1) * (x1 - x0 + 1));
    }
  }
  return { data: out, width: w, height: h };
}

/**
 * Mean absolute difference of horizontal neighbours (every other row sampled). Photos of codes,
 * even ones full of small modules, stay well below 30; pure noise and fine texture reach 60–85 —
 * where jsqr's finder search explodes (seconds per image) without any chance of a read.
 */
export function texture(img: GrayImage): number {
  let sum = 0;
  let n = 0;
  for (let y = 0; y < img.height; y += 2) {
    const r = y * img.width;
    for (let x = 1; x < img.width; x++) sum += Math.abs(img.data[r + x]! - img.data[r + x - 1]!);
    n += img.width - 1;
  }
  return n === 0 ? 0 : sum / n;
}

/**
 * Overlapping square tiles covering a `width`×`height` image: `side` px a side (smaller only when
 * the image is), neighbours sharing at least `overlap` px, so any object up to `overlap` px across
 * lies whole inside at least one tile. Tiles are spread evenly (the last one ends at the border).
 */
export function tileRects(width: number, height: number, side: number, overlap: number): Rect[] {
  const starts = (length: number): number[] => {
    const s = Math.min(side, length);
    if (s === length) return [0];
    const count = Math.ceil((length - s) / Math.max(1, s - overlap)) + 1;
    return Array.from({ length: count }, (_, i) => Math.round(((length - s) * i) / (count - 1)));
  };
  const out: Rect[] = [];
  const w = Math.min(side, width);
  const h = Math.min(side, height);
  for (const y of starts(height)) for (const x of starts(width)) out.push({ x, y, width: w, height: h });
  return out;
}

/**
 * How many pixels of `rect` (in `img` coordinates) sit on a strong edge (a neighbour, right or
 * below, differs by more than `step` grey levels). A QR code is dense in such edges; a wall, a
 * sky or a blank page has almost none — the tile search looks at busy tiles first and skips empty ones.
 */
export function edgeCount(img: GrayImage, rect: Rect, step = 24): number {
  const { width: w, data: s } = img;
  const x1 = Math.min(img.width - 1, rect.x + rect.width);
  const y1 = Math.min(img.height - 1, rect.y + rect.height);
  let n = 0;
  for (let y = Math.max(0, rect.y); y < y1; y++) {
    const r = y * w;
    for (let x = Math.max(0, rect.x); x < x1; x++) {
      const v = s[r + x]!;
      if (Math.abs(v - s[r + x + 1]!) > step || Math.abs(v - s[r + w + x]!) > step) n++;
    }
  }
  return n;
}
