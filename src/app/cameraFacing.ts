/**
 * Front/rear cameras: which way each camera faces (the browser's facingMode for the open one,
 * the label for the others, since enumerateDevices says nothing else) and the camera the flip
 * button switches to. Pure, for unit tests.
 */
import type { CameraFacing, CameraInfo } from '../store/types';

const FRONT = /\b(front|user|facetime|selfie)\b/i;
const REAR = /\b(back|rear|environment|world)\b/i;

/** 'user' (front), 'environment' (rear) or null when neither the mode nor the label says. */
export function facingOf(label: string, facingMode?: string): CameraFacing | null {
  if (facingMode === 'user' || facingMode === 'environment') return facingMode;
  if (FRONT.test(label)) return 'user';
  if (REAR.test(label)) return 'environment';
  return null;
}

/**
 * The camera facing the other way from the open one, when the device has both a front and a rear
 * camera; null otherwise (one camera, or cameras whose facing is unknown).
 */
export function otherFacingCamera(
  cameras: readonly CameraInfo[],
  activeId: string | null,
): CameraInfo | null {
  const active = cameras.find((c) => c.deviceId === activeId) ?? cameras[0];
  if (active === undefined || active.facing === null) return null;
  return cameras.find((c) => c.facing !== null && c.facing !== active.facing) ?? null;
}

/** Whether the open camera faces the user; unknown counts as front (laptop webcams). */
export function isFrontCamera(cameras: readonly CameraInfo[], activeId: string | null): boolean {
  return cameras.find((c) => c.deviceId === activeId)?.facing !== 'environment';
}
