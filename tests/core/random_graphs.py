"""Random graphs of layers, valid and invalid, for comparing nnstudio's inference with Keras:
branches taken from any earlier layer (or the input), merges of two or three of them whose
shapes often differ, every layer that nothing takes being an output of the model."""

from __future__ import annotations

import random

from nnstudio.core.architecture import Architecture, LayerConfig
from nnstudio.core.catalogue import LAYER_TYPES
from nnstudio.core.summary import summarize

from .random_stacks import _fits, random_layer

SINGLE = tuple(t for t in LAYER_TYPES if not t.merge)
MERGES = tuple(t for t in LAYER_TYPES if t.merge)
INPUT = "image"


def _input_shape(rng: random.Random) -> tuple:
    if rng.random() < 0.7:
        side = rng.choice([4, 6, 8, 12, 16])
        return (side, rng.choice([side, side, rng.randint(3, 16)]), rng.choice([1, 2, 3]))
    return (rng.choice([4, 8, 16, 30]),)


def _shapes(layers, input_shape) -> dict:
    """Each name's output shape so far (None where unknown or invalid)."""
    arch = Architecture("g", input_shape, tuple(layers), input_name=INPUT)
    summary = summarize(arch)
    shapes = {INPUT: (None, *input_shape)}
    for row in summary.layers:
        shapes[row.name] = row.output_shape
    return shapes


def random_graph(seed: int) -> Architecture:
    rng = random.Random(seed)
    input_shape = _input_shape(rng)
    layers: list[LayerConfig] = []
    for n in range(rng.randint(2, 8)):
        shapes = _shapes(layers, input_shape)
        names = [INPUT, *(f"n{k}" for k in range(n))]
        name = f"n{n}"
        if n >= 1 and rng.random() < 0.35:
            # A merge of two (or three) branches, usually of the same rank.
            first = rng.choice(names)
            rank = len(shapes[first]) if shapes.get(first) else None
            alike = [m for m in names if m != first and shapes.get(m) and len(shapes[m]) == rank]
            pool = alike if alike and rng.random() < 0.85 else [m for m in names if m != first]
            sources = [first, *rng.sample(pool, min(len(pool), rng.choice([1, 1, 2])))]
            spec = rng.choice(MERGES)
            if spec.exact:
                sources = sources[:2]
            raw = {"type": spec.name, "name": name, "inputs": sources}
            if spec.name == "Concatenate" and rng.random() < 0.5 and rank:
                # Never the batch axis, along which nnstudio refuses to join (Keras joins).
                raw["axis"] = rng.choice([-1, *range(1, rank), *range(-rank + 1, 0)])
            if spec.name == "CustomScaleLayer":
                raw["scale"] = rng.choice([0.1, 0.17, 1.0])
            layers.append(LayerConfig.create(**raw))
            continue
        # One input: most often the latest layer, sometimes an earlier one (a branch).
        source = names[-1] if rng.random() < 0.6 else rng.choice(names)
        shape = shapes.get(source)
        fits = [t for t in SINGLE if _fits(t, shape)] if rng.random() < 0.85 else []
        spec = rng.choice(fits or SINGLE)
        layer = random_layer(rng, spec, shape, [name])
        layers.append(layer.with_name(name).with_inputs((source,)))
    taken = {source for layer in layers for source in layer.inputs}
    outputs = tuple(layer.name for layer in layers if layer.name not in taken)
    return Architecture(
        f"graph {seed}", input_shape, tuple(layers), input_name=INPUT, outputs=outputs
    )
