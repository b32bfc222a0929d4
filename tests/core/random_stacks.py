"""Random layer stacks, valid and invalid, for comparing nnstudio's inference with Keras.

Values stay near where mistakes happen (kernels as large as the image, rates near 1, factors at
the edge of their range), and now and then step over the edge. A few values on which nnstudio
is deliberately stricter than Keras are never generated here; ``test_summary.py`` covers them.
"""

from __future__ import annotations

import random

from nnstudio.core.architecture import Architecture, LayerConfig
from nnstudio.core.catalogue import LAYER_TYPES as ALL_TYPES
from nnstudio.core.params import (
    AxesParam,
    BoolParam,
    ChoiceParam,
    FactorParam,
    FloatParam,
    IntPairParam,
    IntParam,
    NumbersParam,
    PaddingParam,
    PermutationParam,
    RangeParam,
    ShapeParam,
)
from nnstudio.core.summary import summarize

#: A stack's layers: merge layers join branches of a graph (tests/core/random_graphs.py).
LAYER_TYPES = tuple(t for t in ALL_TYPES if not t.merge)


def _pair_or_int(rng: random.Random, low: int, high: int):
    if rng.random() < 0.5:
        return rng.randint(low, high)
    return [rng.randint(low, high), rng.randint(low, high)]


def _factor(rng: random.Random, p: FactorParam):
    def one():
        edge = rng.choice([p.low, p.high])
        return round(rng.choice([rng.uniform(p.low, p.high), edge, edge * 1.2, -edge]), 3)

    if p.optional and rng.random() < 0.3:
        return None
    return [one(), one()] if rng.random() < 0.4 else one()


def _mostly(rng: random.Random, valid: list, invalid: list, p_invalid: float = 0.06):
    return rng.choice(invalid if rng.random() < p_invalid else valid)


def _int(rng: random.Random, layer: str, p: IntParam, shape=None):
    if p.name == "seed":
        return rng.choice([None, 0, 7, 12345])
    if p.name == "axis":
        return rng.randint(-5, 4)
    if p.name == "depth_multiplier":
        return rng.choice([1, 1, 2, 3, 0])
    if p.name == "groups":
        return rng.choice([1, 1, 2, 3, 4])
    if p.name == "projection_dim":
        # Keras' symbolic shape is wrong when it stretches one channel to many: nnstudio
        # refuses that, so it is not generated.
        channels = shape[-1] if shape else None
        if channels == 1:
            return 1
        return rng.choice([channels or 4, channels or 4, rng.randint(1, 8)])
    # units, filters
    return _mostly(rng, [1, 2, 3, 4, 8, 16, rng.randint(1, 40)], [0, -1])


def _float(rng: random.Random, p: FloatParam):
    if p.name == "rate":  # never exactly 1.0, which nnstudio refuses and Keras accepts
        return _mostly(rng, [0.0, 0.1, 0.25, 0.5, 0.9, 0.999], [1.5, -0.1])
    if p.name == "negative_slope":
        return _mostly(rng, [0.0, 0.01, 0.3, 1.0], [-0.1])
    if p.name == "momentum":
        return rng.uniform(0.0, 1.0)
    if p.name == "epsilon":
        return rng.choice([1e-5, 1e-3, 0.1])
    if p.name == "max_value":
        return rng.choice([None, 0.0, 1.0, 6.0, 6.0, -1.0])
    if p.name == "threshold":
        return _mostly(rng, [0.0, 0.5, 1.0], [-0.1])
    return round(rng.uniform(-2.0, 2.0), 4)  # scale, offset, fill_value


def _target_shape(rng: random.Random, shape):
    """Mostly a shape that fits the current output; sometimes one that does not."""
    if shape is None or None in shape[1:] or rng.random() < 0.25:
        return [rng.randint(1, 6) for _ in range(rng.randint(1, 3))] + rng.choice([[], [-1]])
    size = 1
    for d in shape[1:]:
        size *= d
    divisors = [d for d in range(1, min(size, 64) + 1) if size % d == 0]
    a = rng.choice(divisors)
    return rng.choice([[-1], [a, -1], [-1, a], [a, size // a], [size // a, a, 1], [size]])


def random_value(rng: random.Random, layer: str, p, shape):
    if isinstance(p, IntParam):
        return _int(rng, layer, p, shape)
    if isinstance(p, FloatParam):
        return _float(rng, p)
    if isinstance(p, BoolParam):
        return rng.random() < 0.5
    if isinstance(p, ChoiceParam):
        return rng.choice(list(p.choices))
    if isinstance(p, IntPairParam):
        if p.optional and rng.random() < 0.5:
            return None
        high = {"kernel_size": 5, "pool_size": 4, "size": 3}.get(p.name, 3)
        low = 0 if rng.random() < 0.03 else 1
        return _pair_or_int(rng, low, high)
    if isinstance(p, PermutationParam):
        rank = len(shape) - 1 if shape else 2
        dims = list(range(1, rank + 1))
        rng.shuffle(dims)
        return dims if rng.random() < 0.85 else rng.choice([[2, 1], [1, 2, 3], [1, 3], [1]])
    if isinstance(p, ShapeParam):
        return _target_shape(rng, shape)
    if isinstance(p, PaddingParam):
        return rng.choice([0, 1, 2, [1, 2], [[0, 1], [2, 0]]])
    if isinstance(p, FactorParam):
        return _factor(rng, p)
    if isinstance(p, RangeParam):
        return rng.choice([[0, 1], [0, 255], [-1, 1]])
    if isinstance(p, AxesParam):
        if p.name == "shared_axes":
            # 0 (the batch) Keras takes as the last axis; nnstudio refuses it, not generated.
            return rng.choice([None, 1, [1, 2], [2], [3], [1, 2, 3]])
        choices = [-1, -1, [-1], 1, 2, [1, 2], [-2, -1], 4, 0]
        return rng.choice([*choices, None] if p.optional else choices)
    if isinstance(p, NumbersParam):
        n = shape[-1] if shape and shape[-1] is not None else 3
        return rng.choice([None, None, 0.5, [0.5] * n, [2.0] * n, [1.0, 2.0], [0.1] * (n + 1)])
    raise TypeError(p)


def random_input_shape(rng: random.Random):
    kind = rng.random()
    if kind < 0.55:
        side = rng.choice([1, 2, 3, 5, 8, 12, 16, 28])
        h, w = side, rng.choice([side, rng.randint(1, 20)])
        if rng.random() < 0.1:
            h, w = None, None
        return [h, w, rng.choice([1, 1, 2, 3])]
    if kind < 0.85:
        return [rng.choice([1, 2, 9, 16, 48, 75, 100, 784])]
    if kind < 0.95:
        return [rng.randint(1, 12), rng.randint(1, 12)]
    return [rng.randint(1, 5), rng.randint(1, 5), rng.randint(1, 5), 1]


def random_layer(rng: random.Random, spec, shape, name_pool) -> LayerConfig:
    raw = {"type": spec.name}
    for p in spec.params:
        if p.required or rng.random() < 0.5:
            raw[p.name] = random_value(rng, spec.name, p, shape)
    if rng.random() < 0.08:
        raw["name"] = rng.choice(name_pool)
    return LayerConfig.create(**raw)


def random_architecture(seed: int) -> Architecture:
    rng = random.Random(seed)
    input_shape = random_input_shape(rng)
    layers: list[LayerConfig] = []
    name_pool = ["a", "b", "a/b", "conv2d", "dense_1"]
    for _ in range(rng.randint(1, 8)):
        arch = Architecture("random", input_shape, tuple(layers))
        shape = summarize(arch).output_shape
        # Favour layers that fit the current rank, so stacks get deep before they break.
        fits = [t for t in LAYER_TYPES if _fits(t, shape)] if rng.random() < 0.8 else []
        spec = rng.choice(fits or LAYER_TYPES)
        layers.append(random_layer(rng, spec, shape, name_pool))
    return Architecture(f"random {seed}", input_shape, tuple(layers))


def _fits(spec, shape) -> bool:
    if shape is None:
        return True
    image = len(shape) == 4
    if spec.group in ("Convolution", "Pooling", "Augmentation") or spec.name in (
        "SpatialDropout2D",
        "ZeroPadding2D",
        "UpSampling2D",
        "Cropping2D",
    ):
        return image
    return True
