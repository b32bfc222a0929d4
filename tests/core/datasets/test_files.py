"""Image folders (through Keras' image_dataset_from_directory) and CSV datasets, with broken
files skipped and counted."""

import csv

import numpy as np
import pytest
from PIL import Image

from nnstudio.core.datasets import DatasetError, DatasetSource, load_dataset
from nnstudio.core.toy_faces import EMOTIONS, toy_faces, write_image_folder


@pytest.fixture(scope="module")
def faces_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("fer") / "faces"
    write_image_folder(root, 12, seed=3, test_count_per_class=4)
    (root / "train" / "happy" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n truncated")
    (root / "train" / "happy" / "notes.txt").write_text("not an image")
    return root


def test_an_image_folder_in_the_fer_layout(keras, faces_folder):
    d = load_dataset(str(faces_folder))
    assert d.class_names == tuple(sorted(EMOTIONS))
    assert d.x_train.shape == (84, 48, 48, 1)
    assert d.x_train.dtype == np.uint8
    assert d.x_test.shape == (28, 48, 48, 1)
    assert d.skipped_count == 1
    assert "broken.png" in d.skipped[0]
    assert np.bincount(d.y_train).tolist() == [12] * 7
    assert d.y_train[:20].tolist() != sorted(d.y_train[:20].tolist())  # shuffled


def test_an_image_folder_read_at_the_models_size_and_colour(keras, faces_folder):
    d = load_dataset(str(faces_folder), input_shape=(32, 32, 3))
    assert d.x_train.shape == (84, 32, 32, 3)


def test_a_folder_that_is_not_a_dataset(tmp_path):
    (tmp_path / "only").mkdir()
    with pytest.raises(DatasetError, match="in a subfolder named after it"):
        load_dataset(DatasetSource("folder", str(tmp_path)))
    with pytest.raises(DatasetError, match="not a folder"):
        load_dataset(DatasetSource("folder", str(tmp_path / "missing")))


def test_a_fer2013_csv(tmp_path):
    x, y = toy_faces(3, seed=1)
    path = tmp_path / "fer2013.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["emotion", "pixels", "Usage"])
        for i, (image, label) in enumerate(zip(x, y, strict=True)):
            usage = "PublicTest" if i % 3 == 0 else "Training"
            writer.writerow([label, " ".join(map(str, image.ravel())), usage])
        writer.writerow([9, "1 2 3", "Training"])
        writer.writerow(["happy", "0 " * 2304, "Training"])
    d = load_dataset(str(path))
    assert d.name == "FER2013"
    assert d.x_train.shape == (14, 48, 48, 1)
    assert d.x_test.shape == (7, 48, 48, 1)
    assert np.array_equal(d.x_test[0, ..., 0], x[0])
    assert d.skipped_count == 2
    assert "emotion 9 is not in 0-6" in d.skipped[0]


def test_a_csv_of_image_files_like_identify_the_digits(tmp_path):
    sample = load_dataset("mnist-sample")
    images = tmp_path / "Train" / "Images" / "train"
    images.mkdir(parents=True)
    with (tmp_path / "Train" / "train.csv").open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["filename", "label"])
        for i in range(30):
            Image.fromarray(sample.x_train[i, ..., 0]).convert("RGBA").save(images / f"{i}.png")
            writer.writerow([f"{i}.png", sample.y_train[i]])
        writer.writerow(["missing.png", 3])
    d = load_dataset(str(tmp_path / "Train" / "train.csv"))
    assert d.x_train.shape == (30, 28, 28, 1)
    assert d.skipped_count == 1
    assert d.class_names == tuple(str(c) for c in sorted(set(sample.y_train[:30].tolist())))
    first = np.flatnonzero([np.array_equal(x, sample.x_train[0]) for x in d.x_train])
    assert first.size == 1
    assert d.class_names[d.y_train[first[0]]] == str(sample.y_train[0])
