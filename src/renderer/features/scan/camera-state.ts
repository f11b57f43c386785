/**
 * What went wrong with the camera, in words a person can act on, and which camera to open.
 * getUserMedia fails with DOMExceptions whose names differ a little between engines; every name
 * maps to one problem the panel explains (with what to do next).
 */
export type CameraProblem =
  | 'no-camera' // nothing to open: plug one in (the panel retries by itself when one appears)
  | 'denied' // the person, the OS privacy settings or a policy refused access
  | 'in-use' // another app holds the camera (Windows cameras are exclusive)
  | 'unsupported' // no camera API here (an insecure page, an old engine)
  | 'failed'; // anything else: try again, or use an image instead

export function cameraProblemOf(error: unknown): CameraProblem {
  const name = errorName(error);
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError': // older Chromium
    case 'SecurityError': // a permissions policy or an insecure context
      return 'denied';
    case 'NotFoundError':
    case 'DevicesNotFoundError': // older Chromium
    case 'OverconstrainedError': // the chosen camera is gone and no other matches
      return 'no-camera';
    case 'NotReadableError':
    case 'TrackStartError': // older Chromium
    case 'AbortError': // Firefox: "Starting videoinput failed" — a camera another app holds
      return 'in-use';
    case 'NotSupportedError':
      return 'unsupported';
    default:
      return 'failed';
  }
}

function errorName(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const name = (error as { name?: unknown }).name;
  return typeof name === 'string' ? name : null;
}

/** A camera as enumerateDevices lists it (the labels are empty until access is granted once). */
export interface CameraDevice {
  deviceId: string;
  label: string;
}

/** The remembered camera when it is still plugged in; else null (the system default). */
export function chooseCamera(cameras: readonly CameraDevice[], rememberedId: string | null): string | null {
  if (!rememberedId) return null;
  return cameras.some((c) => c.deviceId === rememberedId) ? rememberedId : null;
}

/** Video inputs among enumerated devices (ids may be empty before permission: then one placeholder). */
export function camerasOf(devices: readonly { kind: string; deviceId: string; label: string }[]): CameraDevice[] {
  return devices.filter((d) => d.kind === 'videoinput').map((d) => ({ deviceId: d.deviceId, label: d.label }));
}

/** Constraints for one camera (or the default): a 720p-ish stream is plenty and cheap to crop. */
export function cameraConstraints(deviceId: string | null): MediaStreamConstraints {
  const size = { width: { ideal: 1280 }, height: { ideal: 720 } };
  return { audio: false, video: deviceId ? { ...size, deviceId: { exact: deviceId } } : { ...size, facingMode: 'user' } };
}
