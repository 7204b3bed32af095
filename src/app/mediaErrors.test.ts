import { describe, expect, it } from 'vitest';
import {
  cameraErrorMessage,
  decodeTimeoutMessage,
  fileTypeProblem,
  MEDIA_ERR,
  noVideoTrackMessage,
  pickVideoFile,
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

  it('says when a file has no picture', () => {
    expect(noVideoTrackMessage('"tone.webm"')).toMatch(/^"tone\.webm" has no video track/);
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

describe('pickVideoFile', () => {
  const text = { name: 'notes.txt', type: 'text/plain' };
  const image = { name: 'photo.png', type: 'image/png' };
  const unknown = { name: 'clip.bin', type: '' };
  const mp4 = { name: 'clip.mp4', type: 'video/mp4' };
  const webm = { name: 'clip.webm', type: 'video/webm' };

  it('takes the first video, wherever it is in the drop', () => {
    expect(pickVideoFile([text, image, mp4, webm])).toBe(mp4);
    expect(pickVideoFile([unknown, webm])).toBe(webm);
  });

  it('tries a file of unknown type when there is no video', () => {
    expect(pickVideoFile([text, unknown])).toBe(unknown);
  });

  it('returns the first file when none is a video (its problem is shown), null for none', () => {
    expect(pickVideoFile([text, image])).toBe(text);
    expect(pickVideoFile([])).toBeNull();
  });
});
