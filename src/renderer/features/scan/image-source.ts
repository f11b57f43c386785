import { fitWithin, IMAGE_MAX_SIDE } from './geometry';

/**
 * Still images (a chosen file, a dropped file, a pasted screenshot) to RGBA pixels for the worker.
 */

/** Bigger files are refused before reading: no QR screenshot or photo comes near it. */
export const IMAGE_MAX_BYTES = 40 * 1024 * 1024;

/** 'reader': the decoder worker itself failed (not the image's fault). */
export type ImageProblem = 'not-image' | 'too-large' | 'unreadable' | 'no-code' | 'reader';

/** Checks a file before anything is read. An empty type (some drag sources) is given a try. */
export function imageFileProblem(file: { type: string; size: number }): ImageProblem | null {
  if (file.type && !file.type.startsWith('image/')) return 'not-image';
  if (file.size > IMAGE_MAX_BYTES) return 'too-large';
  return null;
}

/** The first image among files (a drop or paste may carry several things). */
export function firstImage<T extends { type: string }>(files: Iterable<T>): T | null {
  let fallback: T | null = null;
  for (const f of files) {
    if (f.type.startsWith('image/')) return f;
    fallback ??= f;
  }
  return fallback;
}

export class ImageReadError extends Error {
  constructor() {
    super('The image could not be decoded');
    this.name = 'ImageReadError';
  }
}

/**
 * Decodes an image blob and returns its pixels, scaled down so the longer side is at most
 * IMAGE_MAX_SIDE (at most ~64 MB of RGBA for one decode; a 50 MP photo would be 200 MB).
 */
export async function rgbaOfImage(blob: Blob): Promise<{ data: Uint8ClampedArray; width: number; height: number }> {
  let bitmap: ImageBitmap;
  try {
    // 'from-image' applies EXIF orientation, so a phone photo is decoded the right way up.
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    throw new ImageReadError();
  }
  try {
    if (bitmap.width < 1 || bitmap.height < 1) throw new ImageReadError();
    const { width, height } = fitWithin(bitmap.width, bitmap.height, IMAGE_MAX_SIDE);
    const ctx = context2d(width, height);
    // Transparent pixels (a PNG code on no background) must read as white, not black.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(bitmap, 0, 0, width, height);
    return { data: ctx.getImageData(0, 0, width, height).data, width, height };
  } finally {
    bitmap.close();
  }
}

type Context2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

/** A 2D context for reading pixels back: an OffscreenCanvas where there is one, else a detached <canvas>. */
export function context2d(width: number, height: number): Context2D {
  if (typeof OffscreenCanvas === 'function') {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (ctx) return ctx;
  }
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new Error('No 2D canvas context');
  return ctx;
}
