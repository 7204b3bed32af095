import { describe, expect, it } from 'vitest';
import {
  cameraErrorMessage,
  decodeTimeoutMessage,
  fileTypeProblem,
  MEDIA_ERR,
  videoErrorMessage,
} from './mediaErrors';

const named = (name: string, message = '') => Object.assign(new Error(message), { name });

describe('cameraErrorMessage', () => {
  it('explains a denied permission', () => {
    expect(cameraErrorMessage(named('NotAllowedError'))).toMatch(/denied/);
  });

  it('explains a missing camera', () => {
    expect(cameraErrorMessage(named('NotFoundError'))).toMatch(/No camera was found/);
  });

  it('explains a busy camera', () => {
    expect(cameraErrorMessage(named('NotReadableError'))).toMatch(/another application/);
  });

  it('falls back to the browser message', () => {
    expect(cameraErrorMessage(named('WeirdError', 'boom'))).toBe(
      'The camera could not be started (boom).',
    );
    expect(cameraErrorMessage('nope')).toBe('The camera could not be started.');
  });
});

describe('videoErrorMessage', () => {
  it('names corrupt and unsupported files', () => {
    expect(videoErrorMessage(MEDIA_ERR.DECODE, '"a.mp4"')).toMatch(/corrupt/);
    expect(videoErrorMessage(MEDIA_ERR.SRC_NOT_SUPPORTED, '"a.mkv"')).toMatch(
      /corrupt, not a video/,
    );
    expect(videoErrorMessage(null, 'The sample')).toBe('The sample could not be played.');
  });

  it('says when decoding timed out', () => {
    expect(decodeTimeoutMessage('"x.mp4"', 8)).toMatch(/within 8 s/);
  });
});

describe('fileTypeProblem', () => {
  it('accepts videos and unknown types, rejects others', () => {
    expect(fileTypeProblem({ name: 'a.mp4', type: 'video/mp4' })).toBeNull();
    expect(fileTypeProblem({ name: 'a.bin', type: '' })).toBeNull();
    expect(fileTypeProblem({ name: 'a.png', type: 'image/png' })).toMatch(/not a video file/);
  });
});
