/**
 * Messages between the scan panel and its Web Worker (scan.worker.ts). Pixels travel as a
 * transferred ArrayBuffer — moved, not copied — so posting a frame costs nothing on the UI thread.
 */

/** 'camera': a cropped, downscaled viewfinder region (fast pass); 'image': a still image (thorough search). */
export type ScanMode = 'camera' | 'image';

export interface DecodeRequest {
  type: 'decode';
  id: number;
  mode: ScanMode;
  width: number;
  height: number;
  /** width × height × 4 bytes of RGBA. */
  buffer: ArrayBuffer;
}

export interface DecodeResult {
  type: 'result';
  id: number;
  text: string | null;
  /** Mean luma 0–255 of the frame (for the low-light hint). */
  luminance: number;
  /** Time the decode took in the worker. */
  ms: number;
}

export interface DecodeFailure {
  type: 'error';
  id: number;
  message: string;
}

export type WorkerReply = DecodeResult | DecodeFailure;

export function isWorkerReply(value: unknown): value is WorkerReply {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (typeof v['id'] !== 'number') return false;
  if (v['type'] === 'result') return (typeof v['text'] === 'string' || v['text'] === null) && typeof v['luminance'] === 'number' && typeof v['ms'] === 'number';
  return v['type'] === 'error' && typeof v['message'] === 'string';
}

export function isDecodeRequest(value: unknown): value is DecodeRequest {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    v['type'] === 'decode' &&
    typeof v['id'] === 'number' &&
    (v['mode'] === 'camera' || v['mode'] === 'image') &&
    typeof v['width'] === 'number' &&
    typeof v['height'] === 'number' &&
    v['buffer'] instanceof ArrayBuffer
  );
}
