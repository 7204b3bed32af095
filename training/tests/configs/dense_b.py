"""Stand-in for configs/dense_b.py in the CPU smoke run of train_gesture_b.sh: same name and stages, tiny.
Command: CONFIGS=tests/configs MONE_RUNS=/tmp/runs bash train_gesture_b.sh   (tests/test_gesture_b.py)"""

CONFIG = dict(
    name="dense_b",
    model=dict(
        num_classes=27,
        frames=4,
        image_size=32,
        patch_size=8,
        tubelet_size=2,
        dim=32,
        heads=2,
        spatial_depth=2,
        temporal_depth=1,
    ),
    dataset="gestures",
    fps=6.0,
    stages=[dict(name="dense", mode="dense", steps=4, lr=1e-3, warmup=1)],
    batch_size=8,
    val_clips=8,
    test_clips=27,
    eval_every=3,
    ckpt_every=2,
    curriculum=(1, 2),  # as the B configs: eased clips first
    aux_weight=1.0,  # as the B configs
)
