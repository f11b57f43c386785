/**
 * Browser/worker side only: the zxing-wasm reader .wasm as an asset Vite copies into the app bundle
 * (`?url`), loaded from the app's own origin — never from zxing-wasm's default CDN. Pass
 * `loadZxingWasm` as `createQrDecoder({ wasm: loadZxingWasm })`. Node code reads the file from
 * node_modules instead (bench/qr/wasm.ts).
 */
import zxingWasmUrl from 'zxing-wasm/reader/zxing_reader.wasm?url';

export { zxingWasmUrl };

export async function loadZxingWasm(): Promise<ArrayBuffer> {
  const res = await fetch(zxingWasmUrl);
  if (!res.ok) throw new Error(`could not load ${zxingWasmUrl}: HTTP ${res.status}`);
  return res.arrayBuffer();
}
