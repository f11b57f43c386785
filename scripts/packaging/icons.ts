/**
 * The app icon, drawn by code so it is reproducible and needs no download or design tool: a
 * rounded blue square with a white "M" (the same mark as the app's header). `npm run icons`
 * writes resources/icon.png (1024 px), icon.ico (16–256 px) and icon.icns (16–1024 px); both
 * containers hold PNG images, which Windows Vista+ and macOS 10.7+ read.
 *
 * Shapes are signed distance fields, so every size is anti-aliased exactly, not scaled down.
 */
import { deflateSync } from 'node:zlib';

const BLUE = [0x33, 0x70, 0xff] as const;
const WHITE = [0xff, 0xff, 0xff] as const;

type Point = readonly [number, number];
/** The "M" as four strokes in unit coordinates (y down). */
const M_STROKES: readonly (readonly [Point, Point])[] = [
  [
    [0.29, 0.71],
    [0.29, 0.31],
  ],
  [
    [0.29, 0.31],
    [0.5, 0.57],
  ],
  [
    [0.5, 0.57],
    [0.71, 0.31],
  ],
  [
    [0.71, 0.31],
    [0.71, 0.71],
  ],
];
const STROKE = 0.1;
const CORNER = 0.22;
const MARGIN = 0.04;

function segmentDistance(px: number, py: number, [a, b]: readonly [Point, Point]): number {
  const [ax, ay] = a;
  const [bx, by] = b;
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function roundedSquareDistance(px: number, py: number): number {
  const half = 0.5 - MARGIN;
  const qx = Math.abs(px - 0.5) - (half - CORNER);
  const qy = Math.abs(py - 0.5) - (half - CORNER);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - CORNER;
}

const coverage = (distance: number, size: number) => Math.max(0, Math.min(1, 0.5 - distance * size));

/** RGBA pixels, row by row, of the icon at `size` × `size`. */
export function renderIcon(size: number): Buffer {
  const rgba = Buffer.alloc(size * size * 4);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = (x + 0.5) / size;
      const py = (y + 0.5) / size;
      const bg = coverage(roundedSquareDistance(px, py), size);
      const mark = coverage(Math.min(...M_STROKES.map((s) => segmentDistance(px, py, s))) - STROKE / 2, size);
      const i = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) rgba[i + c] = Math.round(BLUE[c]! + (WHITE[c]! - BLUE[c]!) * mark);
      rgba[i + 3] = Math.round(255 * bg);
    }
  }
  return rgba;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** A PNG (8-bit RGBA, no filtering) of `rgba`. */
export function encodePng(size: number, rgba: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', Buffer.alloc(0))]);
}

export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256] as const;

/** A Windows .ico whose entries are PNGs. */
export function encodeIco(images: { size: number; png: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  const entries: Buffer[] = [];
  let offset = 6 + 16 * images.length;
  for (const { size, png } of images) {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size; // 0 means 256
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(png.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += png.length;
    entries.push(e);
  }
  return Buffer.concat([header, ...entries, ...images.map((i) => i.png)]);
}

/** macOS icon types that may hold a PNG, by pixel size. */
export const ICNS_TYPES: readonly (readonly [string, number])[] = [
  ['icp4', 16],
  ['icp5', 32],
  ['icp6', 64],
  ['ic07', 128],
  ['ic08', 256],
  ['ic09', 512],
  ['ic10', 1024],
];

export function encodeIcns(pngBySize: Map<number, Buffer>): Buffer {
  const parts = ICNS_TYPES.map(([type, size]) => {
    const png = pngBySize.get(size);
    if (!png) throw new Error(`no ${size} px image for ${type}`);
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(8 + png.length, 4);
    return Buffer.concat([head, png]);
  });
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + body.length, 4);
  return Buffer.concat([head, body]);
}

export function makeIcons(): { png: Buffer; ico: Buffer; icns: Buffer } {
  const sizes = [...new Set([...ICO_SIZES, ...ICNS_TYPES.map(([, s]) => s)])];
  const pngs = new Map(sizes.map((s) => [s, encodePng(s, renderIcon(s))]));
  return {
    png: pngs.get(1024)!,
    ico: encodeIco(ICO_SIZES.map((size) => ({ size, png: pngs.get(size)! }))),
    icns: encodeIcns(pngs),
  };
}
