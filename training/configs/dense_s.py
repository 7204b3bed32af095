"""Dense ViViT-FE baseline: mone_s's architecture and step budget, every token on the full expert.
Command: bash training/train_shipped.sh   (trains it beside mone_s), or python -m mone.train --config dense_s
Outcome: test top-1 92.6% at 0.232 GMACs per clip (docs/results/eval.md)."""

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
    # mone_s and nested_s start from step 3000; the distillation experiments from 6000
    keep_steps=(3000, 6000),
    precision="bf16",  # ~3x faster steps on this CPU (AVX512-BF16); weights and evaluation stay fp32
)
