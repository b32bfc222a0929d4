"""The registry of dataset kinds: one module each, and everything that was dispatched by kind
name (loading, recognising a path, what is known without loading, a script's load_data) asks
the kind."""

import csv

import numpy as np
import pytest

from nnstudio.core.datasets import (
    BUILTIN,
    FILE_KINDS,
    KINDS,
    DatasetError,
    DatasetSource,
    kind,
    load_dataset,
    source_from_text,
)
from nnstudio.core.exporting.script_data import data_code


def test_every_kind_has_one_name_a_title_and_a_place_in_the_panel():
    names = [k.name for k in KINDS]
    assert len(names) == len(set(names))
    assert list(BUILTIN) + list(FILE_KINDS) == names
    assert all(k.title for k in KINDS)
    with pytest.raises(DatasetError, match="unknown dataset 'nope'; use one of mnist-sample"):
        kind("nope")


OFFLINE = [
    k.name for k in KINDS if not k.file and k.name not in ("mnist", "fashion-mnist", "cifar10")
]


@pytest.mark.parametrize("name", OFFLINE)
def test_what_a_kind_knows_without_loading_is_what_it_loads(name):
    source = DatasetSource(name)
    dataset = load_dataset(source)
    title, classes = kind(name).known(source)
    assert classes == dataset.class_names
    assert kind(name).images == (dataset.x_train.dtype == np.uint8 and dataset.x_train.ndim == 4)
    code = data_code(source, dataset.sample_shape, title)
    assert code.lines[0].startswith("def ")


def test_paths_are_recognised_by_their_kind(tmp_path):
    npz = tmp_path / "mnist.npz"
    np.savez(npz, x_train=np.zeros((1, 28, 28), np.uint8))
    fashion = tmp_path / "fashion"
    fashion.mkdir()
    (fashion / "train-images-idx3-ubyte.gz").write_bytes(b"")
    archive = tmp_path / "cifar-10-python.tar.gz"
    archive.write_bytes(b"")
    images = tmp_path / "faces"
    images.mkdir()
    fer = tmp_path / "fer.csv"
    listed = tmp_path / "labels.csv"
    for path, header in ((fer, ["emotion", "pixels"]), (listed, ["filename", "label"])):
        with path.open("w", newline="") as f:
            csv.writer(f).writerow(header)
    expected = {
        npz: "mnist", fashion: "fashion-mnist", archive: "cifar10", images: "folder",
        fer: "fer-csv", listed: "image-csv",
    }  # fmt: skip
    for path, name in expected.items():
        assert source_from_text(str(path)).name == name, path
    other = tmp_path / "notes.txt"
    other.write_bytes(b"\xff\xfe not a dataset")
    with pytest.raises(DatasetError, match="not a dataset nnstudio can read"):
        source_from_text(str(other))
