"""Differential tests of graphs: nnstudio's summary against Keras building the same functional
model, layer after layer, then running each layer once in training mode on a small batch (as
tests/core/test_shapes_vs_keras.py does for stacks). They must agree on acceptance, on the
first layer that fails, and for accepted graphs on every output shape and parameter count."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from nnstudio.core.architecture import Architecture
from nnstudio.core.building import build_model, keras_layer
from nnstudio.core.catalogue import LAYER_TYPES
from nnstudio.core.graph import resolve
from nnstudio.core.summary import summarize

from .random_graphs import random_graph
from .test_shapes_vs_keras import Verdict, portable_refusal

SEEDS = range(400)


def keras_verdict(keras, arch: Architecture) -> Verdict:
    """What Keras makes of a graph: each layer made and called on its inputs' symbolic tensors
    in file order (the generated graphs list a layer after what it takes), then on real tensors
    in training mode; the first that fails is where it fails."""
    graph = resolve(arch)
    order = range(len(arch.layers))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        symbolic = {i.name: keras.Input(shape=i.shape, name=i.name) for i in arch.inputs}
        rng = np.random.default_rng(0)
        real = {
            i.name: keras.ops.convert_to_tensor(rng.random((2, *i.shape), dtype=np.float32))
            for i in arch.inputs
        }
        made, refused = {}, None
        for index in order:
            layer, name = arch.layers[index], graph.names[index]
            sources = graph.inbound[index]
            try:
                made[name] = keras_layer(keras, layer, name)
                taken = [symbolic[s] for s in sources]
                symbolic[name] = made[name](taken if layer.spec.merge else taken[0])
            except Exception as e:
                refused = Verdict(False, index, f"{type(e).__name__}: {e}")
                break
        # Layers Keras accepted symbolically may still fail on real data (augmentations do):
        # run those before the one refused.
        for index in order:
            if refused is not None and index >= refused.failed_at:
                break
            name, layer = graph.names[index], arch.layers[index]
            taken = [real[s] for s in graph.inbound[index]]
            refusal = portable_refusal(layer)
            if refusal:
                return Verdict(False, index, refusal)
            try:
                real[name] = made[name](taken if layer.spec.merge else taken[0], training=True)
            except Exception as e:
                return Verdict(False, index, f"{type(e).__name__}: {e}")
        if refused is not None:
            return refused
    shapes = [tuple(symbolic[name].shape) for name in graph.names]
    params = [
        (
            sum(int(np.prod(w.shape)) for w in made[name].trainable_weights),
            sum(int(np.prod(w.shape)) for w in made[name].non_trainable_weights),
        )
        for name in graph.names
    ]
    return Verdict(True, shapes=shapes, params=params)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_graph_agrees_with_keras(keras, seed):
    arch = random_graph(seed)
    ours = summarize(arch)
    theirs = keras_verdict(keras, arch)
    context = f"\n{arch.to_dict()}\nKeras: {theirs.error or 'accepted'}\nnnstudio: " + "; ".join(
        f"[{p.layer}] {p.message}" for p in ours.errors
    )
    assert ours.ok == theirs.accepted, context
    if not theirs.accepted:
        first = min(p.layer for p in ours.errors if p.layer is not None)
        assert first == theirs.failed_at, context
        return
    for row, shape, counts in zip(ours.layers, theirs.shapes, theirs.params, strict=True):
        assert row.output_shape == shape, context
        assert (row.trainable_params, row.non_trainable_params) == counts, context


def test_random_graphs_cover_merges_valid_and_invalid():
    archs = [random_graph(seed) for seed in SEEDS]
    valid = sum(summarize(a).ok for a in archs)
    assert 0.25 * len(archs) < valid < 0.8 * len(archs)
    merges = {layer.type for a in archs for layer in a.layers if layer.spec.merge}
    assert merges == {t.name for t in LAYER_TYPES if t.merge}
    assert any(len(a.outputs) > 1 for a in archs)


def test_a_valid_graph_builds_as_a_functional_model_with_the_same_summary(keras):
    for seed in SEEDS:
        arch = random_graph(seed)
        ours = summarize(arch)
        if ours.ok and len(arch.layers) >= 4:
            break
    model = build_model(arch)
    assert model.count_params() == ours.total_params
    layers = {layer.name: layer for layer in model.layers}
    for row in ours.layers:
        assert tuple(layers[row.name].output.shape) == row.output_shape
