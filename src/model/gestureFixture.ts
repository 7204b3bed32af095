/**
 * A metadata fixture shaped like the coming gesture model, beside testFixtures.ts (unit tests
 * only, not imported by app code): nothing in the app may assume 10 classes or an 8x8 grid.
 */
import { tinyMetadataJson } from './testFixtures';

/** The 27 gesture classes of training/mone/gestures.py, in the models' order. */
export const GESTURE_LABELS = [
  'swiping_left',
  'swiping_right',
  'swiping_down',
  'swiping_up',
  'pushing_hand_away',
  'pulling_hand_in',
  'sliding_two_fingers_left',
  'sliding_two_fingers_right',
  'sliding_two_fingers_down',
  'sliding_two_fingers_up',
  'pushing_two_fingers_away',
  'pulling_two_fingers_in',
  'rolling_hand_forward',
  'rolling_hand_backward',
  'turning_hand_clockwise',
  'turning_hand_counterclockwise',
  'zooming_in_with_full_hand',
  'zooming_out_with_full_hand',
  'zooming_in_with_two_fingers',
  'zooming_out_with_two_fingers',
  'thumb_up',
  'thumb_down',
  'shaking_hand',
  'stop_sign',
  'drumming_fingers',
  'no_gesture',
  'doing_other_things',
];

/**
 * A metadata document shaped like the coming gesture model (MoNE-B): 27 classes, 16 frames of
 * 112x112 at 12 fps, tubelet 2 -> 8 time steps; patch 16 -> a 7x7 grid = 49 tokens per step;
 * D = 256 with experts 32..256. Valid against contracts/model-metadata.schema.json; the MACs and
 * curves are made up. A fresh plain object each call.
 */
export function gestureMetadataJson() {
  const base = tinyMetadataJson(); // the fields every MoNE export shares
  const tensor = (name: string, dtype: string, shape: number[]) => ({ name, dtype, shape });
  return {
    ...base,
    name: 'mone-gesture-test',
    description: 'unit-test fixture shaped like the gesture model',
    model_file: 'mone-gesture-test.onnx',
    model_bytes: 25_000_000,
    model_sha256: 'b'.repeat(64),
    labels: [...GESTURE_LABELS],
    inputs: {
      video: tensor('video', 'float32', [1, 16, 3, 112, 112]),
      expert_counts: tensor('expert_counts', 'int64', [4]),
    },
    outputs: {
      logits: tensor('logits', 'float32', [1, GESTURE_LABELS.length]),
      expert_index: tensor('expert_index', 'int32', [8, 49]),
      router_probs: tensor('router_probs', 'float32', [8, 49, 4]),
    },
    video: { ...base.video, frames: 16, fps: 12, height: 112, width: 112 },
    tokens: {
      patch_size: 16,
      tubelet_size: 2,
      grid_height: 7,
      grid_width: 7,
      time_steps: 8,
      per_step: 49,
    },
    experts: { count: 4, hidden_dim: 256, widths: [32, 64, 128, 256] },
    macs: { dense: 60_000_000, per_token: [92_544, 332_544, 1_254_912, 4_869_120] },
    budget: { ...base.budget, min_ec: 0.15, levels: [0.15, 0.3, 0.5, 0.7, 1] },
    evaluation: {
      split: 'test',
      clips: 100,
      curves: {
        mone: [
          { gmacs: 0.5, top1: 0.8, e_c: 0.3 },
          { gmacs: 1.0, top1: 0.85, e_c: 0.5 },
          { gmacs: 1.97, top1: 0.86, e_c: 1 },
        ],
        dense: [{ gmacs: 1.97, top1: 0.87, e_c: 1 }],
      },
    },
  };
}
