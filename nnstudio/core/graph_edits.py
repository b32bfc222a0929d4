"""Edits of a model as a graph: add a layer after another or into a connection, delete layers
(their consumers then take what they took), connect and disconnect, by Keras name.

A stack is connected by position, which a graph edit must not depend on: each edit first makes
every name and connection explicit, edits that, and gives back a stack again whenever the
result is one (so that a chain stays as simple as today's stack, in the window and in its file).
Each function returns the new architecture; ``ReplaceArchitecture`` of it is the undoable edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from nnstudio.core.architecture import (
    DEFAULT_INPUT_NAME,
    Architecture,
    LayerConfig,
    auto_names,
    to_snake_case,
)
from nnstudio.core.graph import resolve


class GraphEditError(ValueError):
    """An edit that cannot be made; the message says why."""


def explicit(arch: Architecture) -> Architecture:
    """The same model with every layer named, every connection written and the outputs and
    first input named: what graph edits work on."""
    graph = resolve(arch)
    layers = tuple(
        replace(layer, name=name, inputs=sources)
        for layer, name, sources in zip(arch.layers, graph.names, graph.inbound, strict=True)
    )
    return arch.replace(
        layers=layers,
        input_name=arch.inputs[0].name,
        outputs=tuple(arch.outputs) or graph.names[-1:],
    )


def simplified(arch: Architecture) -> Architecture:
    """A stack again when the graph is a chain in the layers' order (each layer takes the one
    before it, from the only input to the last layer, the only output); otherwise unchanged.
    Names equal to the ones Keras would give are left out, as a stack's are."""
    names = arch.layer_names()
    first = arch.inputs[0].name
    chain = (
        not arch.more_inputs
        and first == DEFAULT_INPUT_NAME
        and tuple(arch.outputs) in ((), names[-1:])
        and all(
            tuple(layer.inputs) in ((), ((names[i - 1] if i else first),))
            for i, layer in enumerate(arch.layers)
        )
    )
    if not chain:
        return arch
    auto = auto_names([None] * len(names), [layer.type for layer in arch.layers])
    plain = tuple(
        replace(layer, name=None if name == auto[i] else name, inputs=())
        for i, (layer, name) in enumerate(zip(arch.layers, names, strict=True))
    )
    stack = arch.replace(layers=plain, input_name="", outputs=())
    if stack.layer_names() != names:  # unnamed layers would be named otherwise: keep names
        stack = stack.replace(
            layers=tuple(layer.with_name(n) for layer, n in zip(plain, names, strict=True))
        )
    return stack


def fresh_name(arch: Architecture, type_name: str) -> str:
    """A Keras-style name for a new layer that no layer or input of the model has."""
    return _untaken(to_snake_case(type_name), set(arch.layer_names()) | _input_names(arch))


def _input_names(arch: Architecture) -> set[str]:
    return {i.name for i in arch.inputs}


def _untaken(prefix: str, taken: set[str]) -> str:
    """``prefix``, or ``prefix_1``, ``prefix_2``... : the first not in ``taken``."""
    n = 0
    while True:
        name = prefix if n == 0 else f"{prefix}_{n}"
        if name not in taken:
            return name
        n += 1


def _index_of(arch: Architecture, name: str) -> int:
    """The layer named so, or -1 for a model input (whose layers come after it)."""
    if name in _input_names(arch):
        return -1
    names = arch.layer_names()
    if name not in names:
        raise GraphEditError(f"the model has no layer or input named {name!r}")
    return names.index(name)


def _renamed_source(layer: LayerConfig, old: str, new: tuple[str, ...]) -> LayerConfig:
    inputs: list[str] = []
    for source in layer.inputs:
        for name in new if source == old else (source,):
            if name not in inputs:
                inputs.append(name)
    return layer.with_inputs(inputs)


def _rewire(arch: Architecture, old: str, new: tuple[str, ...], skip: int = -2) -> Architecture:
    """Every layer (but ``skip``) and output that took ``old`` takes ``new`` instead."""
    layers = tuple(
        layer if i == skip or old not in layer.inputs else _renamed_source(layer, old, new)
        for i, layer in enumerate(arch.layers)
    )
    outputs: list[str] = []
    for name in arch.outputs:
        for out in new if name == old else (name,):
            if out not in outputs:
                outputs.append(out)
    return arch.replace(layers=layers, outputs=tuple(outputs))


def _new_layer(arch: Architecture, layer: LayerConfig | str) -> LayerConfig:
    layer = LayerConfig.new(layer) if isinstance(layer, str) else layer
    return layer.with_name(fresh_name(arch, layer.type)) if layer.name is None else layer


def insert_after(
    arch: Architecture, source: str, layer: LayerConfig | str
) -> tuple[Architecture, int]:
    """A new layer taking ``source`` (a layer or an input), which everything that took
    ``source`` now takes instead: dropped onto a card, a layer goes right after it. Returns
    the new architecture and the new layer's index."""
    graph = explicit(arch)
    new = _new_layer(graph, layer).with_inputs((source,))
    at = _index_of(graph, source) + 1
    rewired = _rewire(graph, source, (new.name,))
    layers = list(rewired.layers)
    layers.insert(at, new)
    return simplified(rewired.replace(layers=tuple(layers))), at


def insert_into(
    arch: Architecture, source: str, target: str, layer: LayerConfig | str
) -> tuple[Architecture, int]:
    """A new layer on the connection from ``source`` to the layer ``target``: the target takes
    the new layer where it took ``source``. Returns the new architecture and the new layer's
    index."""
    graph = explicit(arch)
    at = _index_of(graph, target)
    if at < 0:
        raise GraphEditError(f"{target!r} is a model input: nothing flows into it")
    taken = graph.layers[at]
    if source not in taken.inputs:
        raise GraphEditError(f"{target!r} does not take {source!r}")
    new = _new_layer(graph, layer).with_inputs((source,))
    layers = list(graph.layers)
    layers[at] = _renamed_source(taken, source, (new.name,))
    row = _index_of(graph, source) + 1
    layers.insert(row, new)
    return simplified(graph.replace(layers=tuple(layers))), row


def remove_layers(arch: Architecture, names: Iterable[str]) -> Architecture:
    """The model without these layers: what took one of them takes what it took (its first
    input, for a merge), so that deleting a card from a chain closes the gap."""
    graph = explicit(arch)
    for name in dict.fromkeys(names):
        at = _index_of(graph, name)
        if at < 0:
            raise GraphEditError(f"{name!r} is a model input, not a layer: it cannot be deleted")
        gone = graph.layers[at]
        bypass = tuple(gone.inputs[:1])
        graph = _rewire(graph, name, bypass, skip=at)
        layers = list(graph.layers)
        del layers[at]
        graph = graph.replace(layers=tuple(layers))
    layer_names = graph.layer_names()
    outputs = tuple(n for n in graph.outputs if n in layer_names) or layer_names[-1:]
    graph = graph.replace(outputs=outputs)
    return simplified(graph)


def connect(arch: Architecture, source: str, target: str) -> Architecture:
    """``target`` takes ``source`` too (a merge layer: one more input) or instead (any other
    layer, which takes one input)."""
    graph = explicit(arch)
    at = _index_of(graph, target)
    if at < 0:
        raise GraphEditError(f"{target!r} is a model input: nothing flows into it")
    if source == target:
        raise GraphEditError(f"{target!r} cannot take its own output")
    _index_of(graph, source)  # a layer or input of the model
    layer = graph.layers[at]
    if source in layer.inputs:
        return arch
    inputs = (*layer.inputs, source) if layer.spec.merge else (source,)
    layers = list(graph.layers)
    layers[at] = layer.with_inputs(inputs)
    return simplified(graph.replace(layers=tuple(layers)))


def disconnect(arch: Architecture, source: str, target: str) -> Architecture:
    """``target`` no longer takes ``source``. A layer keeps at least one input: to take
    another instead, connect that one."""
    graph = explicit(arch)
    at = _index_of(graph, target)
    layer = graph.layers[at] if at >= 0 else None
    if layer is None or source not in layer.inputs:
        raise GraphEditError(f"{target!r} does not take {source!r}")
    if len(layer.inputs) == 1:
        raise GraphEditError(
            f"{target!r} takes only {source!r}: a layer needs an input. Connect another "
            "layer to it instead, or delete it"
        )
    layers = list(graph.layers)
    layers[at] = layer.with_inputs(n for n in layer.inputs if n != source)
    return simplified(graph.replace(layers=tuple(layers)))


def set_outputs(arch: Architecture, names: Iterable[str]) -> Architecture:
    """The model gives the outputs of these layers, in order."""
    names = tuple(dict.fromkeys(names))
    for name in names:
        if _index_of(arch, name) < 0:
            raise GraphEditError(f"{name!r} is a model input, not a layer")
    return simplified(explicit(arch).replace(outputs=names))


# Copy and paste --------------------------------------------------------------------------


def copied_layers(arch: Architecture, names: Iterable[str]) -> tuple[LayerConfig, ...]:
    """The layers of these names, in the model's order, each with its name and what it takes
    (a subgraph to paste: connections to layers outside it are kept as names)."""
    wanted = set(names)
    graph = explicit(arch)
    return tuple(layer for layer in graph.layers if layer.name in wanted)


def _sinks(layers: tuple[LayerConfig, ...]) -> list[str]:
    """The layers of a subgraph that no other layer of it takes."""
    taken = {source for layer in layers for source in layer.inputs}
    return [layer.name for layer in layers if layer.name not in taken]


def paste(
    arch: Architecture, layers: Iterable[LayerConfig], after: str | None = None
) -> tuple[Architecture, list[int]]:
    """Copies of ``layers`` (``copied_layers``) after the layer or input ``after`` (None: the
    model's output), renamed where their names are taken and connected among themselves as
    they were. What they took from outside the copy, they take from ``after``; what took
    ``after`` takes the copy's last layer instead (when it has one): a block pasted after a
    block repeats it, as a chain's layers pasted after a card follow it. Returns the new
    architecture and the rows of the copies."""
    layers = tuple(layers)
    if not layers:
        return arch, []
    graph = explicit(arch)
    names = graph.layer_names()
    if after is None:
        after = (graph.outputs or names[-1:] or (graph.inputs[0].name,))[0]
    at = _index_of(graph, after) + 1
    taken = set(names) | _input_names(graph)
    renamed: dict[str, str] = {}
    for layer in layers:
        name = layer.name or to_snake_case(layer.type)
        if name in taken:
            name = _untaken(to_snake_case(layer.type), taken)
        taken.add(name)
        renamed[str(layer.name)] = name
    copies = tuple(
        layer.with_name(renamed[str(layer.name)]).with_inputs(
            dict.fromkeys(renamed.get(source, after) for source in layer.inputs or (after,))
        )
        for layer in layers
    )
    sinks = _sinks(copies)
    if len(sinks) == 1:
        graph = _rewire(graph, after, (sinks[0],))
    new_layers = list(graph.layers)
    new_layers[at:at] = copies
    return simplified(graph.replace(layers=tuple(new_layers))), list(range(at, at + len(copies)))


def ungroup(arch: Architecture, name: str) -> tuple[Architecture, list[int]]:
    """The block (a model used as a layer) of this name replaced by its own layers, which
    then take what the block took and give what it gave, so that they can be edited one by
    one. Inner names taken in the model are renamed; a frozen block's layers stay frozen.
    Returns the new architecture and the rows of the layers that came out of the block."""
    graph = explicit(arch)
    at = _index_of(graph, name)
    block_layer = graph.layers[at] if at >= 0 else None
    if block_layer is None or block_layer.block is None:
        raise GraphEditError(f"{name!r} is not a block (a model used as a layer)")
    inner = explicit(block_layer.block)
    if inner.more_inputs or len(inner.outputs) != 1:
        raise GraphEditError(f"the block {name!r} has several inputs or outputs")
    (source,) = block_layer.inputs
    taken = (set(graph.layer_names()) - {name}) | _input_names(graph)
    renamed = {inner.inputs[0].name: source}
    for layer in inner.layers:
        new = layer.name if layer.name not in taken else _untaken(str(layer.name), taken)
        taken.add(new)
        renamed[str(layer.name)] = new
    frozen = {} if block_layer.trainable else {"trainable": False}
    moved = tuple(
        replace(
            layer,
            name=renamed[str(layer.name)],
            inputs=tuple(renamed[s] for s in layer.inputs),
            keras={**layer.keras, **frozen},
        )
        for layer in inner.layers
    )
    layers = list(graph.layers)
    layers[at : at + 1] = moved
    result = _rewire(graph.replace(layers=tuple(layers)), name, (renamed[inner.outputs[0]],))
    return simplified(result), list(range(at, at + len(moved)))
