/**
 * Camera access: open a stream (a chosen device or the default one) and list the cameras with the
 * way each faces (cameraFacing.ts).
 * Errors are turned into page sentences by mediaErrors.cameraErrorMessage.
 */
import type { CameraInfo } from '../store/types';
import { facingOf } from './cameraFacing';

export class CameraUnavailable extends Error {
  override readonly name = 'CameraUnavailable';
}

/** Rejects with the browser's DOMException (NotAllowedError, NotFoundError, …). */
export async function openCamera(deviceId: string | null): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new CameraUnavailable(
      'This browser offers no camera access here (it needs HTTPS or localhost).',
    );
  }
  return navigator.mediaDevices.getUserMedia({
    audio: false,
    // 640x480 is plenty: the model sees a centre square of its input size (64 or 112 px).
    video: deviceId ? { deviceId: { exact: deviceId } } : { width: 640, height: 480 },
  });
}

/** Video inputs (labels are only readable once a camera permission exists) and the open one. */
export async function listCameras(
  stream: MediaStream,
): Promise<{ cameras: CameraInfo[]; activeId: string | null }> {
  const devices = await navigator.mediaDevices.enumerateDevices();
  const settings = stream.getVideoTracks()[0]?.getSettings();
  const activeId = settings?.deviceId ?? null;
  const cameras = devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({
      deviceId: d.deviceId,
      label: d.label || `Camera ${i + 1}`,
      // The open camera's facingMode is known; the others only have their label.
      facing: facingOf(d.label, d.deviceId === activeId ? settings?.facingMode : undefined),
    }));
  return { cameras, activeId };
}

export function stopStream(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}
