/**
 * Reading a folder of photographed codes for `npm run bench:qr -- --photos <dir>`: every
 * `name.png` / `name.jpg` (subfolders included) with its expected text in `name.txt`. Pure JS
 * decoders (pngjs, jpeg-js), EXIF orientation applied, huge images box-filtered down; every odd
 * input is reported and skipped rather than ending the run.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join, relative } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { RgbaFrame } from '../../src/renderer/features/scan/decoder/frame';

/** Longer side above which a photo is downscaled before it is timed (phone photos, 4032 px, pass as they are). */
export const PHOTO_MAX_SIDE = 4096;
const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg']);

export interface PhotoEntry {
  /** Path relative to the folder, for messages. */
  name: string;
  image: string;
  expected: string | null;
}

/** Expected and decoded texts are compared after this: no BOM, LF line ends, no surrounding whitespace. */
export const normalizeText = (s: string): string => s.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n').trim();

export function listPhotos(dir: string): PhotoEntry[] {
  const out: PhotoEntry[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && IMAGE_EXT.has(extname(entry.name).toLowerCase())) {
        const txt = join(d, `${basename(entry.name, extname(entry.name))}.txt`);
        let expected: string | null = null;
        try {
          expected = normalizeText(readFileSync(txt, 'utf8'));
        } catch {
          expected = null;
        }
        out.push({ name: relative(dir, path), image: path, expected });
      }
    }
  };
  walk(dir);
  return out;
}

export function readImage(path: string): RgbaFrame {
  const bytes = readFileSync(path);
  if (bytes.length === 0) throw new Error('empty file');
  let frame: RgbaFrame;
  if (bytes[0] === 0x89 && bytes.subarray(1, 4).toString('latin1') === 'PNG') {
    const png = PNG.sync.read(bytes);
    frame = { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height };
  } else if (bytes[0] === 0xff && bytes[1] === 0xd8) {
    const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, tolerantDecoding: true, maxResolutionInMP: 200, maxMemoryUsageInMB: 4096 });
    frame = { data: new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.byteLength), width: img.width, height: img.height };
    frame = orient(frame, exifOrientation(bytes));
  } else {
    throw new Error('neither a PNG nor a JPEG (by its first bytes)');
  }
  if (frame.width === 0 || frame.height === 0) throw new Error('image has no pixels');
  return shrink(frame, PHOTO_MAX_SIDE);
}

/** EXIF orientation (1–8) of a JPEG, 1 when absent or unreadable. */
export function exifOrientation(jpg: Uint8Array): number {
  const view = new DataView(jpg.buffer, jpg.byteOffset, jpg.byteLength);
  let p = 2;
  while (p + 4 <= jpg.length) {
    if (jpg[p] !== 0xff) return 1;
    const marker = jpg[p + 1]!;
    if (marker === 0xda || marker === 0xd9) return 1; // image data started: no EXIF before it
    const len = view.getUint16(p + 2);
    if (marker === 0xe1 && p + 10 < jpg.length && view.getUint32(p + 4) === 0x45786966 /* Exif */) {
      const tiff = p + 10;
      if (tiff + 8 > jpg.length) return 1;
      const little = view.getUint16(tiff) === 0x4949;
      const ifd = tiff + view.getUint32(tiff + 4, little);
      if (ifd + 2 > jpg.length) return 1;
      const count = view.getUint16(ifd, little);
      for (let i = 0; i < count; i++) {
        const e = ifd + 2 + i * 12;
        if (e + 12 > jpg.length) return 1;
        if (view.getUint16(e, little) === 0x0112) {
          const v = view.getUint16(e + 8, little);
          return v >= 1 && v <= 8 ? v : 1;
        }
      }
      return 1;
    }
    p += 2 + len;
  }
  return 1;
}

/** Apply an EXIF orientation so the pixels are upright (2, 4, 5, 7 are mirrored). */
export function orient(f: RgbaFrame, o: number): RgbaFrame {
  if (o <= 1 || o > 8) return f;
  const swap = o >= 5;
  const w = swap ? f.height : f.width;
  const h = swap ? f.width : f.height;
  const out = new Uint8ClampedArray(w * h * 4);
  const src = new Uint32Array(f.data.buffer, f.data.byteOffset, f.width * f.height);
  const dst = new Uint32Array(out.buffer);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // (sx, sy): the source pixel that lands at (x, y) in the upright image.
      let sx: number;
      let sy: number;
      switch (o) {
        case 2: sx = f.width - 1 - x; sy = y; break;
        case 3: sx = f.width - 1 - x; sy = f.height - 1 - y; break;
        case 4: sx = x; sy = f.height - 1 - y; break;
        case 5: sx = y; sy = x; break;
        case 6: sx = y; sy = f.height - 1 - x; break;
        case 7: sx = f.width - 1 - y; sy = f.height - 1 - x; break;
        default: sx = f.width - 1 - y; sy = x; break; // 8
      }
      dst[y * w + x] = src[sy * f.width + sx]!;
    }
  }
  return { data: out, width: w, height: h };
}

/** Box-filter an RGBA frame down by an integer factor until its longer side is at most `max`. */
export function shrink(f: RgbaFrame, max: number): RgbaFrame {
  const k = Math.ceil(Math.max(f.width, f.height) / max);
  if (k <= 1) return f;
  const w = Math.floor(f.width / k);
  const h = Math.floor(f.height / k);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < 4; c++) {
        let s = 0;
        for (let dy = 0; dy < k; dy++) for (let dx = 0; dx < k; dx++) s += f.data[((y * k + dy) * f.width + x * k + dx) * 4 + c]!;
        out[(y * w + x) * 4 + c] = s / (k * k);
      }
    }
  }
  return { data: out, width: w, height: h };
}

export const isDirectory = (p: string): boolean => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};
