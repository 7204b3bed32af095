/**
 * Sentences for the page when a video source fails. Pure: they take the error's name/code, so
 * they are tested without a browser.
 */

/** getUserMedia / enumerateDevices rejections → what the user can do about it. */
export function cameraErrorMessage(error: unknown): string {
  const name = error instanceof Error || error instanceof DOMException ? error.name : '';
  switch (name) {
    case 'NotAllowedError':
    case 'PermissionDeniedError':
    case 'SecurityError':
      return 'Camera access was denied. Allow the camera for this site in the browser settings, or use a sample clip or a video file.';
    case 'NotFoundError':
    case 'DevicesNotFoundError':
    case 'OverconstrainedError':
      return 'No camera was found. Connect a camera, or use a sample clip or a video file.';
    case 'NotReadableError':
    case 'TrackStartError':
    case 'AbortError':
      return 'The camera could not be started; another application may be using it.';
    default: {
      const detail = error instanceof Error && error.message ? ` (${error.message})` : '';
      return `The camera could not be started${detail}.`;
    }
  }
}

/** MediaError.code values (HTMLMediaElement.error). */
export const MEDIA_ERR = { ABORTED: 1, NETWORK: 2, DECODE: 3, SRC_NOT_SUPPORTED: 4 } as const;

export function videoErrorMessage(code: number | null, what: string): string {
  switch (code) {
    case MEDIA_ERR.DECODE:
      return `${what} is corrupt: the browser could not decode it.`;
    case MEDIA_ERR.SRC_NOT_SUPPORTED:
      return `${what} could not be opened: the file is corrupt, not a video, or in a format this browser does not play (H.264 MP4 and VP8/VP9/AV1 WebM work).`;
    case MEDIA_ERR.NETWORK:
      return `${what} could not be loaded (network error).`;
    default:
      return `${what} could not be played.`;
  }
}

/** A file the <video> element should not even try, or null. Empty types are tried (unknown). */
export function fileTypeProblem(file: { name: string; type: string }): string | null {
  if (file.type === '' || file.type.startsWith('video/')) return null;
  return `"${file.name}" is not a video file (${file.type}). Choose a video, e.g. an MP4 or WebM.`;
}

/**
 * The file to play out of several (a drop of many): the first video by MIME type, else the first
 * the type check lets through (unknown type), else the first, whose problem is then shown.
 */
export function pickVideoFile<F extends { name: string; type: string }>(
  files: readonly F[],
): F | null {
  return (
    files.find((f) => f.type.startsWith('video/')) ??
    files.find((f) => fileTypeProblem(f) === null) ??
    files[0] ??
    null
  );
}

/** The file decoded but has no picture: an audio-only WebM/MP4 passes the type check. */
export function noVideoTrackMessage(what: string): string {
  return `${what} has no video track (it may be audio only); choose a video, e.g. an MP4 or WebM.`;
}

export function decodeTimeoutMessage(what: string, seconds: number): string {
  return `${what} did not start playing within ${seconds} s; it may be corrupt or in a format this browser cannot decode.`;
}
