"""The gesture label space: the 27 classes of 20BN-Jester v1, in the order the models use.

Directions are as the performer sees them in a mirrored selfie view: `swiping_left` means the hand
moves toward the left edge of the frames the model gets (x decreasing). The app mirrors frames from
a front-facing camera before the model (never files), so the label names what the person sees.
"""

from __future__ import annotations

GESTURES = (
    "swiping_left",
    "swiping_right",
    "swiping_down",
    "swiping_up",
    "pushing_hand_away",
    "pulling_hand_in",
    "sliding_two_fingers_left",
    "sliding_two_fingers_right",
    "sliding_two_fingers_down",
    "sliding_two_fingers_up",
    "pushing_two_fingers_away",
    "pulling_two_fingers_in",
    "rolling_hand_forward",
    "rolling_hand_backward",
    "turning_hand_clockwise",
    "turning_hand_counterclockwise",
    "zooming_in_with_full_hand",
    "zooming_out_with_full_hand",
    "zooming_in_with_two_fingers",
    "zooming_out_with_two_fingers",
    "thumb_up",
    "thumb_down",
    "shaking_hand",
    "stop_sign",
    "drumming_fingers",
    "no_gesture",
    "doing_other_things",
)


def jester_name(label: str) -> str:
    """A Jester CSV label ("Sliding Two Fingers Left", "Doing other things") as a class name."""
    return "_".join(label.strip().lower().replace("-", " ").split())
