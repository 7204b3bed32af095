import { describe, expect, it } from 'vitest';
import type { CameraInfo } from '../store/types';
import { facingOf, isFrontCamera, otherFacingCamera } from './cameraFacing';

const cam = (deviceId: string, label: string): CameraInfo => ({
  deviceId,
  label,
  facing: facingOf(label),
});

describe('facingOf', () => {
  it('trusts facingMode, then the label', () => {
    expect(facingOf('Camera 1', 'environment')).toBe('environment');
    expect(facingOf('Back Camera', 'user')).toBe('user');
    expect(facingOf('Front Camera')).toBe('user');
    expect(facingOf('camera2 0, facing back')).toBe('environment');
    expect(facingOf('Rear camera')).toBe('environment');
    expect(facingOf('Integrated Webcam')).toBeNull();
    expect(facingOf('Backup cam')).toBeNull();
  });
});

describe('otherFacingCamera', () => {
  const front = cam('f', 'Front Camera');
  const rear = cam('r', 'Back Camera');

  it('flips between a front and a rear camera', () => {
    expect(otherFacingCamera([front, rear], 'f')).toBe(rear);
    expect(otherFacingCamera([front, rear], 'r')).toBe(front);
    expect(otherFacingCamera([front, rear], null)).toBe(rear);
  });

  it('offers nothing with one camera, or cameras of unknown facing', () => {
    expect(otherFacingCamera([front], 'f')).toBeNull();
    expect(otherFacingCamera([], null)).toBeNull();
    expect(otherFacingCamera([cam('a', 'USB cam'), cam('b', 'Webcam')], 'a')).toBeNull();
    expect(otherFacingCamera([front, cam('u', 'FaceTime HD')], 'f')).toBeNull();
  });

  it('counts an unknown camera as front for mirroring', () => {
    expect(isFrontCamera([front, rear], 'r')).toBe(false);
    expect(isFrontCamera([front, rear], 'f')).toBe(true);
    expect(isFrontCamera([cam('a', 'USB cam')], 'a')).toBe(true);
  });
});
