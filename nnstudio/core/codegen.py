"""Export an architecture as a standalone, readable Python script that uses only Keras.

The script defines ``build_model()``; importing it only defines things, running it prints the
model summary. Arguments left at their Keras default are left out, as a person would write it.
"""

from __future__ import annotations

import builtins
import json
import keyword
import re
import textwrap
from typing import Any

from nnstudio import __version__
from nnstudio.core.architecture import Architecture, LayerConfig, auto_names
from nnstudio.core.building import model_name

#: ruff format's (and black's) line length.
LINE_LENGTH = 88


def py(value: Any) -> str:
    """A Python literal in the style ruff format writes it."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
        if value.count('"') > value.count("'"):  # fewer escapes in single quotes
            return "'" + text[1:-1].replace('\\"', '"').replace("'", "\\'") + "'"
        return text
    if isinstance(value, tuple):
        inner = ", ".join(py(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, list):
        return "[" + ", ".join(py(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{py(k)}: {py(v)}" for k, v in value.items()) + "}"
    return repr(value)


def _arguments(layer: LayerConfig, name: str | None) -> list[str]:
    args = []
    for i, p in enumerate(layer.spec.params):
        value = layer.params[p.name]
        keras_value = p.to_keras(value)
        if i == 0 and p.required:
            args.append(py(keras_value))
        elif p.required or value != p.default:
            args.append(f"{p.name}={py(keras_value)}")
    args += [f"{key}={py(value)}" for key, value in layer.keras.items()]
    if name:
        args.append(f"name={py(name)}")
    return args


def call_line(function: str, args: list[str], indent: int) -> str:
    """``function(args),`` at ``indent``, one argument per line if it is too long (as ruff
    format keeps it, with its trailing comma)."""
    pad = " " * indent
    line = f"{pad}{function}({', '.join(args)}),"
    if len(line) <= LINE_LENGTH:
        return line
    inner = "".join(f"{pad}    {a},\n" for a in args)
    return f"{pad}{function}(\n{inner}{pad}),"


def _explicit_names(arch: Architecture) -> list[str | None]:
    """The names the script must spell out: the user's own, and any auto name that differs
    from what a fresh Keras session would pick."""
    resolved = arch.layer_names()
    unnamed = [layer for layer in arch.layers if not layer.name]
    keras_default = iter(auto_names([None] * len(unnamed), [lay.type for lay in unnamed]))
    out = []
    for layer, name in zip(arch.layers, resolved, strict=True):
        out.append(name if layer.name or next(keras_default) != name else None)
    return out


def _escaped(text: str) -> str:
    """Text safe inside a docstring: no closing quotes, no escapes."""
    return text.replace("\\", "\\\\").replace('"""', "'''")


def _docstring_text(text: str) -> str:
    """Text safe inside a docstring and wrapped to the line length, paragraph by paragraph."""
    return "\n".join(textwrap.fill(p, LINE_LENGTH) for p in _escaped(text).split("\n"))


def docstring(text: str, indent: int = 4) -> list[str]:
    """A function's docstring of free text (a dataset's name, say), wrapped to the line
    length."""
    lines = textwrap.wrap(
        _escaped(" ".join(text.split())),
        LINE_LENGTH - 3,  # room for the closing quotes
        initial_indent=" " * indent + '"""',
        subsequent_indent=" " * indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [*lines[:-1], lines[-1] + '"""']


def docstring_lines(arch: Architecture, what: str, usage: str) -> list[str]:
    """The script's docstring: the model's name and description, then how to use the script."""
    title = _docstring_text(arch.name or "Model")
    lines = [f'"""{title}: {what} exported by nnstudio {__version__}.', ""]
    if arch.description:
        lines += [_docstring_text(arch.description), ""]
    return [*lines, _docstring_text(usage), '"""']


def _variable(name: str) -> str:
    """A Python name for a layer's output ("conv2d_1", "block-1" -> "block_1")."""
    cleaned = re.sub(r"\W", "_", name)
    if not cleaned.isidentifier() or keyword.iskeyword(cleaned):
        return f"x_{cleaned}"
    return f"{cleaned}_" if hasattr(builtins, cleaned) else cleaned  # sum, input, ...


def _assignment(target: str, function: str, args: list[str], called: str = "") -> list[str]:
    """``target = function(args)(called)`` as ruff format writes it: on one line if it fits,
    else one argument per line with a trailing comma."""
    tail = f"({called})" if called else ""
    line = f"    {target} = {function}({', '.join(args)}){tail}"
    if len(line) <= LINE_LENGTH:
        return [line]
    if not args:
        return [f"    {target} = {function}()(", f"        {called}", "    )"]
    return [f"    {target} = {function}(", *(f"        {a}," for a in args), f"    ){tail}"]


def _functional_lines(arch: Architecture, function: str, doc: str, name: str) -> list[str]:
    """A graph's function in Keras' functional style: each layer called on what it takes."""
    from nnstudio.core.graph import resolve

    graph = resolve(arch)
    lines = [f"def {function}():", f'    """{doc}"""']
    variables = {}
    for model_input in arch.inputs:
        variables[model_input.name] = _variable(model_input.name)
        args = [f"shape={py(tuple(model_input.shape))}", f"name={py(model_input.name)}"]
        lines += _assignment(variables[model_input.name], "keras.Input", args)
    for index in graph.order:
        layer, layer_name = arch.layers[index], graph.names[index]
        variables[layer_name] = _variable(layer_name)
        taken = [variables[source] for source in graph.inbound[index]]
        called = f"[{', '.join(taken)}]" if layer.spec.merge else taken[0]
        made, args = _maker(layer, layer_name, _arguments(layer, layer_name))
        lines += _assignment(variables[layer_name], made, args, called)
    inputs = [variables[i.name] for i in arch.inputs]
    outputs = [variables[output] for output in graph.outputs]
    given = inputs[0] if len(inputs) == 1 else f"[{', '.join(inputs)}]"
    taken_out = outputs[0] if len(outputs) == 1 else f"[{', '.join(outputs)}]"
    return [
        *lines,
        *_assignment("model", "keras.Model", [given, taken_out, f"name={py(name)}"]),
    ]


def _block_function(name: str) -> str:
    """The function of the script that makes a block (a model used as a layer)."""
    return f"make_{_variable(name)}"


def _maker(layer: LayerConfig, name: str, args: list[str]) -> tuple[str, list[str]]:
    """What the script calls to make a layer, with which arguments: a block is made by its
    own function, which takes none."""
    if layer.block is not None:
        return _block_function(name), []
    return _function(layer), args


def _block_functions(arch: Architecture) -> list[str]:
    """A function per block of the model (inner blocks first), each returning its model."""
    lines: list[str] = []
    for layer, name in zip(arch.layers, arch.layer_names(), strict=True):
        if layer.block is None:
            continue
        lines += _block_functions(layer.block)
        doc = f"The {name} block: a {layer.type} model used as a layer."
        lines += _model_lines(layer.block, _block_function(name), doc, name, not layer.trainable)
        lines += ["", ""]
    return lines


def _model_lines(
    arch: Architecture, function: str, doc: str, name: str, frozen: bool = False
) -> list[str]:
    """``def function():`` returning the model named ``name``: a Sequential for a stack, a
    functional model for a graph; a frozen block is returned with ``trainable`` False."""
    if not arch.is_stack:
        lines = _functional_lines(arch, function, doc, name)
        if frozen:
            lines.append("    model.trainable = False")
        return [*lines, "    return model"]
    lines = [
        f"def {function}():",
        f'    """{doc}"""',
        "    model = keras.Sequential(" if frozen else "    return keras.Sequential(",
        "        [",
        f"            keras.Input(shape={py(tuple(arch.input_shape))}),",
    ]
    names = zip(_explicit_names(arch), arch.layer_names(), strict=True)
    for layer, (explicit, name_) in zip(arch.layers, names, strict=True):
        made, args = _maker(layer, name_, _arguments(layer, explicit))
        lines.append(call_line(made, args, indent=12))
    lines += ["        ],", f"        name={py(name)},", "    )"]
    if frozen:
        lines += ["    model.trainable = False", "    return model"]
    return lines


def _function(layer: LayerConfig) -> str:
    """The name the script calls to make the layer: ``layers.Dense``, or an applications'
    own layer imported by ``import_lines``."""
    return layer.type if layer.spec.keras_class else f"layers.{layer.type}"


def _all_layers(arch: Architecture):
    """Every layer, those of blocks included."""
    for layer in arch.layers:
        yield layer
        if layer.block is not None:
            yield from _all_layers(layer.block)


def import_lines(arch: Architecture) -> list[str]:
    """``import keras``, ``from keras import layers``, and the applications' own layers the
    model uses (LayerScale, CustomScaleLayer), which ``keras.layers`` does not hold."""
    own = sorted({layer.spec.keras_class for layer in _all_layers(arch) if layer.spec.keras_class})
    lines = ["import keras", "from keras import layers"]
    for path in own:
        module, _, cls = path.partition(":")
        lines.append(f"from {module} import {cls}")
    return lines


def build_model_lines(arch: Architecture) -> list[str]:
    """``def build_model():`` returning the uncompiled model (``keras`` and ``layers`` imported):
    a Sequential for a stack, a functional model for a graph; before it, a function per block
    (a model used as a layer)."""
    doc = "Return the uncompiled Keras model."
    return [*_block_functions(arch), *_model_lines(arch, "build_model", doc, model_name(arch))]


def python_source(arch: Architecture) -> str:
    """The Python script that rebuilds ``arch`` with Keras."""
    lines = docstring_lines(
        arch,
        "a Keras model",
        "build_model() rebuilds the model; run this file to print its summary.",
    )
    lines += ["", *import_lines(arch), "", ""]
    lines += build_model_lines(arch)
    lines += ["", "", 'if __name__ == "__main__":', "    build_model().summary()", ""]
    return "\n".join(lines)
