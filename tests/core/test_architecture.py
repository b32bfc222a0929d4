"""The architecture JSON format: reading, writing, versions, names."""

import json
import os

import pytest

from nnstudio.core import (
    Architecture,
    ArchitectureFormatError,
    LayerConfig,
    architecture_json,
    load_architecture,
    save_architecture,
    template,
)
from nnstudio.core import architecture as architecture_module


def doc(**changes):
    base = {
        "format": "nnstudio-architecture",
        "version": 1,
        "name": "tiny",
        "input_shape": [4],
        "layers": [{"type": "Dense", "units": 2}],
    }
    base.update(changes)
    return base


def test_omitted_parameters_take_the_keras_defaults():
    layer = load_architecture(doc()).layers[0]
    assert dict(layer.params) == {
        "units": 2,
        "activation": "linear",
        "use_bias": True,
        "kernel_initializer": "glorot_uniform",
    }


def test_round_trip_through_json_text(tmp_path):
    for t in ("mnist-cnn", "emotion-cnn", "digits-mlp-deep-dropout"):
        arch = template(t).architecture
        path = tmp_path / f"{t}.json"
        save_architecture(arch, path)
        assert load_architecture(path) == arch


def test_written_files_are_readable_and_leave_defaults_out():
    text = architecture_json(template("mnist-cnn").architecture)
    lines = text.splitlines()
    assert lines[1] == '  "format": "nnstudio-architecture",'
    assert '  "input_shape": [28, 28, 1],' in lines
    assert (
        '    {"type": "Conv2D", "filters": 32, "kernel_size": [3, 3], "activation": "relu"},'
        in lines
    )
    assert json.loads(text)["layers"][4] == {"type": "Flatten"}


def test_layer_names_are_kept_and_unnamed_layers_get_keras_names():
    arch = load_architecture(
        doc(
            layers=[
                {"type": "Dense", "units": 2},
                {"type": "Dense", "units": 2, "name": "dense_1"},
                {"type": "Dense", "units": 2},
                {"type": "MaxPooling2D"},
            ],
            input_shape=[4, 4, 1],
        )
    )
    assert arch.layer_names() == ("dense", "dense_1", "dense_2", "max_pooling2d")
    assert arch.layers[1].to_dict()["name"] == "dense_1"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": "something-else"}, 'not an nnstudio architecture: "format" must be'),
        (
            {"version": 99},
            "written by a newer nnstudio (format version 99; this one reads up to 2)",
        ),
        ({"version": "1"}, "version must be a positive integer"),
        ({"colour": "red"}, 'unknown key "colour"'),
        ({"input_shape": "28x28"}, "input_shape must be a list of sizes"),
        ({"input_shape": [28, 2.5]}, "input_shape must be a list of sizes"),
        ({"layers": {"type": "Dense"}}, "layers must be a list"),
        ({"layers": [{"type": "Dense"}]}, "layer 0 (Dense): units is required"),
        (
            {"layers": [{"type": "dense", "units": 2}]},
            'unknown layer type "dense"; did you mean "Dense"?',
        ),
        ({"layers": [{"type": "Conv3D"}]}, 'unknown layer type "Conv3D"'),
        ({"layers": [{"units": 2}]}, 'layer 0 needs a "type"'),
        (
            {"layers": [{"type": "Dense", "units": 2, "unit": 3}]},
            'unknown parameter "unit"; Dense takes: units',
        ),
        (
            {"layers": [{"type": "Dense", "units": "2"}]},
            'layer 0 (Dense): units must be an integer; received "2"',
        ),
        ({"layers": [{"type": "Dense", "units": 2, "name": 7}]}, "name must be a string"),
        ({"layers": ["Dense"]}, "layer 0 must be an object"),
        ({"name": ["x"]}, "name must be a string"),
    ],
)
def test_unreadable_architectures_say_why(change, message):
    with pytest.raises(ArchitectureFormatError) as e:
        load_architecture(doc(**change))
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_a_missing_required_key_is_named():
    d = doc()
    del d["input_shape"]
    with pytest.raises(ArchitectureFormatError, match='no "input_shape"'):
        load_architecture(d)


def test_a_later_version_can_be_migrated_in(monkeypatch):
    """The reader upgrades old documents step by step, as a v2 (graphs) will need."""

    def v1_to_v2(d):
        d = dict(d, version=2)
        d["layers"] = [dict(layer, type=layer["kind"]) for layer in d["layers"]]
        for layer in d["layers"]:
            del layer["kind"]
        return d

    monkeypatch.setattr(architecture_module, "VERSION", 2)
    monkeypatch.setitem(architecture_module.MIGRATIONS, 1, lambda d: dict(d, version=2))
    assert load_architecture(doc(version=1)).layers[0].type == "Dense"
    assert load_architecture(doc(version=2)).layers[0].type == "Dense"
    monkeypatch.setattr(architecture_module, "VERSION", 3)
    monkeypatch.setitem(architecture_module.MIGRATIONS, 2, lambda d: dict(d, version=3))
    monkeypatch.setitem(architecture_module.MIGRATIONS, 1, v1_to_v2)
    renamed = doc(layers=[{"kind": "Dense", "units": 3}])
    assert load_architecture(renamed).layers[0].params["units"] == 3
    assert Architecture("x", (1,)).to_dict()["version"] == 3


def test_save_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "model.json"
    save_architecture(template("mnist-cnn").architecture, path)
    before = path.read_bytes()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space"):
        save_architecture(template("mnist-mlp").architecture, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["model.json"]


def test_layer_config_helpers():
    layer = LayerConfig.create("Conv2D", filters=8, kernel_size=5, activation="relu")
    assert layer.describe() == "Conv2D 8 5x5 relu"
    assert layer.with_param("kernel_size", [3, 1]).params["kernel_size"] == (3, 1)
    assert LayerConfig.new("Dense").describe() == "Dense 64 relu"  # palette layers start relu
    with pytest.raises(ArchitectureFormatError, match="Conv2D filters must be an integer"):
        layer.with_param("filters", "many")
