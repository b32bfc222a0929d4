"""Exported Python scripts rebuild the model with plain Keras, with the same parameter count."""

import importlib.util
import re
import subprocess
import sys

import pytest

from nnstudio.core import Architecture, LayerConfig, python_source, summarize, template

TEMPLATES = ["mnist-cnn", "emotion-cnn", "mnist-mlp", "xor-network", "digits-cnn"]


def _write(tmp_path, arch, name="model.py"):
    path = tmp_path / name
    path.write_text(python_source(arch), encoding="utf-8")
    return path


@pytest.mark.parametrize("id_", TEMPLATES)
def test_running_the_script_prints_the_same_summary(tmp_path, id_):
    arch = template(id_).architecture
    out = subprocess.run(
        [sys.executable, str(_write(tmp_path, arch))],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    total = re.search(r"Total params: ([\d,]+)", out.stdout)
    assert total, out.stdout
    assert int(total.group(1).replace(",", "")) == summarize(arch).total_params
    for row in summarize(arch).layers:
        assert f"{row.name} ({row.type})" in out.stdout


def test_importing_the_script_only_defines_build_model(tmp_path, keras, capsys):
    arch = Architecture(
        "Named / odd",
        (8, 8, 3),
        (
            LayerConfig.create("Conv2D", filters=4, kernel_size=3, name="first"),
            LayerConfig.create(
                "Conv2D",
                filters=4,
                kernel_size=3,
                padding="same",
                strides=2,
                kernel_initializer="he_normal",
                use_bias=False,
            ),
            LayerConfig.create("Dense", units=2, name="conv2d_1"),
            LayerConfig.create("ZeroPadding2D", padding=[[1, 2], [0, 3]]),
            LayerConfig.create("RandomRotation", factor=[-0.1, 0.2], seed=3),
            LayerConfig.create("GlobalMaxPooling2D"),
        ),
        description='Tests """quotes""" in the docstring.',
    )
    path = _write(tmp_path, arch, "odd_model.py")
    spec = importlib.util.spec_from_file_location("odd_model", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert capsys.readouterr().out == ""
    # Keras numbers unnamed layers per session ("conv2d_2" after other tests built two):
    # nnstudio's names are those of a fresh session, as in the exported script run alone.
    keras.backend.clear_session()
    model = module.build_model()
    ours = summarize(arch)
    assert model.count_params() == ours.total_params
    assert [layer.name for layer in model.layers] == [row.name for row in ours.layers]
    assert model.name == "Named_odd"  # a valid TensorFlow scope name


def test_script_is_readable():
    source = python_source(template("mnist-cnn").architecture)
    assert 'layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),' in source
    assert "layers.Dropout(0.5)," in source
    assert "name=" not in source.split("keras.Input")[1].split("],")[0]  # Keras' own names


@pytest.mark.skipif(importlib.util.find_spec("ruff") is None, reason="ruff is not installed")
@pytest.mark.parametrize("id_", [*TEMPLATES, "digits-mlp-deep-wide-dropout"])
def test_script_is_formatted_and_lint_free(tmp_path, id_):
    path = _write(tmp_path, template(id_).architecture)
    for command in (["format", "--check", "--diff"], ["check", "--select", "E,F,W"]):
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                *command,
                "--no-cache",
                "--isolated",
                "--line-length",
                "100",
                str(path),
            ],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stdout + result.stderr


def test_the_applications_own_layers_are_imported_by_the_script(tmp_path, keras):
    """LayerScale and CustomScaleLayer live in keras.applications' modules, not keras.layers:
    the script imports them, and its model has nnstudio's parameter count."""
    image = "image"
    layers = (
        LayerConfig.create(
            "Conv2D", "conv", (image,), filters=8, kernel_size=3, groups=2, padding="same"
        ),
        LayerConfig.create("LayerNormalization", "norm", ("conv",)),
        LayerConfig.create("LayerScale", "scale", ("norm",), init_values=1e-6, projection_dim=8),
        LayerConfig.create("ReLU", "relu6", ("scale",), max_value=6.0),
        LayerConfig.create("CustomScaleLayer", "sum", ("conv", "relu6"), scale=0.17),
        LayerConfig.create("Cropping2D", "crop", ("sum",), cropping=1),
        LayerConfig.create("Conv2DTranspose", "up", ("crop",), filters=2, kernel_size=3, strides=2),
        LayerConfig.create("PReLU", "prelu", ("up",), shared_axes=[1, 2]),
        LayerConfig.create("Permute", "swap", ("prelu",), dims=[2, 1, 3]),
        LayerConfig.create("Softmax", "soft", ("swap",)),
    )
    arch = Architecture("Own layers", (8, 8, 4), layers, input_name=image)
    source = python_source(arch)
    assert "from keras.src.applications.convnext import LayerScale" in source
    assert "from keras.src.applications.inception_resnet_v2 import CustomScaleLayer" in source
    spec = importlib.util.spec_from_file_location("own_layers", _write(tmp_path, arch, "own.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = module.build_model()
    assert model.count_params() == summarize(arch).total_params
