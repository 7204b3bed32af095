"""The transfer check: how a gesture model trained on the rendered benchmark does on clips it was
not made from (an independent compositor, `compositor`, and 20BN-Jester-layout footage), in one
command: `python -m mone.transfer` (see `check`)."""

from .compositor import IMAGES, VERSION, build_set, render_clip

__all__ = ["IMAGES", "VERSION", "build_set", "render_clip"]
