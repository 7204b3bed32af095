"""nested_s on benchmark 2, from dense_s_v2 at step 3000.
Command: python -m mone.train --config experiments/benchmark_v2/nested_s_v2
Outcome: top-1 87.2 / 88.1 / 87.75 / 87.6% at D/8, D/4, D/2, D; D/8 2.0 points below dense_s_v2."""

CONFIG = dict(
    name="nested_s_v2",
    model=dict(
        num_classes=10,
        frames=8,
        image_size=64,
        patch_size=8,
        tubelet_size=2,
        dim=128,
        heads=4,
        spatial_depth=4,
        temporal_depth=1,
        mlp_ratio=4,
        num_experts=4,
        router_input="tokens",
    ),
    stages=[
        dict(
            name="nested",
            mode="nested",
            steps=6000,
            lr=1e-3,
            warmup=100,
            budgets=(0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95),
        ),
    ],
    seed=0,
    data_seed=0,
    train_clips=20000,
    val_clips=1000,
    test_clips=2000,
    batch_size=32,
    weight_decay=0.05,
    label_smoothing=0.1,
    eval_every=1000,
    ckpt_every=200,
    eval_budget=0.5,
    data_dir=None,
    # the other scene law: distractors that move in place
    benchmark=2,
    dataset="motion",
    fps=10.0,
    scene={},
    compile=False,
    threads=0,
    init_from="runs/dense_s_v2/step-3000.pt",
    keep_steps=(),
    # ~3x faster steps on this CPU (AVX512-BF16); weights and evaluation stay fp32
    precision="bf16",
    router_lr_scale=1.0,
    router_weight_decay=None,
    distill_from=None,
    distill_weight=0.5,
    distill_temperature=2.0,
)
