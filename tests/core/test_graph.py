"""Graphs: the format (version 2, stacks as simple as before), the connections and their
problems, merge layers with their shape rules and fixes, and inference in topological order."""

import json

import pytest

from nnstudio.core import Architecture, LayerConfig, load_architecture, summarize, template
from nnstudio.core.architecture import ModelInput, architecture_from_dict
from nnstudio.core.errors import ArchitectureFormatError


def L(type_, name=None, inputs=(), **params):
    return LayerConfig.create(type_, name, inputs, **params)


def residual(skip_channels=32, strides=1):
    return Architecture(
        "Residual block",
        (28, 28, 1),
        (
            L("Conv2D", "a", ("image",), filters=skip_channels, kernel_size=3, padding="same"),
            L("Conv2D", "b", ("a",), filters=32, kernel_size=3, padding="same", strides=strides),
            L("Add", "sum", ("a", "b")),
            L("Flatten", "flat", ("sum",)),
            L("Dense", "out", ("flat",), units=10, activation="softmax"),
        ),
        input_name="image",
    )


def test_a_graph_is_written_with_names_and_connections_and_reads_back(tmp_path):
    arch = residual()
    doc = arch.to_dict()
    assert doc["version"] == 2
    assert doc["inputs"] == [{"name": "image", "shape": [28, 28, 1]}]
    assert doc["layers"][2] == {"type": "Add", "name": "sum", "inputs": ["a", "b"]}
    assert architecture_from_dict(json.loads(json.dumps(doc))) == arch
    assert not arch.is_stack
    summary = summarize(arch)
    assert summary.ok
    assert [row.output_shape for row in summary.layers] == [
        (None, 28, 28, 32), (None, 28, 28, 32), (None, 28, 28, 32), (None, 25088), (None, 10),
    ]  # fmt: skip
    assert summary.layers[2].inputs == ("a", "b")
    assert summary.total_params == 320 + 9248 + 250890
    assert summary.to_dict()["layers"][2]["inputs"] == ["a", "b"]


def test_a_stack_stays_as_simple_and_version_1_files_read_as_stacks():
    arch = template("mnist-cnn").architecture
    doc = arch.to_dict()
    assert arch.is_stack
    assert "inputs" not in doc
    assert doc["input_shape"] == [28, 28, 1]
    assert all("inputs" not in layer and "name" not in layer for layer in doc["layers"])
    old = dict(doc, version=1)
    assert architecture_from_dict(old) == arch
    assert arch.fingerprint() == "504f5c5f157058ca"  # the weights saved for stacks still fit


def test_several_inputs_and_outputs():
    arch = Architecture(
        "two in, two out",
        (8,),
        (
            L("Dense", "a", ("x",), units=4),
            L("Dense", "b", ("y",), units=4),
            L("Concatenate", "both", ("a", "b")),
            L("Dense", "first", ("both",), units=1),
            L("Dense", "second", ("both",), units=3, activation="softmax"),
        ),
        input_name="x",
        more_inputs=(ModelInput("y", (5,)),),
        outputs=("first", "second"),
    )
    summary = summarize(arch)
    assert summary.ok, summary.errors
    assert summary.layers[2].output_shape == (None, 8)
    assert summary.output_shapes == ((None, 1), (None, 3))
    assert architecture_from_dict(arch.to_dict()) == arch


@pytest.mark.parametrize(
    ("layers", "message", "fix"),
    [
        (
            [L("Dense", "a", ("image",), units=4), L("Dense", "b", ("a", "zz"), units=2)],
            "b takes 'zz', which is neither a layer nor an input",
            "Disconnect zz",
        ),
        (
            [L("Dense", "a", ("image", "b"), units=4), L("Dense", "b", ("a",), units=4)],
            "These layers form a cycle: a ← b ← a",
            "Disconnect b from a",
        ),
        (
            [L("Dense", "a", ("image",), units=4), L("Dense", "b", ("image",), units=2)],
            "a is not connected to the model's outputs",
            "Delete a",
        ),
        (
            [L("Dense", "a", ("image",), units=4), L("Add", "sum", ("a",))],
            "Add takes at least 2 inputs; received one (a): connect another branch",
            "Connect image to sum (a skip connection)",  # the input has a's shape
        ),
        (
            [L("Dense", "a", ("image",), units=4), L("Dense", "b", ("image", "a"), units=2)],
            "Dense takes one input; received 2 (image, a). Join them first with an Add",
            None,
        ),
    ],
)
def test_connection_problems_are_pinned_to_the_layer_with_a_fix(layers, message, fix):
    arch = Architecture("g", (4,), tuple(layers), input_name="image")
    summary = summarize(arch)
    problem = next(p for p in summary.errors if message in p.message)
    assert problem.layer is not None
    if fix is None:
        assert problem.fix is None
    else:
        assert problem.fix.description == fix
        assert len(summarize(problem.fix.apply(arch)).errors) < len(summary.errors)


def test_a_merge_of_different_shapes_is_fixed_by_a_projection_or_a_concatenate():
    """The issue's example: Add needs equal shapes; received (None, 14, 14, 32) and
    (None, 7, 7, 64): a strided 1x1 Conv2D on the skip branch fixes it."""
    arch = Architecture(
        "g",
        (28, 28, 1),
        (
            L("Conv2D", "skip", ("image",), filters=32, kernel_size=3, strides=2, padding="same"),
            L("Conv2D", "main", ("skip",), filters=64, kernel_size=3, strides=2, padding="same"),
            L("Add", "sum", ("skip", "main")),
        ),
        input_name="image",
    )
    (error,) = summarize(arch).errors
    assert error.message == (
        "Add needs equal shapes (a size of 1 is stretched to the other's); received "
        "(None, 14, 14, 32) and (None, 7, 7, 64)."
    )
    assert error.fix.description == "Project skip with a Conv2D to (None, 7, 7, 64)"
    fixed = summarize(error.fix.apply(arch))
    assert fixed.ok
    projection = fixed.layers[2]
    assert (projection.name, projection.type, projection.output_shape) == (
        "skip_projection", "Conv2D", (None, 7, 7, 64),
    )  # fmt: skip
    assert fixed.layers[3].inputs == ("skip_projection", "main")
    # Only the channels differ: a Concatenate joins them side by side.
    channels = architecture_from_dict(arch.to_dict() | {"layers": [
        {"type": "Conv2D", "name": "skip", "filters": 32, "kernel_size": 3, "padding": "same",
         "inputs": ["image"]},
        {"type": "Conv2D", "name": "main", "filters": 64, "kernel_size": 3, "padding": "same",
         "inputs": ["skip"]},
        {"type": "Add", "name": "sum", "inputs": ["skip", "main"]},
    ]})  # fmt: skip
    (error,) = summarize(channels).errors
    fixes = [f.description for f in error.fixes]
    assert "Join them side by side: Concatenate instead" in fixes
    joined = next(f for f in error.fixes if "Concatenate" in f.description)
    assert summarize(joined.apply(channels)).layers[2].output_shape == (None, 28, 28, 96)


def test_concatenate_axes_and_shapes():
    a = Architecture(
        "g",
        (4, 4, 3),
        (
            L("Conv2D", "c", ("image",), filters=5, kernel_size=1),
            L("Concatenate", "j", ("image", "c")),
            L("Concatenate", "rows", ("image", "image"), axis=1),
        ),
        input_name="image",
        outputs=("j", "rows"),
    )
    rows = summarize(a).layers
    assert rows[1].output_shape == (None, 4, 4, 8)
    assert rows[2].output_shape == (None, 8, 4, 3)
    batch = a.replace(layers=(*a.layers[:2], a.layers[2].with_param("axis", 0)))
    (error,) = summarize(batch).errors
    assert "the batch axis, 0, cannot be joined along" in error.message


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ({"inputs": [{"name": "x"}], "input_shape": [3]}, "not both"),
        ({"inputs": "x"}, "inputs must be a list of objects"),
        ({"inputs": [{"name": "x", "shape": [3], "dtype": "int"}]}, 'unknown key "dtype"'),
        ({"layers": [{"type": "Dense", "units": 2, "inputs": "x"}]}, "inputs must be a list"),
    ],
)
def test_malformed_graph_files_say_what_is_wrong(doc, message):
    base = {"format": "nnstudio-architecture", "version": 2, "layers": [],
            "inputs": [{"name": "x", "shape": [3]}]}  # fmt: skip
    base.update(doc)
    if "input_shape" in doc:
        base["inputs"] = doc["inputs"]
    with pytest.raises(ArchitectureFormatError, match=message):
        architecture_from_dict(base)


def test_load_architecture_reads_a_graph_file(tmp_path):
    path = tmp_path / "residual.json"
    path.write_text(json.dumps(residual().to_dict()))
    assert load_architecture(path) == residual()


def test_the_python_code_of_a_graph_rebuilds_it_in_the_functional_style(keras, tmp_path):
    from nnstudio.core.codegen import python_source

    arch = residual()
    source = python_source(arch)
    assert "keras.Model(image, out" in source
    assert 'sum_ = layers.Add(name="sum")([a, b])' in source  # never shadows a builtin
    namespace = {}
    exec(compile(source, "model.py", "exec"), namespace)
    model = namespace["build_model"]()
    ours = summarize(arch)
    assert model.count_params() == ours.total_params
    layers = {layer.name: layer for layer in model.layers}
    assert [tuple(layers[row.name].output.shape) for row in ours.layers] == [
        row.output_shape for row in ours.layers
    ]


def test_training_refuses_a_model_of_two_inputs_saying_what_the_data_would_need():
    from nnstudio.core.datasets import load_dataset
    from nnstudio.core.training import TrainingError, TrainingSettings, plan

    arch = Architecture(
        "two inputs",
        (2,),
        (
            L("Dense", "a", ("x",), units=2),
            L("Dense", "b", ("y",), units=2),
            L("Add", "sum", ("a", "b")),
            L("Dense", "out", ("sum",), units=1, activation="sigmoid"),
        ),
        input_name="x",
        more_inputs=(ModelInput("y", (2,)),),
    )
    with pytest.raises(TrainingError, match="it would have to provide 2 arrays of samples"):
        plan(arch, load_dataset("xor"), TrainingSettings())
