/**
 * zxing-wasm behind a small interface. The module's default `locateFile` points at a CDN: we always
 * pass the .wasm bytes in (`wasmBinary`) and replace `locateFile` with one that names no server, so
 * nothing is ever downloaded — in the app, in tests or in the benchmark.
 */
import { prepareZXingModule, readBarcodes, type ReaderOptions } from 'zxing-wasm/reader';
import { grayToRgba, type GrayImage } from './frame';
import type { WasmSource } from './decode';

/**
 * fast(-histogram): one pass for live frames; thorough: ZXing's own multi-scale/rotate/invert search;
 * histogram: the other binarizer; tile: tryHarder and ZXing's downscaled retries, for the many
 * tiles of a large photo (rotate/invert would multiply the cost of every tile for codes the
 * whole-image passes already cover).
 */
export type ZxingEffort = 'fast' | 'fast-histogram' | 'thorough' | 'histogram' | 'tile';

export interface ZxingReader {
  read(img: GrayImage, effort: ZxingEffort): Promise<string | null>;
}

const common: ReaderOptions = { formats: ['QRCode'], maxNumberOfSymbols: 1, textMode: 'Plain' };
const EFFORT: Record<ZxingEffort, ReaderOptions> = {
  fast: { ...common, tryHarder: false, tryRotate: false, tryInvert: false, tryDownscale: false },
  'fast-histogram': { ...common, binarizer: 'GlobalHistogram', tryHarder: false, tryRotate: false, tryInvert: false, tryDownscale: false },
  thorough: { ...common, tryHarder: true, tryRotate: true, tryInvert: true, tryDownscale: true },
  histogram: { ...common, binarizer: 'GlobalHistogram', tryHarder: true, tryRotate: true, tryInvert: true, tryDownscale: true },
  tile: { ...common, tryHarder: true, tryRotate: false, tryInvert: false, tryDownscale: true },
};

let loaded: { bytes: ArrayBuffer; ready: Promise<unknown> } | null = null;

export async function loadZxing(source: WasmSource): Promise<ZxingReader> {
  let bytes: ArrayBuffer | Uint8Array;
  try {
    bytes = typeof source === 'function' ? await source() : source;
  } catch (e) {
    throw new Error(`QR decoder: could not load the zxing-wasm module: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  if (!(bytes instanceof ArrayBuffer) && !(bytes instanceof Uint8Array)) throw new TypeError('QR decoder: the zxing .wasm must be an ArrayBuffer or Uint8Array');
  // A copy into a fresh ArrayBuffer: a Node Buffer may be a view into a larger shared pool.
  const buffer = bytes instanceof ArrayBuffer ? bytes : new Uint8Array(bytes).buffer;
  const magic = new Uint8Array(buffer, 0, Math.min(4, buffer.byteLength));
  if (buffer.byteLength < 8 || magic[0] !== 0 || magic[1] !== 0x61 || magic[2] !== 0x73 || magic[3] !== 0x6d /* \0asm */) {
    throw new TypeError('QR decoder: the bytes given as the zxing .wasm are not a WebAssembly module');
  }
  // zxing-wasm keeps one module instance per page/worker; reuse it when the module comes again
  // (the same file loaded twice: compared by size, the only .wasm this app ships).
  if (!loaded || loaded.bytes.byteLength !== buffer.byteLength) {
    const ready = prepareZXingModule({
      overrides: {
        wasmBinary: buffer,
        // Emscripten computes the file's location even when wasmBinary is given (then it only
        // compares names): answer with a name no fetch can resolve, never the CDN default.
        locateFile: (path: string) => `inline:${path}`,
      },
      equalityFn: Object.is,
      fireImmediately: true,
    });
    loaded = { bytes: buffer, ready };
  }
  try {
    await loaded.ready;
  } catch (e) {
    loaded = null;
    throw new Error(`QR decoder: the zxing-wasm module did not start: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return {
    async read(img, effort) {
      const results = await readBarcodes({ data: grayToRgba(img), width: img.width, height: img.height } as unknown as Parameters<typeof readBarcodes>[0], EFFORT[effort]);
      const hit = results.find((r) => r.isValid && r.text !== '');
      return hit ? hit.text : null;
    },
  };
}
