import { createQrDecoder, type QrDecoder } from './decoder/decode';
import { loadZxingWasm } from './decoder/wasm-url';
import type { ScanMode } from './protocol';

/** The decoder as the scan worker uses it: camera frames (fast pass) and still images (thorough). */
export interface ScanEngine {
  readonly engines: readonly string[];
  decode(frame: { data: Uint8ClampedArray; width: number; height: number }, mode: ScanMode): Promise<string | null>;
}

/**
 * zxing-wasm + jsqr (decoder/decode.ts), the .wasm loaded from the app's own bundle. If the
 * WebAssembly module can't start (a policy that forbids WebAssembly, a broken asset) scanning still
 * works with jsqr alone — slower and less tolerant, but never nothing.
 */
export async function loadEngine(): Promise<ScanEngine> {
  let decoder: QrDecoder;
  try {
    decoder = await createQrDecoder({ mode: 'camera', wasm: loadZxingWasm });
  } catch (error) {
    console.warn('QR scan: zxing-wasm unavailable, decoding with jsqr alone:', error);
    decoder = await createQrDecoder({ mode: 'camera', engines: ['jsqr'] });
  }
  return {
    engines: decoder.engines,
    decode: (frame, mode) => decoder.decode(frame, { mode: mode === 'camera' ? 'camera' : 'still' }),
  };
}
