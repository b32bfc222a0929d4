"""Bundled samples, synthetic datasets, sources, and what a dataset reports about itself."""

import numpy as np
import pytest

from nnstudio.core.datasets import (
    BUILTIN,
    DatasetError,
    DatasetSource,
    load_dataset,
    source_from_dict,
    source_from_text,
)


@pytest.mark.parametrize("name", ["mnist-sample", "fashion-mnist-sample"])
def test_bundled_samples_stay_uint8(name):
    d = load_dataset(name)
    assert d.x_train.dtype == np.uint8
    assert d.x_train.shape == (8000, 28, 28, 1)
    assert d.x_test.shape == (2000, 28, 28, 1)
    assert d.num_classes == 10
    assert set(np.unique(d.y_train)) == set(range(10))
    assert d.describe() == "8,000 training and 2,000 test images, 28×28 grayscale, 10 classes"
    assert d.attribution


def test_article_function_default():
    d = load_dataset("function")
    assert d.task == "regression"
    assert d.x_train.shape == (1000, 1)
    assert d.x_train.min() == 1.0
    assert d.x_train.max() == 2.0
    np.testing.assert_allclose(d.y_train, 2 * d.x_train + 1, rtol=1e-6)
    assert len(d.x_test) == 200


def test_function_options_and_errors():
    noisy = load_dataset(
        DatasetSource(
            "function",
            options={"expression": "x^2", "low": -1, "high": 1, "count": 50, "noise": 0.1},
        )
    )
    assert noisy.name == "f(x) = x**2"
    assert 0 < np.abs(noisy.y_train[:, 0] - noisy.x_train[:, 0] ** 2).mean() < 0.3
    cases = {
        "1/x": ({"low": -1, "high": 1, "count": 101}, "not finite at x = 0"),
        "2x+1": ({}, r"write 2\*x instead of 2x"),
        "x": ({"low": 2, "high": 1}, "low < high"),
        "x ": ({"count": 1}, "number of points"),
        "x  ": ({"noise": -1}, "noise must be at least 0"),
    }
    for expression, (options, message) in cases.items():
        with pytest.raises(DatasetError, match=message):
            load_dataset(DatasetSource("function", options={"expression": expression, **options}))


@pytest.mark.parametrize(
    ("gate", "table"),
    [("and", [0, 0, 0, 1]), ("or", [0, 1, 1, 1]), ("xor", [0, 1, 1, 0]), ("xnor", [1, 0, 0, 1])],
)
def test_logic_gates(gate, table):
    d = load_dataset(gate)
    assert d.x_train.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert d.y_train.tolist() == table
    assert d.class_names == ("0", "1")


def test_not_gate_has_one_input():
    d = load_dataset("not")
    assert d.x_train.tolist() == [[0], [1]]
    assert d.y_train.tolist() == [1, 0]


def test_toy_faces_are_named_synthetic():
    d = load_dataset(DatasetSource("toy-faces", options={"per_class": 20, "test_per_class": 5}))
    assert d.x_train.shape == (140, 48, 48, 1)
    assert d.x_test.shape == (35, 48, 48, 1)
    assert d.class_names[3] == "Happy"
    assert "synthetic" in d.name.lower()
    assert "not photos" in d.description


def test_class_weights_and_imbalance_report():
    d = load_dataset(DatasetSource("toy-faces", options={"per_class": 10, "test_per_class": 0}))
    keep = np.ones(len(d.y_train), dtype=bool)
    keep[np.flatnonzero(d.y_train == 1)[2:]] = False  # Disgust keeps 2 of its 10
    from dataclasses import replace

    skewed = replace(d, x_train=d.x_train[keep], y_train=d.y_train[keep])
    ratio, lines = skewed.imbalance()
    assert ratio == 5.0
    assert "Disgust: 2" in lines[1]
    assert "5x fewer than the largest" in lines[1]
    weights = skewed.class_weights()
    assert weights[1] == pytest.approx(len(skewed.y_train) / (7 * 2))
    assert weights[1] > weights[0]


def test_sources_from_text_and_dicts(tmp_path):
    assert source_from_text("MNIST-Sample") == DatasetSource("mnist-sample")
    assert set(BUILTIN) >= {"mnist", "cifar10", "toy-faces", "xnor", "function"}
    (tmp_path / "faces").mkdir()
    assert source_from_text(str(tmp_path / "faces")).name == "folder"
    (tmp_path / "fer.csv").write_text("emotion,pixels,Usage\n")
    assert source_from_text(str(tmp_path / "fer.csv")).name == "fer-csv"
    (tmp_path / "digits.csv").write_text("filename,label\n")
    assert source_from_text(str(tmp_path / "digits.csv")).name == "image-csv"
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(DatasetError, match="not a dataset nnstudio can read"):
        source_from_text(str(tmp_path / "notes.txt"))
    with pytest.raises(DatasetError, match="neither a dataset name nor an existing path"):
        source_from_text("imagenet")
    assert source_from_dict("xor") == DatasetSource("xor")
    source = DatasetSource("function", options={"expression": "x"})
    assert source_from_dict(source.to_dict()) == source
    with pytest.raises(DatasetError, match="unknown key"):
        source_from_dict({"name": "xor", "colour": 1})
