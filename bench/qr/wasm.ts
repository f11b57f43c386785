/** zxing-wasm's reader .wasm read from node_modules — in Node nothing is fetched (see decoder/zxing.ts). */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

export const zxingWasmPath = (): string => createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
export const loadZxingWasm = (): Uint8Array => readFileSync(zxingWasmPath());
