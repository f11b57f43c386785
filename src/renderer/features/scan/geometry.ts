/**
 * Where in a camera frame the scanner looks, and how small it makes that region before decoding.
 * A person holds the code roughly in the middle (the viewfinder says so), so decoding only the
 * centre square — downscaled to at most SCAN_MAX_SIDE — keeps every frame cheap to copy, post and
 * decode, whatever resolution the camera delivers.
 */

/** Share of the frame's shorter side the centre square covers (the viewfinder draws the same square). */
export const SCAN_REGION_FRACTION = 0.8;
/** Longest side of the pixels posted to the worker for a camera frame. */
export const SCAN_MAX_SIDE = 640;
/**
 * Longest side of a still image (file, drop, paste) before decoding: bigger photos are scaled down.
 * 4096 keeps a 12 MP phone photo at full resolution for the decoder's native-resolution tile
 * search (a small code in a big photo), as `npm run bench:qr -- --photos` measures it.
 */
export const IMAGE_MAX_SIDE = 4096;

/** Source rectangle in video pixels (sx, sy, sw, sh) and the size it is drawn at (dw × dh). */
export interface CropRect {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dw: number;
  dh: number;
}

/**
 * The centre square of a videoWidth × videoHeight frame, drawn at most maxSide pixels wide.
 * Null while the video has no size yet (metadata not loaded) or for nonsense input.
 */
export function centreCrop(videoWidth: number, videoHeight: number, fraction = SCAN_REGION_FRACTION, maxSide = SCAN_MAX_SIDE): CropRect | null {
  if (!(videoWidth >= 1 && videoHeight >= 1) || !Number.isFinite(videoWidth) || !Number.isFinite(videoHeight)) return null;
  if (!(fraction > 0 && fraction <= 1) || !(maxSide >= 1)) throw new RangeError(`centreCrop: fraction must be in (0, 1] and maxSide ≥ 1 (got ${fraction}, ${maxSide})`);
  const side = Math.max(1, Math.round(Math.min(videoWidth, videoHeight) * fraction));
  const sx = Math.floor((videoWidth - side) / 2);
  const sy = Math.floor((videoHeight - side) / 2);
  const d = Math.min(side, Math.floor(maxSide));
  return { sx, sy, sw: side, sh: side, dw: d, dh: d };
}

/** Width × height scaled down (never up) so the longer side is at most maxSide; at least 1 × 1. */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (!(width >= 1 && height >= 1) || !Number.isFinite(width) || !Number.isFinite(height)) throw new RangeError(`fitWithin: bad size ${width}×${height}`);
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

/**
 * The crop as percentages of the video's box, for the viewfinder overlay: the preview shows the
 * whole frame (object-fit: contain in a box of the video's aspect ratio), so these line up exactly.
 */
export function viewfinderBox(crop: CropRect, videoWidth: number, videoHeight: number): { left: number; top: number; width: number; height: number } {
  return {
    left: (crop.sx / videoWidth) * 100,
    top: (crop.sy / videoHeight) * 100,
    width: (crop.sw / videoWidth) * 100,
    height: (crop.sh / videoHeight) * 100,
  };
}
