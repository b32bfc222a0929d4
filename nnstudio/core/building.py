"""Building the Keras model of an architecture."""

from __future__ import annotations

from typing import Any

from nnstudio.core import backend
from nnstudio.core.architecture import Architecture, LayerConfig
from nnstudio.core.catalogue import LayerType
from nnstudio.core.errors import InvalidArchitectureError
from nnstudio.core.summary import safe_name, summarize


def keras_arguments(layer: LayerConfig) -> dict[str, Any]:
    """The constructor arguments of a layer, as Keras takes them."""
    own = {p.name: p.to_keras(layer.params[p.name]) for p in layer.spec.params}
    return {**own, **layer.keras}


def keras_class(keras, spec: LayerType):
    """The Keras class of a layer type: in ``keras.layers``, or the applications' own module."""
    path = spec.keras_class
    if not path:
        return getattr(keras.layers, spec.name)
    import importlib

    module, _, cls = path.partition(":")
    return getattr(importlib.import_module(module), cls)


def keras_layer(keras, layer: LayerConfig, name: str):
    """A new Keras layer object for a layer of the stack; a block, its own Keras model (the
    same names inside, so that a Keras file's weights load into it)."""
    if layer.block is not None:
        model = _model(keras, layer.block, name)
        if not layer.trainable:
            model.trainable = False
        return model
    return keras_class(keras, layer.spec)(**keras_arguments(layer), name=name)


def model_name(arch: Architecture) -> str:
    """A Keras model name for the architecture: TensorFlow's root scope names allow letters,
    digits and _ . - > only, and must start with a letter, digit or dot ("MNIST CNN" becomes
    "MNIST_CNN"); a space in the name would make ``fit`` fail."""
    name = safe_name(arch.name, fallback="model")
    return name if name[0].isalnum() or name[0] == "." else f"model_{name}"


def build_model(arch: Architecture):
    """The uncompiled Keras model of a valid architecture: a ``keras.Sequential`` for a stack,
    a functional ``keras.Model`` (with the same input and layer names) for a graph.

    Its own ``summary()`` agrees with ``summarize(arch)``: same layer names, output shapes and
    parameter counts. Raises ``InvalidArchitectureError`` if the architecture has errors.
    """
    summary = summarize(arch)
    if not summary.ok:
        raise InvalidArchitectureError(summary.errors)
    return _model(backend.keras(), arch, model_name(arch))


def _model(keras, arch: Architecture, name: str):
    if not arch.is_stack:
        return _functional(keras, arch, name)
    layers = [keras.Input(shape=arch.input_shape)]
    for layer, layer_name in zip(arch.layers, arch.layer_names(), strict=True):
        layers.append(keras_layer(keras, layer, layer_name))
    return keras.Sequential(layers, name=name)


def _functional(keras, arch: Architecture, name: str):
    """A graph as a functional model: each layer called on what it takes, in an order where
    it comes after all of it."""
    from nnstudio.core.graph import resolve

    graph = resolve(arch)
    tensors = {i.name: keras.Input(shape=i.shape, name=i.name) for i in arch.inputs}
    inputs = list(tensors.values())
    for index in graph.order:
        layer, layer_name = arch.layers[index], graph.names[index]
        taken = [tensors[source] for source in graph.inbound[index]]
        made = keras_layer(keras, layer, layer_name)
        tensors[layer_name] = made(taken if layer.spec.merge else taken[0])
    outputs = [tensors[output] for output in graph.outputs]
    return keras.Model(
        inputs if len(inputs) > 1 else inputs[0],
        outputs if len(outputs) > 1 else outputs[0],
        name=name,
    )


def called_output(keras, layer):
    """The output of a layer's call in the model it belongs to. A model used as a layer has
    an ``output`` of its own (on its own input, disconnected from the enclosing model), so
    its call's output is read from the node of that call, as Keras' summary does."""
    if isinstance(layer, keras.Model):
        return layer._inbound_nodes[0].output_tensors[0]
    return layer.output


def keras_summary_text(arch: Architecture) -> str:
    """What Keras' own ``model.summary()`` prints for the architecture."""
    lines: list[str] = []
    build_model(arch).summary(print_fn=lambda text, **_: lines.append(text))
    return "\n".join(lines)
