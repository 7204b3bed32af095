"""The shipped MoNE model (MoNE ViViT-FE, D=128) on the generated motion benchmark.

Command:  python -m mone.train --config mone_s        (resumes after a kill)
Runtime:  ~40 min on 2 CPU cores (measured: see README "Model").
Expected: ~see README "Results" for the measured top-1 per budget.

Sizing, for a 2-core CPU and a browser:
- 8 frames at 10 fps (0.8 s): enough for one oscillation reversal at >= 1.3 Hz; tubelet 2 -> 4 time
  steps, so each token already sees motion within its tubelet (the router at layer 1 can find it).
- 64x64 input, 8x8 patches -> an 8x8 grid (64 tokens per step, 256 per clip): the smallest grid the
  issue allows; keeps attention cheap so projections (what MoNE saves) dominate the FLOPs.
- D = 128 (experts 16/32/64/128), 4 heads, 4 spatial MoNE blocks, 1 dense temporal block:
  ~1.05 M parameters (4.2 MB fp32), 0.23 GMACs per clip dense.
- Recipe (paper Sec. 4): nested MatViViT pre-training (one random nested width per step), then MoNE
  fine-tuning with e_c drawn per step from {0.15, 0.25, ..., 0.95}.
"""

CONFIG = dict(
    name="mone_s",
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
    stages=[
        dict(name="nested", mode="nested", steps=900, lr=1e-3, warmup=100),
        dict(name="mone", mode="mone", steps=1700, lr=1e-3, warmup=100),
    ],
    batch_size=32,
    train_clips=20000,
    eval_every=500,
)
