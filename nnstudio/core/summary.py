"""``summarize``: Keras' ``model.summary()`` computed without Keras, plus what is wrong and how
to fix it.

It runs on every edit in the window, so it is pure Python over small integers: summarizing a
50-layer stack takes a fraction of a millisecond (``benchmarks/summary_speed.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from nnstudio.core.architecture import Architecture, LayerConfig, Shape
from nnstudio.core.edits import Fix, ReplaceLayer, SetParameter
from nnstudio.core.formatting import format_shape, readable_bytes
from nnstudio.core.params import MAX_SIZE, FloatParam, Param
from nnstudio.core.repairs import image_repair
from nnstudio.core.shapes import SHAPE_PRESERVING, ShapeError, infer

#: Weights are float32.
BYTES_PER_WEIGHT = 4
#: A model whose weights take more than this is refused: it would not train on a laptop.
WEIGHT_LIMIT_BYTES = 4 * 1024**3

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """Something wrong with a layer (``layer`` is its index) or the input (``layer`` None)."""

    layer: int | None
    message: str
    severity: str = ERROR
    fix: Fix | None = None
    #: The parameter whose value is wrong, when the problem is one parameter's.
    param: str | None = None
    #: Other ways to fix it, offered after ``fix``.
    alternatives: tuple[Fix, ...] = ()

    @property
    def fixes(self) -> tuple[Fix, ...]:
        """Every fix, the one offered first first."""
        return ((self.fix,) if self.fix is not None else ()) + self.alternatives

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"layer": self.layer, "message": self.message}
        if self.fix is not None:
            out["fix"] = self.fix.description
        if self.alternatives:
            out["other_fixes"] = [f.description for f in self.alternatives]
        return out


@dataclass(frozen=True)
class LayerSummary:
    """One row of the summary. Counts and shapes are None where they cannot be known."""

    index: int
    name: str
    layer: LayerConfig
    output_shape: Shape | None
    trainable_params: int | None
    non_trainable_params: int | None
    macs: int | None
    problems: tuple[Problem, ...] = ()

    @property
    def type(self) -> str:
        return self.layer.type

    @property
    def description(self) -> str:
        """The layer with its key parameters, such as "Conv2D 32 3x3 relu"."""
        return self.layer.describe()

    @property
    def params(self) -> int | None:
        if self.trainable_params is None or self.non_trainable_params is None:
            return None
        return self.trainable_params + self.non_trainable_params

    @property
    def weight_bytes(self) -> int | None:
        return None if self.params is None else self.params * BYTES_PER_WEIGHT

    @property
    def has_error(self) -> bool:
        return any(p.severity == ERROR for p in self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "output_shape": None if self.output_shape is None else list(self.output_shape),
            "params": self.params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "macs": self.macs,
        }


def _total(values) -> int | None:
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


@dataclass(frozen=True)
class Summary:
    """The summary of an architecture: one row per layer, totals and problems."""

    architecture: Architecture
    layers: tuple[LayerSummary, ...]
    #: Problems of the input and of the model as a whole (``layer`` is None).
    model_problems: tuple[Problem, ...]
    output_shape: Shape | None

    @property
    def problems(self) -> tuple[Problem, ...]:
        """Every problem: the input's first, then layer by layer."""
        per_layer = [p for row in self.layers for p in row.problems]
        return tuple(sorted((*self.model_problems, *per_layer), key=_problem_order))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == WARNING)

    @property
    def ok(self) -> bool:
        """Keras accepts the model (warnings aside)."""
        return not self.errors

    @property
    def trainable_params(self) -> int | None:
        return _total(row.trainable_params for row in self.layers)

    @property
    def non_trainable_params(self) -> int | None:
        return _total(row.non_trainable_params for row in self.layers)

    @property
    def total_params(self) -> int | None:
        return _total(row.params for row in self.layers)

    @property
    def macs(self) -> int | None:
        return _total(row.macs for row in self.layers)

    @property
    def weight_bytes(self) -> int | None:
        total = self.total_params
        return None if total is None else total * BYTES_PER_WEIGHT

    def to_dict(self) -> dict[str, Any]:
        """The JSON object ``nnstudio summary --json`` prints (without its ``file`` key)."""
        warnings = [p.to_dict() for p in self.warnings]
        if not self.ok:
            return {"ok": False, "errors": [p.to_dict() for p in self.errors], "warnings": warnings}
        return {
            "ok": True,
            "name": self.architecture.name,
            "input_shape": list(self.architecture.input_shape),
            "output_shape": list(self.output_shape or ()),
            "layers": [row.to_dict() for row in self.layers],
            "total_params": self.total_params,
            "trainable_params": self.trainable_params,
            "non_trainable_params": self.non_trainable_params,
            "macs": self.macs,
            "weight_bytes": self.weight_bytes,
            "warnings": warnings,
        }


def _problem_order(p: Problem) -> int:
    return -1 if p.layer is None else p.layer


# Checks -----------------------------------------------------------------------------------


def _input_problems(shape: Shape) -> list[Problem]:
    if not shape:
        return [
            Problem(
                None,
                "The input shape needs at least one size, such as [784] for "
                "a flat vector or [28, 28, 1] for a grayscale image.",
            )
        ]
    text = format_shape(shape)
    if any(d is not None and d < 1 for d in shape):
        return [
            Problem(
                None, f"Input sizes must be at least 1; received {text}, which would hold no data."
            )
        ]
    if any(d is not None and d > MAX_SIZE for d in shape):
        return [Problem(None, f"Input sizes must be at most {MAX_SIZE:,}; received {text}.")]
    return []


def _name_problems(arch: Architecture, names: tuple[str, ...]) -> dict[int, list[Problem]]:
    out: dict[int, list[Problem]] = {}
    seen: dict[str, int] = {}
    for i, layer in enumerate(arch.layers):
        name = layer.name
        if not name:
            continue
        if not valid_layer_name(name):
            fixed = safe_name(name)
            out.setdefault(i, []).append(
                Problem(
                    i,
                    f"Layer name {name!r} may only contain letters, digits and _ . - > "
                    "(Keras refuses '/', and TensorFlow refuses other characters when training).",
                    fix=Fix(f"Rename to {fixed!r}", ReplaceLayer(i, layer.with_name(fixed))),
                )
            )
        if name in seen:
            unique = _unique_name(name, set(names))
            out.setdefault(i, []).append(
                Problem(
                    i,
                    f"Layer name {name!r} is already used by layer {seen[name]}; names must be "
                    "unique.",
                    fix=Fix(f"Rename to {unique!r}", ReplaceLayer(i, layer.with_name(unique))),
                )
            )
        seen.setdefault(name, i)
    return out


#: What TensorFlow accepts in a scope name (tensorflow/python/framework/ops.py), minus the '/'
#: that Keras refuses in layer names.
_NAME = re.compile(r"[A-Za-z0-9_.\->]*")


def valid_layer_name(name: str) -> bool:
    return _NAME.fullmatch(name) is not None


def safe_name(name: str, fallback: str = "layer") -> str:
    """The name with every character TensorFlow refuses replaced by '_'."""
    cleaned = re.sub(r"[^A-Za-z0-9_.\->]+", "_", name.strip()).strip("_")
    return cleaned or fallback


def _unique_name(name: str, taken: set[str]) -> str:
    n = 1
    while f"{name}_{n}" in taken:
        n += 1
    return f"{name}_{n}"


def _param_fix(index: int, layer: LayerConfig, param: Param, value: Any) -> Fix | None:
    if not isinstance(param, FloatParam):
        return None
    if param.name == "rate":
        if 1 < value <= 100:
            return Fix(
                f"Set rate to {value / 100:g} (a rate is a fraction, not a percentage)",
                SetParameter(index, "rate", value / 100),
            )
        return Fix("Set rate to 0.5", SetParameter(index, "rate", 0.5))
    if param.name == "negative_slope" and value < 0:
        return Fix(f"Set negative_slope to {-value:g}", SetParameter(index, param.name, -value))
    return None


def _param_problems(index: int, layer: LayerConfig) -> list[Problem]:
    out = []
    for param in layer.spec.params:
        value = layer.params[param.name]
        for message in param.problems(value):
            out.append(
                Problem(
                    index,
                    f"{layer.type} {param.name} {message}.",
                    fix=_param_fix(index, layer, param, value),
                    param=param.name,
                )
            )
    return out


def _weight_problem(rows: list[LayerSummary]) -> Problem | None:
    known = [r for r in rows if r.params is not None]
    total = sum(r.params for r in known)
    if total * BYTES_PER_WEIGHT <= WEIGHT_LIMIT_BYTES:
        return None
    biggest = max(known, key=lambda r: r.params)
    return Problem(
        biggest.index,
        f"The weights would take {readable_bytes(total * BYTES_PER_WEIGHT)} ({total:,} "
        f"parameters of {BYTES_PER_WEIGHT} bytes), more than the "
        f"{readable_bytes(WEIGHT_LIMIT_BYTES)} a model may use; {biggest.name} alone has "
        f"{biggest.params:,}. Use fewer units or filters, or pool before flattening.",
    )


# The summary ------------------------------------------------------------------------------


def _score(arch: Architecture) -> tuple[int, int, int | None]:
    """How many errors and warnings a candidate repair leaves, and where the first error is."""
    summary = _summarize(arch, repair=False)
    errors = summary.errors
    first = None if not errors else min(_problem_order(p) for p in errors)
    return len(errors), len(summary.warnings), first


def _shape_problem(
    arch: Architecture, names, i: int, e: ShapeError, inputs, outputs, repair: bool
) -> Problem:
    """The problem of a layer that Keras would refuse; where a layer before it flattened the
    image it needs, removing or moving that layer comes first among the fixes."""
    found = None
    if repair and e.needs_image is not None:
        found = image_repair(arch, names, i, inputs, outputs, _score)
    if found is None:
        return Problem(i, e.message, fix=e.fix, param=e.param)
    fixes = (*found.fixes, *((e.fix,) if e.fix is not None else ()))
    message = e.needs_image + found.sentence(arch, names)
    return Problem(i, message, fix=fixes[0], param=e.param, alternatives=fixes[1:])


def summarize(arch: Architecture) -> Summary:
    """Output shapes, parameter counts and problems of every layer, as Keras would find them.

    Never raises for a readable architecture: whatever is wrong becomes a ``Problem`` attached
    to the layer that causes it. After a layer whose output cannot be known, shapes and counts
    are None ("?").
    """
    return _summarize(arch, repair=True)


def _summarize(arch: Architecture, repair: bool) -> Summary:
    model_problems = _input_problems(arch.input_shape)
    shape: Shape | None = None if model_problems else (None, *arch.input_shape)
    names = arch.layer_names()
    name_problems = _name_problems(arch, names)
    rows = []
    inputs: list[Shape | None] = []
    outputs: list[Shape | None] = []
    for i, layer in enumerate(arch.layers):
        param_problems = _param_problems(i, layer)
        problems = [*name_problems.get(i, ()), *param_problems]
        inference = None
        inputs.append(shape)
        if shape is not None and param_problems:
            # The parameters are wrong, but some layers keep their input's shape regardless.
            shape = shape if layer.type in SHAPE_PRESERVING else None
        elif shape is not None:
            try:
                inference = infer(i, layer, shape)
            except ShapeError as e:
                problems.append(_shape_problem(arch, names, i, e, inputs, outputs, repair))
                shape = None
            else:
                shape = inference.output_shape
                problems += [Problem(i, m, WARNING, f) for m, f in inference.warnings]
        outputs.append(shape)
        rows.append(
            LayerSummary(
                index=i,
                name=names[i],
                layer=layer,
                output_shape=shape,
                trainable_params=None if inference is None else inference.trainable,
                non_trainable_params=None if inference is None else inference.non_trainable,
                macs=None if inference is None else inference.macs,
                problems=tuple(problems),
            )
        )
    heavy = _weight_problem(rows)
    if heavy is not None:
        row = rows[heavy.layer]
        rows[heavy.layer] = replace(row, problems=(*row.problems, heavy))
    if not arch.layers:
        model_problems.append(
            Problem(None, "The model has no layers yet: add one from the palette.")
        )
    return Summary(arch, tuple(rows), tuple(model_problems), shape)
