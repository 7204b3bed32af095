"""Dense ViViT-FE baseline: the same architecture and step budget as mone_s, every token on the
full expert at every step.

Command:  python -m mone.train --config dense_s
"""

CONFIG = dict(
    name="dense_s",
    model=dict(
        dim=128,
        heads=4,
        spatial_depth=4,
        temporal_depth=1,
        frames=8,
        image_size=64,
        patch_size=8,
        tubelet_size=2,
    ),
    stages=[dict(name="dense", mode="dense", steps=9000, lr=1e-3, warmup=200)],
    batch_size=32,
    train_clips=20000,
    eval_every=1000,
    keep_steps=(3000, 6000),  # configs/mone_s.py starts from 3000, configs/mone_s_kd.py from 6000
    precision="bf16",  # ~3x faster steps on this CPU (AVX512-BF16); weights and evaluation stay fp32
)
