"""A tiny variant for CI and tests: same code paths, seconds to train and export.

Command:  python -m mone.train --config tiny
"""

CONFIG = dict(
    name="tiny",
    model=dict(
        dim=32,
        heads=2,
        spatial_depth=2,
        temporal_depth=1,
        frames=4,
        image_size=32,
        patch_size=8,
        tubelet_size=2,
    ),
    stages=[
        dict(name="nested", mode="nested", steps=6, lr=1e-3, warmup=2),
        dict(name="mone", mode="mone", steps=6, lr=1e-3, warmup=2),
    ],
    batch_size=8,
    train_clips=40,
    val_clips=20,
    test_clips=20,
    eval_every=6,
    ckpt_every=4,
)
