import { encode } from 'uqr';

/**
 * QR matrices for invites, drawn crisp at any size. Medium error correction: the code survives a
 * glare spot or a crease on paper while the version (the module count) stays low enough for a
 * phone camera to read it from a screen across a desk.
 */
export interface QrMatrix {
  /** Modules per side, without the quiet zone. */
  size: number;
  /** dark[y][x] */
  dark: boolean[][];
}

/** The quiet zone the standard asks for, in modules, on every side. */
export const QUIET_ZONE = 4;

export function qrMatrix(text: string): QrMatrix {
  const { size, data } = encode(text, { ecc: 'M', border: 0 });
  return { size, dark: data };
}

/**
 * One SVG path for all dark modules (runs of a row merged into one rectangle), in module units with
 * the quiet zone included — one element instead of thousands keeps the DOM small and the edges sharp.
 */
export function qrPath({ size, dark }: QrMatrix, quiet = QUIET_ZONE): string {
  const parts: string[] = [];
  for (let y = 0; y < size; y++) {
    const row = dark[y]!;
    for (let x = 0; x < size; ) {
      if (!row[x]) {
        x++;
        continue;
      }
      let end = x + 1;
      while (end < size && row[end]) end++;
      parts.push(`M${x + quiet} ${y + quiet}h${end - x}v1h${x - end}z`);
      x = end;
    }
  }
  return parts.join('');
}

export interface PngLayout {
  /** Pixels per module (whole, so every module is the same width: no blur, no moiré). */
  module: number;
  width: number;
  height: number;
  /** Where the code (with its quiet zone) starts. */
  codeTop: number;
  /** The caption's baseline rows under the code (group name, then expiry). */
  titleY: number;
  subtitleY: number;
}

/**
 * The saved image: the code at a whole number of pixels per module, about 1000 px wide (sharp on
 * paper at 8 cm and on any screen), with the group name and expiry under it.
 */
export function pngLayout(size: number, targetPx = 1000): PngLayout {
  const side = size + 2 * QUIET_ZONE;
  const module = Math.max(4, Math.floor(targetPx / side));
  const width = side * module;
  const captionUnit = Math.round(width / 22);
  return { module, width, height: width + captionUnit * 4, codeTop: 0, titleY: width + captionUnit * 1.6, subtitleY: width + captionUnit * 3 };
}

/** Draws the code and its caption on a canvas (white background: a transparent PNG prints badly). */
export function drawQrPng(canvas: HTMLCanvasElement, matrix: QrMatrix, caption: { title: string; subtitle: string }): void {
  const layout = pngLayout(matrix.size);
  canvas.width = layout.width;
  canvas.height = layout.height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2d canvas');
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, layout.width, layout.height);
  ctx.fillStyle = '#000';
  for (let y = 0; y < matrix.size; y++) {
    for (let x = 0; x < matrix.size; x++) {
      if (matrix.dark[y]![x]) ctx.fillRect((x + QUIET_ZONE) * layout.module, layout.codeTop + (y + QUIET_ZONE) * layout.module, layout.module, layout.module);
    }
  }
  const unit = Math.round(layout.width / 22);
  const fonts = 'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
  ctx.textAlign = 'center';
  ctx.fillStyle = '#111';
  ctx.font = `600 ${unit}px ${fonts}`;
  ctx.fillText(caption.title, layout.width / 2, layout.titleY, layout.width - 2 * unit);
  ctx.fillStyle = '#555';
  ctx.font = `${Math.round(unit * 0.7)}px ${fonts}`;
  ctx.fillText(caption.subtitle, layout.width / 2, layout.subtitleY, layout.width - 2 * unit);
}

/** canvas → PNG blob → a download with the given name (the browser or Electron asks where, or saves to Downloads). */
export async function downloadCanvasPng(canvas: HTMLCanvasElement, fileName: string): Promise<void> {
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the image could not be encoded');
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // Revoked after the click has been handled: the download already holds the data.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
}
