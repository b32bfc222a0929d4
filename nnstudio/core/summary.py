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
from nnstudio.core.edits import Fix, ReplaceLayer, SetInputs, SetParameter
from nnstudio.core.formatting import format_shape, readable_bytes
from nnstudio.core.graph import resolve
from nnstudio.core.params import MAX_SIZE, FloatParam, Param
from nnstudio.core.repairs import image_repair, merge_fixes
from nnstudio.core.shapes import SHAPE_PRESERVING, Inference, ShapeError, infer, infer_merge

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
    #: The names of what the layer takes (layers or model inputs): "Connected to".
    inputs: tuple[str, ...] = ()
    #: A model used as a layer: the summary of its own layers (Keras' ``expand_nested``).
    block: Summary | None = None

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
            "inputs": list(self.inputs),
            **({"layers": [row.to_dict() for row in self.block.layers]} if self.block else {}),
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
    #: The (first) output's shape, and every output's.
    output_shape: Shape | None
    output_shapes: tuple[Shape | None, ...] = ()

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
    arch: Architecture, names, i: int, e: ShapeError, inputs, outputs, repair: bool, merged=()
) -> Problem:
    """The problem of a layer that Keras would refuse; where a layer before it flattened the
    image it needs, removing or moving that layer comes first among the fixes; merge inputs of
    different shapes are offered a projection of one branch, or a Concatenate."""
    if e.needs_equal:
        fixes = merge_fixes(arch, names, i, *merged)
        return Problem(i, e.message, fix=fixes[0] if fixes else e.fix, alternatives=fixes[1:])
    found = None
    if repair and e.needs_image is not None:
        found = image_repair(arch, names, i, inputs, outputs, _score)
    if found is None:
        return Problem(i, e.message, fix=e.fix, param=e.param)
    fixes = (*found.fixes, *((e.fix,) if e.fix is not None else ()))
    message = e.needs_image + found.sentence(arch, names)
    return Problem(i, message, fix=fixes[0], param=e.param, alternatives=fixes[1:])


def summarize(arch: Architecture, previous: Summary | None = None) -> Summary:
    """Output shapes, parameter counts and problems of every layer, as Keras would find them.

    Never raises for a readable architecture: whatever is wrong becomes a ``Problem`` attached
    to the layer that causes it. After a layer whose output cannot be known, shapes and counts
    are None ("?").

    ``previous``, the summary before an edit, lets the layers the edit did not reach keep
    their inference (the same layer at the same place, given the same shapes, without
    problems): an edit of a 177-layer model infers only what comes after it.
    """
    return _summarize(arch, repair=True, previous=previous)


@dataclass(frozen=True)
class _Reused:
    """A layer's counts from the previous summary, where its inference would be the same."""

    trainable: int
    non_trainable: int
    macs: int | None
    block: Summary | None = None


@dataclass(frozen=True)
class _BlockInference(Inference):
    """A model used as a layer: its output and counts are its own summary's."""

    block: Summary | None = None


def _block_inference(i: int, layer: LayerConfig, shape: Shape) -> _BlockInference:
    """What Keras finds calling a nested model on ``shape``: its input must be compatible
    (sizes the block leaves open take the given ones), and its layers' counts add up."""
    block = layer.block
    assert block is not None
    if block.more_inputs or len(block.outputs) > 1:
        raise ShapeError(
            f"This {layer.type} block takes {len(block.inputs)} inputs and gives "
            f"{max(1, len(block.outputs))} outputs; nnstudio's blocks take one input and give "
            "one output."
        )
    declared, given = block.input_shape, shape[1:]
    fits = len(declared) == len(given) and all(
        d is None or g is None or d == g for d, g in zip(declared, given, strict=True)
    )
    if not fits:
        fixed = layer.with_block(block.replace(input_shape=given))
        raise ShapeError(
            f"The {layer.type} block was made for inputs of shape "
            f"{format_shape((None, *declared))}; received {format_shape(shape)}, as Keras "
            "would refuse it.",
            fix=Fix(f"Make the block take {format_shape(shape)}", ReplaceLayer(i, fixed)),
        )
    merged = tuple(g if d is None else d for d, g in zip(declared, given, strict=True))
    # Its rows as Keras shows them expanded (on the block's own input, sizes left open); its
    # output and multiply-adds on what it is called on.
    inner = summarize(block)
    called = inner if merged == declared else summarize(block.replace(input_shape=merged))
    if not called.ok:
        problem = called.errors[0]
        where = "its input" if problem.layer is None else called.layers[problem.layer].name
        fix = None
        if problem.fix is not None:
            repaired = layer.with_block(problem.fix.apply(block))
            fix = Fix(f"{problem.fix.description} (inside the block)", ReplaceLayer(i, repaired))
        raise ShapeError(f"Inside the block, {where}: {problem.message}", fix=fix)
    assert called.output_shape is not None
    return _BlockInference(
        called.output_shape,
        called.trainable_params or 0,
        called.non_trainable_params or 0,
        called.macs,
        block=inner,
    )


def _reusable(previous: Summary | None) -> dict[int, tuple]:
    """(layer, name, inputs, their shapes, row) of each problem-free row of ``previous``."""
    if previous is None:
        return {}
    known = {i.name: (None, *i.shape) for i in previous.architecture.inputs}
    known.update((row.name, row.output_shape) for row in previous.layers)
    return {
        row.index: (row.layer, row.name, row.inputs, [known.get(n) for n in row.inputs], row)
        for row in previous.layers
        if not row.problems and row.output_shape is not None and row.trainable_params is not None
    }


def _with_skip_fix(problem: Problem, layer, sources, shapes, known, name) -> Problem:
    """A merge given too few inputs: connect, in one click, the latest earlier output it can
    take (a skip connection), if there is one."""
    if len(sources) >= layer.spec.min_inputs or not shapes or shapes[0] is None:
        return problem
    concatenate = layer.type == "Concatenate"
    wanted = shapes[0]
    for candidate, shape in reversed(list(known.items())):
        if candidate in sources or candidate == name or shape is None:
            continue
        fits = shape[:-1] == wanted[:-1] if concatenate else shape == wanted
        if fits and len(shape) == len(wanted):
            fix = Fix(
                f"Connect {candidate} to {name} (a skip connection)",
                SetInputs(problem.layer, (*sources, candidate)),
            )
            return replace(problem, fix=fix)
    return problem


def _arity_problem(i: int, layer: LayerConfig, sources: tuple[str, ...]) -> Problem | None:
    """A layer given more inputs than it takes, or a merge given fewer than it needs."""
    spec = layer.spec
    count = len(sources)
    if not spec.merge and count == 1:
        return None
    if spec.merge and (count == spec.min_inputs or (count > spec.min_inputs and not spec.exact)):
        return None
    given = (
        f"received {count} ({', '.join(sources)})" if count > 1 else f"received one ({sources[0]})"
    )
    if spec.merge:
        hint = (
            "connect another branch to it (a skip connection: an earlier layer's output)"
            if count < spec.min_inputs
            else "disconnect the others"
        )
        return Problem(i, f"{layer.type} takes {spec.inputs_needed}; {given}: {hint}.")
    return Problem(
        i,
        f"{layer.type} takes one input; {given}. Join them first with an Add (same shapes) or "
        "a Concatenate (side by side).",
    )


def _layer_inference(arch, names, i, layer, sources, shapes, stack_shapes, repair):
    """(output shape, inference or None, problems) of one layer given its inputs' shapes."""
    problems = list(_param_problems(i, layer))
    if any(shape is None for shape in shapes):
        return None, None, problems
    if problems:
        # The parameters are wrong, but some layers keep their input's shape regardless.
        same = layer.type in SHAPE_PRESERVING and len(shapes) == 1
        return (shapes[0] if same else None), None, problems
    try:
        if layer.block is not None:
            inference = _block_inference(i, layer, shapes[0])
        elif layer.spec.merge:
            inference = infer_merge(i, layer, shapes)
        else:
            inference = infer(i, layer, shapes[0])
    except ShapeError as e:
        inputs, outputs = stack_shapes
        merged = (sources, shapes)
        problems.append(_shape_problem(arch, names, i, e, inputs, outputs, repair, merged))
        return None, None, problems
    problems += [Problem(i, m, WARNING, f) for m, f in inference.warnings]
    if not layer.trainable:  # frozen: Keras counts all its weights as non-trainable
        inference = replace(
            inference, trainable=0, non_trainable=inference.trainable + inference.non_trainable
        )
    return inference.output_shape, inference, problems


def _summarize(arch: Architecture, repair: bool, previous: Summary | None = None) -> Summary:
    model_problems = [p for model_input in arch.inputs for p in _input_problems(model_input.shape)]
    graph = resolve(arch)
    names = graph.names
    known: dict[str, Shape | None] = {
        i.name: None if model_problems else (None, *i.shape) for i in arch.inputs
    }
    name_problems = _name_problems(arch, names)
    for problem in graph.problems:
        if problem.layer is None:
            model_problems.append(Problem(None, problem.message, fix=problem.fix))
        else:
            name_problems.setdefault(problem.layer, []).append(
                Problem(problem.layer, problem.message, fix=problem.fix)
            )
    n = len(arch.layers)
    # A stack's shapes in and out of each layer, for the repairs of a flattened image.
    stack_shapes: tuple[list, list] = ([None] * n, [None] * n)
    results: dict[int, tuple] = {}
    reusable = _reusable(previous)
    for i in graph.order:
        layer, sources = arch.layers[i], graph.inbound[i]
        shapes = [known.get(name) for name in sources]
        stack_shapes[0][i] = shapes[0] if len(shapes) == 1 else None
        before = reusable.get(i)
        arity = _arity_problem(i, layer, sources)
        if arity is not None and arity.fix is None and layer.spec.merge:
            arity = _with_skip_fix(arity, layer, sources, shapes, known, names[i])
        if (
            before is not None
            and before[0] is layer
            and before[1:4] == (names[i], sources, shapes)
            and i not in name_problems
        ):
            row = before[4]
            reused = _Reused(row.trainable_params, row.non_trainable_params, row.macs, row.block)
            shape, inference, problems = row.output_shape, reused, []
        elif arity is not None:
            shape, inference, problems = None, None, [*_param_problems(i, layer), arity]
        else:
            shape, inference, problems = _layer_inference(
                arch, names, i, layer, sources, shapes, stack_shapes, repair and arch.is_stack
            )
        known[names[i]] = shape
        stack_shapes[1][i] = shape
        results[i] = (shape, inference, problems)
    rows = []
    for i, layer in enumerate(arch.layers):
        shape, inference, problems = results.get(i, (None, None, list(_param_problems(i, layer))))
        rows.append(
            LayerSummary(
                index=i,
                name=names[i],
                layer=layer,
                output_shape=shape,
                trainable_params=None if inference is None else inference.trainable,
                non_trainable_params=None if inference is None else inference.non_trainable,
                macs=None if inference is None else inference.macs,
                problems=(*name_problems.get(i, ()), *problems),
                inputs=graph.inbound[i],
                block=getattr(inference, "block", None),
            )
        )
    # Without layers, the model gives its input as it is.
    shape = known.get(graph.outputs[0]) if graph.outputs else known[graph.input_names[0]]
    heavy = _weight_problem(rows)
    if heavy is not None:
        row = rows[heavy.layer]
        rows[heavy.layer] = replace(row, problems=(*row.problems, heavy))
    if not arch.layers:
        model_problems.append(
            Problem(None, "The model has no layers yet: add one from the palette.")
        )
    return Summary(
        arch,
        tuple(rows),
        tuple(model_problems),
        shape,
        tuple(known.get(name) for name in graph.outputs),
    )
