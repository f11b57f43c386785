/**
 * Files for the decoder tests: the zxing-wasm reader .wasm from node_modules and the PNG fixtures
 * of test/fixtures/qr. Renderer tests are type-checked without Node's types (tsconfig.web.json)
 * but vitest runs them in Node: Node modules are imported here, and only here, by a name
 * TypeScript does not resolve. Nothing is fetched.
 */
import type { RgbaFrame } from '../../../src/renderer/features/scan/decoder/frame';

const nodeImport = async <T>(name: string): Promise<T> => (await import(/* @vite-ignore */ name)) as T;
type Fs = { readFileSync(path: URL, encoding?: 'utf8'): Uint8Array & string };

export async function loadZxingWasm(): Promise<Uint8Array> {
  const { readFileSync } = await nodeImport<Fs>('node:fs');
  return readFileSync(new URL('../../../node_modules/zxing-wasm/dist/reader/zxing_reader.wasm', import.meta.url));
}

/** test/fixtures/qr/<name>.png as an RGBA frame, and the text it holds (<name>.txt). */
export async function loadQrFixture(name: string): Promise<{ frame: RgbaFrame; text: string }> {
  const { readFileSync } = await nodeImport<Fs>('node:fs');
  const { PNG } = await nodeImport<{ PNG: { sync: { read(b: Uint8Array): { width: number; height: number; data: Uint8Array } } } }>('pngjs');
  const png = PNG.sync.read(readFileSync(new URL(`../../fixtures/qr/${name}.png`, import.meta.url)));
  const text = readFileSync(new URL(`../../fixtures/qr/${name}.txt`, import.meta.url), 'utf8').trim();
  return { frame: { data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), width: png.width, height: png.height }, text };
}
