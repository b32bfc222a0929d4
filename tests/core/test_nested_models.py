"""Models used as layers (blocks): read from Keras files, summarised as Keras does, written,
rebuilt with their names and weights, and turned into code."""

from __future__ import annotations

import json
import runpy

import numpy as np
import pytest

from nnstudio.core import summarize
from nnstudio.core.architecture import Architecture, LayerConfig, architecture_from_dict
from nnstudio.core.building import build_model
from nnstudio.core.codegen import python_source
from nnstudio.core.errors import ArchitectureFormatError
from nnstudio.core.graph_edits import GraphEditError, ungroup
from nnstudio.core.keras_files import architecture_from_keras, read_keras_file


def _nested_model(keras):
    """A functional model with a frozen Sequential block built on its own input, a
    Sequential block never built (its input shape is what it is called on) and a functional
    block with open sizes and a skip connection of its own."""
    layers = keras.layers
    stem = keras.Sequential(
        [keras.Input((16, 16, 3)), layers.Conv2D(8, 3, strides=2, name="stem_conv"),
         layers.BatchNormalization(name="stem_bn")],
        name="stem",
    )  # fmt: skip
    stem.trainable = False
    inner = keras.Input((None, None, 8), name="block_in")
    a = layers.Conv2D(8, 3, padding="same", activation="relu", name="block_conv")(inner)
    residual = keras.Model(inner, layers.Add(name="block_add")([inner, a]), name="residual")
    head = keras.Sequential([layers.Dense(5, name="head_dense"), layers.Softmax(name="probs")],
                            name="head")  # fmt: skip
    inputs = keras.Input((16, 16, 3), name="image")
    x = residual(stem(inputs))
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    return keras.Model(inputs, head(x), name="nested")


def _same_as_keras(summary, model):
    """Every row, blocks' own rows included, as Keras has the layer of that name."""
    assert summary.ok, summary.errors[:3]
    for row in summary.layers:
        layer = model.get_layer(row.name)
        assert row.type == type(layer).__name__, row.name
        # The shape of the layer's call in this model (a block's ``output`` is its own).
        output = layer._inbound_nodes[0].output_tensors[0]
        assert row.output_shape == tuple(output.shape), row.name
        counts = (
            sum(int(np.prod(w.shape)) for w in layer.trainable_weights),
            sum(int(np.prod(w.shape)) for w in layer.non_trainable_weights),
        )
        assert (row.trainable_params, row.non_trainable_params) == counts, row.name
        if row.block is not None:
            _same_as_keras(row.block, layer)
    assert summary.total_params == model.count_params()


def test_a_keras_file_with_blocks_opens_as_keras_has_it(keras, tmp_path):
    model = _nested_model(keras)
    path = tmp_path / "nested.keras"
    model.save(path)
    read = read_keras_file(path)
    arch = read.architecture
    types = {layer.name: layer.type for layer in arch.layers}
    assert types == {"stem": "Sequential", "residual": "Functional", "pool":
                     "GlobalAveragePooling2D", "head": "Sequential"}  # fmt: skip
    stem = arch.layers[0]
    assert not stem.trainable
    assert stem.block.is_stack
    assert [layer.name for layer in stem.block.layers] == ["stem_conv", "stem_bn"]
    # The head was never built on an input of its own: it takes what it is called on.
    head = arch.layers[-1]
    assert head.block.input_shape == (8,)
    summary = summarize(arch)
    _same_as_keras(summary, model)
    assert summary.layers[0].trainable_params == 0  # the frozen block's weights
    # nnstudio's format keeps the blocks, and reads back the same.
    doc = json.loads(json.dumps(arch.to_dict()))
    assert doc["layers"][1]["model"]["outputs"] == ["block_add"]
    assert architecture_from_dict(doc) == arch
    # summary --json: a block's row holds its own rows.
    row = summary.to_dict()["layers"][1]
    assert [r["name"] for r in row["layers"]] == ["block_conv", "block_add"]
    assert row["params"] == sum(r["params"] for r in row["layers"])
    # The model built from it has the blocks, with their names: the file's weights load.
    rebuilt = build_model(arch)
    assert type(rebuilt.get_layer("residual")).__name__ == "Functional"
    assert not rebuilt.get_layer("stem").trainable
    weights = tmp_path / "w.weights.h5"
    weights.write_bytes(read.weights)
    rebuilt.load_weights(weights)
    x = np.random.default_rng(0).random((2, 16, 16, 3), dtype=np.float32)
    np.testing.assert_allclose(rebuilt.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)  # fmt: skip


def test_the_script_of_a_model_with_blocks_rebuilds_it(keras, tmp_path):
    arch = architecture_from_keras(json.loads(_nested_model(keras).to_json()))
    source = python_source(arch)
    assert "def make_stem():" in source
    assert "model.trainable = False" in source
    assert "def make_residual():" in source
    script = tmp_path / "model.py"
    script.write_text(source, encoding="utf-8")
    built = runpy.run_path(str(script))["build_model"]()
    _same_as_keras(summarize(arch), built)
    assert not built.get_layer("stem").trainable


def nested() -> Architecture:
    """A chain whose first layer is a block with a block inside."""
    inner = Architecture(
        "inner",
        (8, 8, 4),
        (LayerConfig.create("Conv2D", "deep_conv", filters=4, kernel_size=1),),
    )
    block = Architecture(
        "stem",
        (8, 8, 3),
        (
            LayerConfig.create("Conv2D", "stem_conv", filters=4, kernel_size=3, padding="same"),
            LayerConfig("Sequential", {}, "deeper", (), {}, inner),
        ),
    )
    return Architecture(
        "nested",
        (8, 8, 3),
        (
            LayerConfig("Sequential", {}, "stem", (), {}, block),
            LayerConfig.create("Flatten", "flat"),
            LayerConfig.create("Dense", "out", units=2, activation="softmax"),
        ),
    )


def _block_arch(input_shape=(8, 8, 3), block_input=(8, 8, 3)) -> Architecture:
    block = Architecture(
        "block",
        block_input,
        (LayerConfig.create("Conv2D", "conv", filters=4, kernel_size=3, padding="same"),),
    )
    return Architecture(
        "outer",
        input_shape,
        (
            LayerConfig("Sequential", {}, "block", (), {}, block),
            LayerConfig.create("Flatten", "flat"),
            LayerConfig.create("Dense", "out", units=2),
        ),
    )


def test_a_block_called_on_another_shape_is_refused_with_a_fix():
    arch = _block_arch(input_shape=(12, 12, 3))
    summary = summarize(arch)
    (problem,) = summary.errors
    assert problem.layer == 0
    assert "made for inputs of shape (None, 8, 8, 3); received (None, 12, 12, 3)" in (
        problem.message
    )
    fixed = summarize(problem.fix.apply(arch))
    assert fixed.ok
    assert fixed.layers[0].output_shape == (None, 12, 12, 4)
    # Sizes the block leaves open take those it is given.
    summary = summarize(_block_arch(input_shape=(12, 12, 3), block_input=(None, None, 3)))
    assert summary.ok
    assert summary.layers[0].output_shape == (None, 12, 12, 4)


def test_a_problem_inside_a_block_is_shown_on_the_block_with_its_fix():
    arch = _block_arch()
    block = arch.layers[0].block
    bad = block.replace(layers=(block.layers[0].with_param("filters", 0),))
    arch = arch.replace(layers=(arch.layers[0].with_block(bad), *arch.layers[1:]))
    (problem,) = summarize(arch).errors
    assert problem.layer == 0
    assert problem.message.startswith("Inside the block, conv: Conv2D filters")
    # Without a fix of its own, nothing is offered: with one, it repairs the block.
    rate = Architecture("b", (4,), (LayerConfig.create("Dropout", "d", rate=50.0),))
    outer = Architecture("o", (4,), (LayerConfig("Sequential", {}, "s", (), {}, rate),))
    (problem,) = summarize(outer).errors
    assert "(inside the block)" in problem.fix.description
    assert summarize(problem.fix.apply(outer)).ok


def test_blocks_in_nnstudios_format_say_what_is_wrong():
    layer = {"type": "Sequential", "name": "s"}
    doc = {"format": "nnstudio-architecture", "version": 2, "input_shape": [4], "layers": [layer]}
    with pytest.raises(ArchitectureFormatError, match='needs "model"'):
        architecture_from_dict(doc)
    layer["model"] = {"input_shape": [4], "layers": [{"type": "Dense"}]}
    with pytest.raises(ArchitectureFormatError, match=r"in its model: layer 0 \(Dense\): units"):
        architecture_from_dict(doc)
    layer["model"] = {
        "inputs": [{"name": "a", "shape": [4]}],
        "layers": [{"type": "Dense", "name": "d", "units": 2, "inputs": ["a"]}],
        "outputs": ["d"],
    }
    with pytest.raises(ArchitectureFormatError, match="a Sequential block is a stack"):
        architecture_from_dict(doc)
    layer["type"] = "Functional"
    arch = architecture_from_dict(doc)
    assert summarize(arch).output_shape == (None, 2)
    doc["layers"].append({"type": "Dense", "units": 1, "model": {}})
    with pytest.raises(ArchitectureFormatError, match='unknown parameter "model"'):
        architecture_from_dict(doc)


def test_a_block_ungrouped_gives_its_layers_to_the_model(keras):
    arch = architecture_from_keras(json.loads(_nested_model(keras).to_json()))
    before = summarize(arch)
    flat, rows = ungroup(arch, "residual")
    assert [flat.layers[r].name for r in rows] == ["block_conv", "block_add"]
    conv, add = (flat.layers[r] for r in rows)
    assert conv.inputs == ("stem",)
    assert add.inputs == ("stem", "block_conv")
    assert flat.layers[rows[-1] + 1].inputs == ("block_add",)  # the pool takes the block's output
    after = summarize(flat)
    assert after.ok
    assert (after.total_params, after.output_shape) == (before.total_params, before.output_shape)
    # A frozen block's layers stay frozen; a name taken in the model is renamed.
    frozen, rows = ungroup(flat, "stem")
    assert all(not frozen.layers[r].trainable for r in rows)
    assert summarize(frozen).non_trainable_params == before.non_trainable_params
    clash = arch.replace(layers=(*arch.layers[:-1], arch.layers[-1].with_name("stem_conv")))
    renamed, rows = ungroup(clash, "stem")
    assert [renamed.layers[r].name for r in rows] == ["stem_conv_1", "stem_bn"]
    with pytest.raises(GraphEditError, match="'pool' is not a block"):
        ungroup(arch, "pool")


def _table_rows(text: str) -> list[list[str]]:
    """The body rows of a Keras-style box table, each as its stripped cells."""
    return [
        [cell.strip() for cell in line.strip("│┃").split("│")]
        for line in text.splitlines()
        if line.startswith("│") and "(" in line
    ]


def test_the_text_summary_expands_blocks_as_keras_does(keras, monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")  # rich cuts Keras' table to the terminal's width
    from nnstudio.core.report import format_summary

    model = _nested_model(keras)
    lines = []
    model.summary(
        expand_nested=True, line_length=250, print_fn=lambda line, **_: lines.append(line)
    )
    theirs = _table_rows("\n".join(lines))
    summary = summarize(architecture_from_keras(json.loads(model.to_json())))
    ours = _table_rows(format_summary(summary, expand_nested=True))
    assert [row[:3] for row in ours] == [row[:3] for row in theirs]
    # Folded (Keras' default), the blocks are one row each.
    folded = _table_rows(format_summary(summary))
    assert [row[0] for row in folded] == [
        "image (InputLayer)", "stem (Sequential)", "residual (Functional)",
        "pool (GlobalAveragePooling2D)", "head (Sequential)",
    ]  # fmt: skip
