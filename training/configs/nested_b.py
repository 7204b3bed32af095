"""Nested MoNE-B, the init of MoNE-B: dense steps, then every width each step, losses summed (MatViViT).
Command: bash training/train_gesture_b.sh   (this, then mone_b and dense_b, evaluation, export)
Outcome: not yet measured (needs a CUDA GPU); its per-width top-1 is the nested-only gate."""

CONFIG = dict(
    name="nested_b",
    # D=256 (experts 32/64/128/256), 6 spatial blocks; 112 px, patch 16 -> a 7x7 grid; 16 frames at
    # 12 fps (1.33 s: a whole gesture, and Jester's frame rate); tubelet 2 -> 8 time steps.
    # 5.82 M parameters (23.3 MB fp32), 2.16 GMACs per clip dense (the conv stem: 0.25 of them).
    model=dict(
        num_classes=27,
        frames=16,
        image_size=112,
        patch_size=16,
        tubelet_size=2,
        dim=256,
        heads=4,
        spatial_depth=6,
        temporal_depth=1,
        # tokens from a small conv stack, not one linear map per tubelet: on single frames of the
        # full scene law the linear embedding (patch 16 or 8) stayed at chance on open hand vs two
        # fingers, a conv stem learned it, and on clips it separated a hand / two-finger pair where
        # the linear one stalled at 59% (experiments/gesture_proxy, checks/shape.py)
        stem="conv",
    ),
    dataset="gestures",
    fps=12.0,
    # Dense first, then nested_all (the four widths each step, 2.18x a dense step's FLOPs) from those
    # weights, in one run. On the CPU proxy (D=128, 112 px, seed 0) nested_all from scratch kept its
    # widths level at 12-15% test top-1 after 900 steps, with or without the scene losses, while 300
    # nested_all steps started from a dense run (27.6%) reached 26.0 / 28.8 / 32.5 / 36.5% by width:
    # the gate's shape, for fewer FLOPs (experiments/gesture_proxy: nested_g112_from_dense)
    stages=[
        dict(name="dense", mode="dense", steps=2000, lr=5e-4, warmup=200),
        dict(name="nested", mode="nested_all", steps=1000, lr=5e-4, warmup=100),
    ],
    batch_size=256,
    val_clips=2048,
    test_clips=5400,  # 200 per class
    eval_every=500,
    ckpt_every=250,
    precision="bf16",
    # The renderer, eager, writes ~3.9 GB of intermediates per clip (torch.profiler on the CPU): bound
    # by memory traffic at ~250 clips/s on an H200's ~3 TB/s. Compiled (fused elementwise chains) it
    # ran 7-20x faster than eager on the CPU (same clips, alternating); a clip still serves 4 steps.
    render_compile=True,
    render_reuse=4,
    # from scratch the full scene law stays at chance for hundreds of steps, eased clips do not
    # (experiments/gesture_proxy: D=128, 64 px, batch 32); lr 5e-4, not 1e-3, for the same reason
    curriculum=(300, 700),
    label_smoothing=0.1,
    # training-only losses from the scene law (mone.scene_aux): the gesturing hand's pose at each
    # time step and its per-patch mask, read from the spatial transformer's output; on the CPU
    # proxy they took the full-law val top-1 after 800 steps from 9.6 / 10.0% to 25.2 / 28.9%
    # (seeds 0 / 1; experiments/gesture_proxy)
    aux_weight=1.0,
)
