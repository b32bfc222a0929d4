"""A trained model answering one input at a time, fast enough to follow a pen.

``model.predict`` sets up a whole prediction loop on every call (about 57 ms here); a drawing
pad asks for an answer at every mouse move. :class:`Predictor` traces the model once into a
``tf.function`` for a single sample and calls that: a few milliseconds for article 002's CNN.
The same call gives every layer's activations, which is what "look inside" shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnstudio.core import backend
from nnstudio.core.building import called_output
from nnstudio.core.errors import NnstudioError


class PredictionError(NnstudioError, ValueError):
    """The input cannot be fed to the model; the message says why."""


@dataclass(frozen=True)
class LayerActivation:
    """What one layer of the model output for the input (the batch axis removed)."""

    name: str
    type: str
    values: np.ndarray


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one input."""

    #: The last layer's raw output for the sample.
    outputs: np.ndarray
    #: One probability per class (classification), or None (regression).
    probabilities: np.ndarray | None
    class_names: tuple[str, ...]
    activations: tuple[LayerActivation, ...] = field(default=())

    @property
    def is_classification(self) -> bool:
        return self.probabilities is not None

    def top(self, k: int = 1) -> list[tuple[str, float]]:
        """The ``k`` most probable classes with their probabilities, the most probable first."""
        if self.probabilities is None:
            return []
        order = np.argsort(-self.probabilities, kind="stable")[:k]
        return [(self.class_names[i], float(self.probabilities[i])) for i in order]

    def text(self, k: int = 3) -> str:
        """As article 000 prints it: ``Happy - 91.68%``, one class per line."""
        if self.probabilities is None:
            return ", ".join(f"{v:.6g}" for v in self.outputs.ravel())
        return "\n".join(f"{name} - {p * 100:.2f}%" for name, p in self.top(k))


def probabilities(outputs: np.ndarray, activation: str, kind: str = "unknown") -> np.ndarray:
    """Class probabilities from a classifier's last outputs (one sample): softmax outputs as
    they are, one sigmoid unit as [1 - p, p], several sigmoids as they are, anything else
    (logits) through a softmax.

    ``kind`` is what training made of the outputs (``ModelInfo.outputs``): "values" were
    trained against 0/1 targets with a loss such as MSE (article 001's perceptron: its one
    linear unit means class 1 from 0.5), so they are clipped to [0, 1], one as [1 - p, p],
    several made to sum to 1.
    """
    outputs = np.asarray(outputs, dtype=np.float64).ravel()
    if kind == "values" and activation not in ("softmax", "sigmoid"):
        p = np.clip(outputs, 0, 1)
        if p.size == 1:
            return np.array([1 - p[0], p[0]])
        total = p.sum()
        return p / total if total > 0 else np.full(p.size, 1 / p.size)
    if activation == "softmax":
        return outputs
    if activation == "sigmoid":
        return np.array([1 - outputs[0], outputs[0]]) if outputs.size == 1 else outputs
    if outputs.size == 1:  # a single logit
        p = 1 / (1 + np.exp(-outputs[0]))
        return np.array([1 - p, p])
    shifted = np.exp(outputs - outputs.max())
    return shifted / shifted.sum()


def _last_activation(model) -> str:
    for layer in reversed(model.layers):
        activation = getattr(layer, "activation", None)
        if activation is not None:
            return getattr(activation, "__name__", str(activation))
        if type(layer).__name__ == "Activation":
            return layer.get_config().get("activation", "linear")
        if type(layer).__name__ not in ("Dropout", "Flatten", "Reshape"):
            return "linear"
    return "linear"


class Predictor:
    """Calls a built Keras model on one sample through a traced function.

    ``class_names`` makes it a classifier (probabilities per class); without them it is a
    regression (the outputs are the answer). ``outputs`` says what training made of the
    outputs (see ``probabilities``). With ``activations=True`` every layer's output
    comes back too, from the same call.
    """

    def __init__(
        self, model, class_names=(), *, activations: bool = True, outputs: str = "unknown"
    ) -> None:
        keras = backend.keras()
        tf = backend.tensorflow()
        if not model.inputs:
            raise PredictionError(
                "the model has no defined input; build it with an input shape first "
                "(nnstudio's models always have one)"
            )
        self.model = model
        self.input_shape = tuple(model.inputs[0].shape[1:])
        if None in self.input_shape:
            raise PredictionError(
                f"the model's input shape {self.input_shape} is not fixed; the playground "
                "needs every dimension (set it in the Model tab)"
            )
        self.class_names = tuple(class_names)
        self.activation = _last_activation(model)
        #: What the outputs are (ModelInfo.outputs): "values" are read as 0/1 targets.
        self.outputs = outputs
        self.layers = list(model.layers) if activations else []
        if activations:
            outputs = [called_output(keras, layer) for layer in self.layers]
            probe = keras.Model(model.inputs, outputs)
        else:
            probe = model
        self._probe = probe
        spec = tf.TensorSpec((1, *self.input_shape), tf.float32)
        self._function = tf.function(lambda x: probe(x, training=False), input_signature=[spec])
        self._function.get_concrete_function()  # trace now, not at the first stroke

    def __call__(self, sample: np.ndarray) -> Prediction:
        """The prediction for one sample shaped like the model's input (a batch axis of one
        may be given or not), float values as training used them (pixels / 255)."""
        x = np.asarray(sample, dtype=np.float32)
        if x.shape == self.input_shape:
            x = x[None]
        if x.shape != (1, *self.input_shape):
            raise PredictionError(
                f"the model takes inputs of shape {self.input_shape}; received {x.shape[1:]}"
                if x.ndim and x.shape[0] == 1
                else f"the model takes one input of shape {self.input_shape}; received {x.shape}"
            )
        results = self._function(x)
        if not isinstance(results, list | tuple):  # one output: Keras gives it bare
            results = [results]
        values = [np.asarray(r)[0] for r in results]
        outputs = values[-1]
        probs = probabilities(outputs, self.activation, self.outputs) if self.class_names else None
        if probs is not None and probs.size != len(self.class_names):
            raise PredictionError(
                f"the model gives {probs.size} class probabilities but there are "
                f"{len(self.class_names)} class names; train it on this dataset first"
            )
        activations = (
            tuple(
                LayerActivation(layer.name, type(layer).__name__, v)
                for layer, v in zip(self.layers, values, strict=True)
            )
            if self.layers
            else ()
        )
        return Prediction(outputs, probs, self.class_names, activations)

    def weights(self) -> list[tuple[str, str, list[np.ndarray]]]:
        """Each layer with weights: its name, type and arrays (kernel first, as get_weights)."""
        return [
            (layer.name, type(layer).__name__, [np.asarray(w) for w in layer.get_weights()])
            for layer in self.model.layers
            if layer.get_weights()
        ]
