"""Differential tests: nnstudio's pure-Python summary against Keras building the same stack.

For every stack, Keras is the oracle: a stack is accepted when Keras constructs every layer,
adds it to a Sequential model, and runs one training-mode forward pass on a small batch (some
layers, such as the augmentations, only fail when they run). nnstudio must agree on acceptance,
on which layer fails first, and, for accepted stacks, on every output shape and on the
trainable and non-trainable parameter counts of every layer.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pytest

from nnstudio.core.architecture import Architecture, LayerConfig
from nnstudio.core.building import build_model, keras_layer
from nnstudio.core.catalogue import LAYER_TYPES
from nnstudio.core.params import BoolParam, ChoiceParam
from nnstudio.core.summary import summarize

from .random_stacks import random_architecture

#: When an input size is unknown (None), the forward pass uses this size.
UNKNOWN_SIZE = 64


@dataclass
class Verdict:
    accepted: bool
    failed_at: int | None = None
    error: str = ""
    shapes: list | None = None
    params: list | None = None
    #: The forward pass failed only because of the size chosen for an unknown dimension.
    indeterminate: bool = False


def portable_refusal(layer) -> str | None:
    """A refusal that depends on the machine, taken as the portable one: TensorFlow's own
    depthwise kernel (GPUs, CPUs without oneDNN) refuses unequal strides, oneDNN's accepts
    them, so where Keras runs may accept what another machine refuses. nnstudio refuses."""
    depthwise = layer.type in ("DepthwiseConv2D", "SeparableConv2D")
    p = layer.params
    if depthwise and p["strides"][0] != p["strides"][1] and max(p["dilation_rate"]) == 1:
        return "InvalidArgumentError: only supports equal length strides (TensorFlow's kernel)"
    return None


def _first_failure(keras, arch: Architecture) -> tuple[object, Verdict | None]:
    """Build the Sequential model; if Keras refuses it, find the first layer it refuses."""
    names = arch.layer_names()
    try:
        layers = [keras_layer(keras, layer, n) for layer, n in zip(arch.layers, names, strict=True)]
        return keras.Sequential([keras.Input(shape=arch.input_shape), *layers]), None
    except Exception:
        pass
    model = keras.Sequential([keras.Input(shape=arch.input_shape)])
    for i, (layer, name) in enumerate(zip(arch.layers, names, strict=True)):
        try:
            model.add(keras_layer(keras, layer, name))
        except Exception as e:
            return model, Verdict(False, i, f"{type(e).__name__}: {e}")
    raise AssertionError("Keras refused the whole model but accepted every layer")


def keras_verdict(keras, arch: Architecture) -> Verdict:
    """What Keras makes of an architecture, layer by layer.

    Layers are added to a Sequential model until one is refused; then the layers added so far
    run once in training mode. The first layer that fails either way is where Keras fails.
    Keras' warnings (softmax over one unit...) are not failures.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model, build_failure = _first_failure(keras, arch)
        batch = np.random.default_rng(0).random(
            (2, *(UNKNOWN_SIZE if d is None else d for d in arch.input_shape)), dtype=np.float32
        )
        x = keras.ops.convert_to_tensor(batch)
        # Sequential.add keeps a refused layer: run only those before it. (Running a refused
        # MaxPooling2D whose window exceeds its input kills the process with SIGFPE.)
        added = model.layers if build_failure is None else model.layers[: build_failure.failed_at]
        for i, layer in enumerate(added):
            refusal = portable_refusal(arch.layers[i])
            if refusal:
                return Verdict(False, i, refusal)
            try:
                x = layer(x, training=True)
            except Exception as e:
                message = f"{type(e).__name__}: {e}"
                # With an unknown input size, a size mismatch may come from the size chosen.
                size_dependent = "zero or negative" in message or "total size" in message
                unknown = None in arch.input_shape and size_dependent
                return Verdict(False, i, message, indeterminate=unknown)
    if build_failure is not None:
        return build_failure
    shapes = [tuple(layer.output.shape) for layer in model.layers]
    params = [
        (
            sum(int(np.prod(w.shape)) for w in layer.trainable_weights),
            sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights),
        )
        for layer in model.layers
    ]
    return Verdict(True, shapes=shapes, params=params)


def assert_agrees(keras, arch: Architecture) -> None:
    ours = summarize(arch)
    theirs = keras_verdict(keras, arch)
    if theirs.indeterminate:
        return
    context = f"\n{arch.to_dict()}\nKeras: {theirs.error or 'accepted'}\nnnstudio: " + "; ".join(
        f"[{p.layer}] {p.message}" for p in ours.errors
    )
    assert ours.ok == theirs.accepted, context
    if not theirs.accepted:
        first = min(p.layer for p in ours.errors if p.layer is not None)
        assert first == theirs.failed_at, context
        return
    for row, shape, (trainable, non_trainable) in zip(
        ours.layers, theirs.shapes, theirs.params, strict=True
    ):
        assert row.output_shape == shape, context
        assert (row.trainable_params, row.non_trainable_params) == (trainable, non_trainable), (
            context
        )


SEEDS = range(1000)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_stack_agrees_with_keras(keras, seed):
    assert_agrees(keras, random_architecture(seed))


def test_random_stacks_cover_valid_and_invalid_and_every_layer():
    """The generator is only useful if it exercises both outcomes and every layer type."""
    archs = [random_architecture(s) for s in SEEDS]
    valid = sum(summarize(a).ok for a in archs)
    assert 0.3 * len(archs) < valid < 0.8 * len(archs)
    used = {layer.type for a in archs for layer in a.layers}
    assert used == {t.name for t in LAYER_TYPES if not t.merge}


def _variants():
    """Every layer type with every value of each of its choice and boolean parameters (merge
    layers, which take several inputs, in tests/core/test_graphs_vs_keras.py)."""
    for spec in (t for t in LAYER_TYPES if not t.merge):
        base = LayerConfig.new(spec.name)
        yield pytest.param(spec.name, base, id=f"{spec.name}-defaults")
        for p in spec.params:
            values = list(p.choices) if isinstance(p, ChoiceParam) else None
            if isinstance(p, BoolParam):
                values = [not p.default]
            for v in values or ():
                yield pytest.param(
                    spec.name, base.with_param(p.name, v), id=f"{spec.name}-{p.name}={v}"
                )


@pytest.mark.parametrize(("type_", "layer"), list(_variants()))
def test_every_layer_and_option_agrees_with_keras(keras, type_, layer):
    for shape in ((9, 7, 3), (10,), (5, 6)):
        assert_agrees(keras, Architecture("variant", shape, (layer,)))


@pytest.mark.parametrize(
    "path",
    ["mnist-cnn", "emotion-cnn", "mnist-mlp", "digits-cnn", "linear-function"],
)
def test_built_model_summary_agrees(keras, path):
    from nnstudio.core.templates import template

    arch = template(path).architecture
    ours = summarize(arch)
    model = build_model(arch)
    assert model.count_params() == ours.total_params
    assert [layer.name for layer in model.layers] == [row.name for row in ours.layers]
    assert [tuple(layer.output.shape) for layer in model.layers] == [
        row.output_shape for row in ours.layers
    ]
    assert [layer.count_params() for layer in model.layers] == [row.params for row in ours.layers]
