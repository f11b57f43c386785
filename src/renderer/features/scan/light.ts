/**
 * A torch-free low-light hint. Laptop cameras have no torch, and in a dim room the code's modules
 * drown in noise: when the sampled frames stay dark, the panel suggests more light or a brighter
 * screen (a code shown on a phone lights itself).
 */

/** Mean luma (Rec. 601, 0–255) of an RGBA frame, sampling every `step`-th pixel of every `step`-th row. */
export function meanLuminance(data: Uint8ClampedArray, width: number, height: number, step = 4): number {
  if (width < 1 || height < 1 || data.length < width * height * 4) throw new RangeError(`meanLuminance: ${data.length} bytes is not a ${width}×${height} RGBA frame`);
  const s = Math.max(1, Math.floor(step));
  let sum = 0;
  let n = 0;
  for (let y = 0; y < height; y += s) {
    let i = y * width * 4;
    for (let x = 0; x < width; x += s, i += 4 * s) {
      sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      n++;
    }
  }
  return sum / n;
}

export interface LowLightOptions {
  /** Frames averaged before any verdict (a single dark frame — a hand passing — says nothing). */
  window?: number;
  /** Below this rolling mean the hint shows. */
  darkBelow?: number;
  /** Above this the hint goes away again (hysteresis, so it doesn't flicker at the threshold). */
  brightAbove?: number;
}

/** Rolling mean of frame luminance with hysteresis; `push` returns whether the hint should show. */
export class LowLightDetector {
  private readonly window: number;
  private readonly darkBelow: number;
  private readonly brightAbove: number;
  private readonly values: number[] = [];
  private dark = false;

  constructor({ window = 8, darkBelow = 45, brightAbove = 60 }: LowLightOptions = {}) {
    if (!(window >= 1) || !(darkBelow < brightAbove)) throw new RangeError('LowLightDetector: window ≥ 1 and darkBelow < brightAbove');
    this.window = Math.floor(window);
    this.darkBelow = darkBelow;
    this.brightAbove = brightAbove;
  }

  push(luminance: number): boolean {
    if (!Number.isFinite(luminance)) return this.dark;
    this.values.push(luminance);
    if (this.values.length > this.window) this.values.shift();
    if (this.values.length < this.window) return this.dark;
    const mean = this.values.reduce((a, b) => a + b, 0) / this.values.length;
    if (this.dark ? mean > this.brightAbove : mean < this.darkBelow) this.dark = !this.dark;
    return this.dark;
  }

  get isDark(): boolean {
    return this.dark;
  }

  reset(): void {
    this.values.length = 0;
    this.dark = false;
  }
}
