/**
 * A reproducible hard set of QR images for `npm run bench:qr` (no photo set can be downloaded here).
 * Everything comes from one seeded PRNG, so the same seed gives the same pixels on any machine.
 *
 * Each image is a code (uqr: versions 1–15, ECC L/M/Q/H, UTF-8 and ASCII payloads) printed on a
 * "paper" with a quiet zone, seen through a camera: perspective warp and rotation (a homography),
 * then a random mix of degradations — defocus blur, sensor noise, glare, low contrast, uneven light,
 * small modules, screen moiré (a code photographed off a monitor), JPEG artefacts — over a
 * cluttered background. Severity is drawn per image, from easy to beyond what any decoder reads,
 * so the set ranks pipelines rather than passing or failing them all.
 */
import jpeg from 'jpeg-js';
import { encode } from 'uqr';
import type { RgbaFrame } from '../../src/renderer/features/scan/decoder/frame';

export interface Sample {
  name: string;
  text: string;
  frame: RgbaFrame;
  /** What was done to it, for the per-degradation table. */
  tags: string[];
}

/** mulberry32: small, fast, good enough for test data, and the same everywhere. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const between = (r: Rand, lo: number, hi: number) => lo + (hi - lo) * r();
const int = (r: Rand, lo: number, hi: number) => Math.floor(between(r, lo, hi + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const gauss = (r: Rand) => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());

const ALNUM = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_';
const WORDS = ['研发中心', '前端组', '全员群', '加入群聊', '扫码入群', 'Muster', 'team', 'welcome', '会议室', '报名'];

/** Payloads like the ones Muster shows (invite links and tokens) plus plain text and URLs of other apps. */
function payload(r: Rand): string {
  const token = (n: number) => Array.from({ length: n }, () => ALNUM[Math.floor(r() * ALNUM.length)]).join('');
  switch (int(r, 0, 4)) {
    case 0:
      return `muster://join/${token(int(r, 40, 110))}`;
    case 1:
      return `https://muster.example.com/join/${token(int(r, 30, 90))}`;
    case 2:
      return `https://example.org/${token(int(r, 4, 12))}?ref=${token(int(r, 4, 20))}`;
    case 3:
      return Array.from({ length: int(r, 2, 6) }, () => pick(r, WORDS)).join(' ') + ` ${int(r, 1, 999)}`;
    default:
      return token(int(r, 8, 200));
  }
}

/** Solve the 8 unknowns of a homography mapping 4 source points to 4 destination points. */
function homography(src: [number, number][], dst: [number, number][]): number[] {
  const A: number[][] = [];
  for (let i = 0; i < 4; i++) {
    const [x, y] = src[i]!;
    const [u, v] = dst[i]!;
    A.push([x, y, 1, 0, 0, 0, -u * x, -u * y, u]);
    A.push([0, 0, 0, x, y, 1, -v * x, -v * y, v]);
  }
  for (let c = 0; c < 8; c++) {
    let p = c;
    for (let r = c + 1; r < 8; r++) if (Math.abs(A[r]![c]!) > Math.abs(A[p]![c]!)) p = r;
    [A[c], A[p]] = [A[p]!, A[c]!];
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = A[r]![c]! / A[c]![c]!;
      for (let k = c; k < 9; k++) A[r]![k]! -= f * A[c]![k]!;
    }
  }
  return [...Array.from({ length: 8 }, (_, i) => A[i]![8]! / A[i]![i]!), 1];
}

/**
 * Visits the 2×2 sub-pixel samples of pixel (x, y) (anti-aliasing), each with its position in
 * code space: `H` maps image coordinates onto the code's module grid.
 */
function forEachSubSample(H: number[], x: number, y: number, visit: (u: number, v: number, px: number, py: number) => void): void {
  for (const oy of SUB_SAMPLES) {
    for (const ox of SUB_SAMPLES) {
      const px = x + ox;
      const py = y + oy;
      const w = H[6]! * px + H[7]! * py + 1;
      visit((H[0]! * px + H[1]! * py + H[2]!) / w, (H[3]! * px + H[4]! * py + H[5]!) / w, px, py);
    }
  }
}
const SUB_SAMPLES = [0.25, 0.75] as const;

interface Scene {
  width: number;
  height: number;
  /** Code centre, side in px (without quiet zone), rotation (rad), perspective strength 0..0.35. */
  cx: number;
  cy: number;
  side: number;
  angle: number;
  perspective: number;
  quiet: number;
  ink: number;
  paper: number;
  inverted: boolean;
}

/** Render the code through the camera homography, 2×2 supersampled, over a cluttered background. */
function renderScene(r: Rand, matrix: boolean[][], s: Scene): Float32Array {
  const n = matrix.length;
  const half = s.side / 2;
  const corners: [number, number][] = [
    [-half, -half],
    [half, -half],
    [half, half],
    [-half, half],
  ].map(([x, y]) => {
    const jx = (r() * 2 - 1) * s.perspective * s.side;
    const jy = (r() * 2 - 1) * s.perspective * s.side;
    const c = Math.cos(s.angle);
    const sn = Math.sin(s.angle);
    return [s.cx + (x! + jx) * c - (y! + jy) * sn, s.cy + (x! + jx) * sn + (y! + jy) * c];
  });
  // image → module coordinates
  const H = homography(corners, [
    [0, 0],
    [n, 0],
    [n, n],
    [0, n],
  ]);
  const paperEdge = s.quiet + 2 + r() * 6;
  // Background: smooth blotches and a few dark bars (table, keyboard, hands).
  const bgBase = between(r, 40, 200);
  const blobs = Array.from({ length: 6 }, () => ({ x: r() * s.width, y: r() * s.height, rad: between(r, 30, 250), v: between(r, -80, 80) }));
  const bars = Array.from({ length: int(r, 0, 6) }, () => ({ x: r() * s.width, y: r() * s.height, w: between(r, 5, 120), h: between(r, 5, 120), v: between(r, 0, 255) }));
  const out = new Float32Array(s.width * s.height);
  for (let y = 0; y < s.height; y++) {
    for (let x = 0; x < s.width; x++) {
      let acc = 0;
      forEachSubSample(H, x, y, (u, v, px, py) => {
        let val: number;
        if (u >= 0 && v >= 0 && u < n && v < n) {
          const dark = matrix[Math.floor(v)]![Math.floor(u)]! !== s.inverted;
          val = dark ? s.ink : s.paper;
        } else if (u > -paperEdge && v > -paperEdge && u < n + paperEdge && v < n + paperEdge) {
          // Inverted codes have a dark quiet zone; the paper beyond it is light again.
          const inQuiet = u > -s.quiet && v > -s.quiet && u < n + s.quiet && v < n + s.quiet;
          val = s.inverted && inQuiet ? s.ink : s.paper;
        } else {
          val = bgBase;
          for (const b of blobs) {
            const d2 = ((px - b.x) ** 2 + (py - b.y) ** 2) / (b.rad * b.rad);
            if (d2 < 1) val += b.v * (1 - d2);
          }
          for (const b of bars) if (px >= b.x && px < b.x + b.w && py >= b.y && py < b.y + b.h) val = b.v;
        }
        acc += val;
      });
      out[y * s.width + x] = acc / 4;
    }
  }
  return out;
}

function boxBlur(img: Float32Array, w: number, h: number, radius: number): void {
  if (radius < 1) return;
  const tmp = new Float32Array(img.length);
  const rad = Math.round(radius);
  const norm = 1 / (2 * rad + 1);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -rad; k <= rad; k++) s += img[y * w + Math.min(w - 1, Math.max(0, x + k))]!;
      tmp[y * w + x] = s * norm;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let k = -rad; k <= rad; k++) s += tmp[Math.min(h - 1, Math.max(0, y + k)) * w + x]!;
      img[y * w + x] = s * norm;
    }
  }
}

/** One hard sample: a random code and a random mix of degradations. */
export function makeSample(r: Rand, index: number, size: { width: number; height: number }, opts: { centred?: boolean } = {}): Sample {
  const text = payload(r);
  const ecc = pick(r, ['L', 'M', 'Q', 'H'] as const);
  const qr = encode(text, { ecc, minVersion: int(r, 1, 8), maxVersion: 40, border: 0 });
  const n = qr.size;
  const tags: string[] = [`v${qr.version}`, `ecc-${ecc}`];
  const { width, height } = size;
  const short = Math.min(width, height);

  // Module size: mostly comfortable, sometimes small (2–2.8 px a module before blur).
  const small = r() < 0.2;
  const modulePx = small ? between(r, 2, 2.8) : between(r, 3, Math.max(3.2, (short * 0.7) / n));
  if (small) tags.push('small-modules');
  const side = Math.min(short * 0.72, modulePx * n);
  const perspective = r() < 0.5 ? between(r, 0.04, 0.16) : between(r, 0, 0.03);
  if (perspective > 0.04) tags.push('perspective');
  const angle = r() < 0.5 ? between(r, -Math.PI, Math.PI) : between(r, -0.15, 0.15);
  if (Math.abs(angle) > 0.15) tags.push('rotation');
  const slack = (short - side) / 2;
  const spread = opts.centred ? 0.15 : 0.8;
  const lowContrast = r() < 0.2;
  if (lowContrast) tags.push('low-contrast');
  const inverted = r() < 0.06;
  if (inverted) tags.push('inverted');
  const ink = lowContrast ? between(r, 70, 120) : between(r, 0, 60);
  const paper = lowContrast ? ink + between(r, 35, 70) : between(r, 170, 255);
  const scene: Scene = {
    width,
    height,
    cx: width / 2 + (r() * 2 - 1) * spread * Math.max(0, width / 2 - side / 2 - 10),
    cy: height / 2 + (r() * 2 - 1) * spread * Math.max(0, slack - 10),
    side,
    angle,
    perspective,
    quiet: pick(r, [2, 3, 4, 4]),
    ink,
    paper,
    inverted,
  };
  const lum = renderScene(r, qr.data, scene);

  // Uneven light: a linear gradient across the frame.
  if (r() < 0.35) {
    tags.push('uneven-light');
    const gx = (r() * 2 - 1) * 0.6;
    const gy = (r() * 2 - 1) * 0.6;
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) lum[y * width + x]! *= 1 + gx * (x / width - 0.5) + gy * (y / height - 0.5);
  }
  // Glare: a bright specular blob, sometimes over the code.
  if (r() < 0.25) {
    tags.push('glare');
    const gx = scene.cx + (r() * 2 - 1) * side * 0.5;
    const gy = scene.cy + (r() * 2 - 1) * side * 0.5;
    const rad = side * between(r, 0.1, 0.35);
    const strength = between(r, 80, 220);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const d2 = ((x - gx) ** 2 + (y - gy) ** 2) / (rad * rad);
        if (d2 < 4) lum[y * width + x]! += strength * Math.exp(-d2 * 1.5);
      }
    }
  }
  // Defocus / motion: box blur about half a module or more.
  // A box of 2·rad+1 px: from a slight softening up to about a module wide.
  if (r() < 0.4) {
    const rad = Math.round(between(r, 0.15, 0.5) * (side / n));
    if (rad >= 1) {
      tags.push('blur');
      boxBlur(lum, width, height, rad);
    }
  }

  // To RGBA, with a colour cast, screen moiré and sensor noise per channel.
  const moire = r() < 0.15;
  if (moire) tags.push('moire');
  const noise = r() < 0.4 ? between(r, 4, 22) : between(r, 0, 3);
  if (noise > 4) tags.push('noise');
  const cast = [between(r, 0.85, 1.15), between(r, 0.85, 1.15), between(r, 0.85, 1.15)];
  const mf = between(r, 0.9, 1.6);
  const ma = between(r, -0.3, 0.3);
  const mAmp = between(r, 0.15, 0.35);
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = lum[y * width + x]!;
      if (moire) {
        // Beat between the monitor's pixel grid and the sensor's: a slanted sinusoid plus RGB stripes.
        v *= 1 - mAmp * (0.5 + 0.5 * Math.sin((x * Math.cos(ma) + y * Math.sin(ma)) * mf));
      }
      const i = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const stripe = moire && x % 3 === c ? 1.12 : 1;
        data[i + c] = v * cast[c]! * stripe + noise * gauss(r);
      }
      data[i + 3] = 255;
    }
  }
  let frame: RgbaFrame = { data, width, height };
  if (r() < 0.4) {
    const quality = int(r, 12, 55);
    tags.push('jpeg');
    const decoded = jpeg.decode(jpeg.encode({ data, width, height }, quality).data, { useTArray: true, formatAsRGBA: true });
    frame = { data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength), width, height };
  }
  return { name: `hard-${String(index).padStart(3, '0')}`, text, frame, tags };
}

/** The hard set of still images (640×480), `count` of them from `seed`. */
export function hardSet(seed: number, count: number): Sample[] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i) => makeSample(r, i, { width: 640, height: 480 }));
}

/** 1280×720 camera frames: a code held in the viewfinder (centre), and frames with no code at all. */
export function cameraFrames(seed: number, count: number): { withCode: Sample[]; without: RgbaFrame[] } {
  const r = prng(seed);
  const withCode = Array.from({ length: count }, (_, i) => makeSample(r, i, { width: 1280, height: 720 }, { centred: true }));
  const without = Array.from({ length: count }, () => emptyFrame(r, 1280, 720));
  return { withCode, without };
}

/** A frame with no code: clutter, text-like stripes, noise — what the camera sees between scans. */
function emptyFrame(r: Rand, width: number, height: number): RgbaFrame {
  const data = new Uint8ClampedArray(width * height * 4);
  const base = between(r, 30, 200);
  const rects = Array.from({ length: int(r, 5, 40) }, () => ({ x: r() * width, y: r() * height, w: between(r, 2, 300), h: between(r, 2, 200), v: between(r, 0, 255) }));
  const noise = between(r, 2, 15);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = base + 30 * Math.sin(x / 97) * Math.cos(y / 71);
      for (const b of rects) if (x >= b.x && x < b.x + b.w && y >= b.y && y < b.y + b.h) v = b.v;
      const i = (y * width + x) * 4;
      data[i] = v + noise * gauss(r);
      data[i + 1] = v + noise * gauss(r);
      data[i + 2] = v + noise * gauss(r);
      data[i + 3] = 255;
    }
  }
  return { data, width, height };
}

/** A photo-like sample; `text` is '' when the photo has no code, `modulePx` the module size in px (0 then). */
export interface PhotoSample extends Sample {
  modulePx: number;
  /** Where the code is (centre and side in px), for diagnosing misses. */
  code: { cx: number; cy: number; side: number } | null;
}

/** Frame sizes of the photo-like set: the 12-megapixel phone photo, upright and sideways. */
export const PHOTO_SIZES = [
  { width: 4032, height: 3024 },
  { width: 3024, height: 4032 },
  { width: 4000, height: 3000 },
  { width: 3000, height: 4000 },
] as const;

/**
 * One photo-like sample: a 12 MP frame with a code of realistic size (1.5–10 % of the frame width
 * across, so 45–400 px), anywhere in the frame, printed on a sheet or shown on a screen, with
 * perspective, a soft shadow and a light gradient, slight defocus, sensor noise and phone-quality
 * JPEG. `text` null: a photo with no code at all (to measure the time a miss costs).
 *
 * Rendered for speed (12 MP per image): the background is cheap clutter at full resolution and
 * only the sheet around the code goes through the supersampled homography; the JPEG round trip
 * covers a block-aligned window around the sheet (JPEG works in independent 8×8 blocks, so the
 * code gets the same artefacts as a whole-photo encode would give it).
 */
export function makePhotoSample(r: Rand, index: number, withCode: boolean): PhotoSample {
  const { width, height } = pick(r, PHOTO_SIZES);
  const tags: string[] = [];
  const lum = new Float32Array(width * height);
  // Background: a desk/wall — a base grey, a slow light gradient and a few large objects.
  const bgBase = between(r, 60, 190);
  const gx = (r() * 2 - 1) * 0.5;
  const gy = (r() * 2 - 1) * 0.5;
  const rects = Array.from({ length: int(r, 3, 14) }, () => ({
    x: r() * width,
    y: r() * height,
    w: between(r, 40, 1400),
    h: between(r, 40, 1400),
    v: between(r, 10, 250),
  }));
  // Text-like lines (a printed page, a keyboard): fine dark strokes the finder search must reject.
  const lines = Array.from({ length: int(r, 0, 30) }, () => ({ x: r() * width, y: r() * height, w: between(r, 200, 1500), h: between(r, 6, 30), v: between(r, 0, 80) }));
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const gyv = gy * (y / height - 0.5);
    for (let x = 0; x < width; x++) lum[o + x] = bgBase * (1 + gx * (x / width - 0.5) + gyv);
  }
  for (const b of [...rects, ...lines]) {
    const x0 = Math.max(0, Math.floor(b.x));
    const y0 = Math.max(0, Math.floor(b.y));
    const x1 = Math.min(width, Math.floor(b.x + b.w));
    const y1 = Math.min(height, Math.floor(b.y + b.h));
    for (let y = y0; y < y1; y++) lum.fill(b.v, y * width + x0, y * width + x1);
  }

  let text = '';
  let box = { x0: 0, y0: 0, x1: 0, y1: 0 };
  let modulePx = 0;
  let code: PhotoSample['code'] = null;
  if (withCode) {
    text = payload(r);
    const ecc = pick(r, ['L', 'M', 'Q', 'H'] as const);
    const qr = encode(text, { ecc, minVersion: int(r, 1, 6), maxVersion: 40, border: 0 });
    const n = qr.size;
    tags.push(`ecc-${ecc}`);
    // Code width as a share of the frame width, log-uniform over 1.5–10 %.
    const share = 0.015 * Math.exp(r() * Math.log(10 / 1.5));
    const side = share * width;
    modulePx = side / n;
    tags.push(share < 0.03 ? 'code <3 % of width' : share < 0.05 ? 'code 3–5 % of width' : 'code 5–10 % of width');
    // Below ~2.5 px a module (before blur) no detector can separate the modules: the per-kind table
    // shows both sides of that line, so the rate on codes a camera can resolve is visible.
    tags.push(modulePx < 2.5 ? 'modules <2.5 px' : 'modules ≥2.5 px');
    const screen = r() < 0.25;
    tags.push(screen ? 'screen' : 'print');
    const perspective = r() < 0.5 ? between(r, 0.04, 0.18) : between(r, 0, 0.03);
    if (perspective > 0.04) tags.push('perspective');
    const angle = r() < 0.3 ? between(r, -Math.PI, Math.PI) : between(r, -0.25, 0.25);
    const quiet = pick(r, [2, 3, 4, 4]);
    const margin = side * between(r, 0.6, 2.5); // the sheet / screen around the code
    const cx = between(r, margin + side / 2, width - margin - side / 2);
    const cy = between(r, margin + side / 2, height - margin - side / 2);
    code = { cx, cy, side };
    const ink = screen ? between(r, 5, 40) : between(r, 10, 70);
    const paper = screen ? between(r, 180, 250) : between(r, 150, 240);
    const half = side / 2;
    const corners: [number, number][] = [
      [-half, -half],
      [half, -half],
      [half, half],
      [-half, half],
    ].map(([x, y]) => {
      const jx = (r() * 2 - 1) * perspective * side;
      const jy = (r() * 2 - 1) * perspective * side;
      const c = Math.cos(angle);
      const sn = Math.sin(angle);
      return [cx + (x! + jx) * c - (y! + jy) * sn, cy + (x! + jx) * sn + (y! + jy) * c];
    });
    const H = homography(corners, [
      [0, 0],
      [n, 0],
      [n, n],
      [0, n],
    ]);
    const sheet = quiet + (margin / side) * n; // sheet edge in modules
    const reach = (half + margin) * 1.6;
    box = {
      x0: Math.max(0, Math.floor(cx - reach)),
      y0: Math.max(0, Math.floor(cy - reach)),
      x1: Math.min(width, Math.ceil(cx + reach)),
      y1: Math.min(height, Math.ceil(cy + reach)),
    };
    const mAmp = screen ? between(r, 0.1, 0.3) : 0;
    const mf = between(r, 0.7, 1.6);
    const ma = between(r, -0.4, 0.4);
    for (let y = box.y0; y < box.y1; y++) {
      for (let x = box.x0; x < box.x1; x++) {
        let acc = 0;
        let inside = 0;
        forEachSubSample(H, x, y, (u, v) => {
          if (u >= 0 && v >= 0 && u < n && v < n) {
            acc += qr.data[Math.floor(v)]![Math.floor(u)]! ? ink : paper;
            inside++;
          } else if (u > -sheet && v > -sheet && u < n + sheet && v < n + sheet) {
            acc += paper;
            inside++;
          } else acc += lum[y * width + x]!;
        });
        let val = acc / 4;
        // A screen: its pixel grid beating with the sensor's (moiré), only on the screen.
        if (mAmp > 0 && inside > 0) val *= 1 - mAmp * (0.5 + 0.5 * Math.sin((x * Math.cos(ma) + y * Math.sin(ma)) * mf));
        lum[y * width + x] = val;
      }
    }
    if (screen) tags.push('moire');
    // A soft shadow (a hand, the phone) across part of the code: a blurred half-plane.
    if (r() < 0.4) {
      tags.push('shadow');
      const a = r() * 2 * Math.PI;
      const nx = Math.cos(a);
      const ny = Math.sin(a);
      const d0 = nx * cx + ny * cy + between(r, -0.4, 0.4) * side;
      const soft = side * between(r, 0.05, 0.4);
      const depth = between(r, 0.35, 0.7);
      for (let y = box.y0; y < box.y1; y++) {
        for (let x = box.x0; x < box.x1; x++) {
          const t = Math.min(1, Math.max(0, (nx * x + ny * y - d0) / soft + 0.5));
          lum[y * width + x]! *= 1 - depth * t;
        }
      }
    }
    // Glare on glossy paper or glass.
    if (r() < 0.2) {
      tags.push('glare');
      const hx = cx + (r() * 2 - 1) * half;
      const hy = cy + (r() * 2 - 1) * half;
      const rad = side * between(r, 0.1, 0.3);
      const strength = between(r, 60, 160);
      for (let y = box.y0; y < box.y1; y++) {
        for (let x = box.x0; x < box.x1; x++) {
          const d2 = ((x - hx) ** 2 + (y - hy) ** 2) / (rad * rad);
          if (d2 < 4) lum[y * width + x]! += strength * Math.exp(-d2 * 1.5);
        }
      }
    }
  } else {
    tags.push('no code');
  }

  // Slight defocus over the whole photo (phone optics at 12 MP: 1–2 px), sometimes more on the code.
  const blur = r() < 0.5 ? 1 : r() < 0.5 ? 2 : 0;
  if (blur > 0) boxBlur(lum, width, height, blur);
  if (withCode) tags.push(`defocus ${blur * 2 + 1} px`.replace('defocus 1 px', 'sharp'));
  const noise = between(r, 2, 10);
  const cast = [between(r, 0.9, 1.1), between(r, 0.9, 1.1), between(r, 0.9, 1.1)];
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = 0; i < lum.length; i++, j += 4) {
    // Triangular noise from two uniforms: close enough to Gaussian and cheap over 12 M pixels.
    const v = lum[i]! + noise * 1.7 * (r() + r() - 1);
    data[j] = v * cast[0]!;
    data[j + 1] = v * cast[1]!;
    data[j + 2] = v * cast[2]!;
    data[j + 3] = 255;
  }
  const frame: RgbaFrame = { data, width, height };
  if (withCode) {
    // Phone-quality JPEG on a block-aligned window around the sheet.
    const quality = int(r, 55, 92);
    if (quality < 75) tags.push('jpeg <75');
    const x0 = box.x0 & ~15;
    const y0 = box.y0 & ~15;
    const w = Math.min(width - x0, (box.x1 - x0 + 15) & ~15);
    const h = Math.min(height - y0, (box.y1 - y0 + 15) & ~15);
    const crop = new Uint8Array(w * h * 4);
    for (let y = 0; y < h; y++) crop.set(data.subarray(((y0 + y) * width + x0) * 4, ((y0 + y) * width + x0 + w) * 4), y * w * 4);
    const decoded = jpeg.decode(jpeg.encode({ data: crop, width: w, height: h }, quality).data, { useTArray: true, formatAsRGBA: true });
    for (let y = 0; y < h; y++) data.set(decoded.data.subarray(y * w * 4, (y + 1) * w * 4), ((y0 + y) * width + x0) * 4);
  }
  return { name: `photo-${String(index).padStart(3, '0')}`, text, frame, tags, modulePx, code };
}

/**
 * The photo-like set, one photo at a time (48 MB of RGBA each: the caller decodes and drops it).
 * Every eighth photo has no code. The same seed gives the same photos.
 */
export function* photoSet(seed: number, count: number): Generator<PhotoSample> {
  const r = prng(seed);
  for (let i = 0; i < count; i++) yield makePhotoSample(r, i, i % 8 !== 7);
}
