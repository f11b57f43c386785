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
  const sub = [0.25, 0.75];
  for (let y = 0; y < s.height; y++) {
    for (let x = 0; x < s.width; x++) {
      let acc = 0;
      for (const oy of sub) {
        for (const ox of sub) {
          const px = x + ox;
          const py = y + oy;
          const w = H[6]! * px + H[7]! * py + 1;
          const u = (H[0]! * px + H[1]! * py + H[2]!) / w;
          const v = (H[3]! * px + H[4]! * py + H[5]!) / w;
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
        }
      }
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
