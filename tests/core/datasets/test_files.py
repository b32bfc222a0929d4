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
    assert "emotion 'happy' is not a number from 0 to 6" in d.skipped[1]


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
        writer.writerow(["0.png", ""])  # unlabelled: skipped, not a class named ""
        writer.writerow(["1.png"])  # too short a row: no label either
    d = load_dataset(str(tmp_path / "Train" / "train.csv"))
    # No test list with labels: a fifth of each class is held out to test on.
    assert len(d.x_train) + len(d.x_test) == 30
    assert 4 <= len(d.x_test) <= 8
    assert d.x_train.shape[1:] == (28, 28, 1)
    assert "held out for testing" in d.description
    assert d.skipped_count == 3
    assert any("no label" in s for s in d.skipped)
    assert d.class_names == tuple(str(c) for c in sorted(set(sample.y_train[:30].tolist())))
    both = np.concatenate([d.x_train, d.x_test])
    labels = np.concatenate([d.y_train, d.y_test])
    first = np.flatnonzero([np.array_equal(x, sample.x_train[0]) for x in both])
    assert first.size == 1
    assert d.class_names[labels[first[0]]] == str(sample.y_train[0])
    # Everything for training, if asked (from Python).
    whole = load_dataset(d.source.with_options(test_fraction=0))
    assert len(whole.x_train) == 30
    assert not whole.has_test


def test_a_folder_without_a_test_folder_holds_out_a_fifth_of_each_class(keras, tmp_path):
    write_image_folder(tmp_path / "faces", 10, seed=2)
    d = load_dataset(str(tmp_path / "faces"))
    assert np.bincount(d.y_train).tolist() == [8] * 7
    assert np.bincount(d.y_test).tolist() == [2] * 7
    assert "20% of each class held out for testing" in d.description
    again = load_dataset(str(tmp_path / "faces"))  # reproducible
    assert np.array_equal(again.x_test, d.x_test)
    with pytest.raises(DatasetError, match=r"test_fraction must be between 0 and 0\.9"):
        load_dataset(d.source.with_options(test_fraction=1.5))


def test_choosing_the_train_folder_itself_finds_the_test_folder_beside_it(keras, faces_folder):
    d = load_dataset(str(faces_folder / "train"))
    assert d.x_train.shape == (84, 48, 48, 1)
    assert d.x_test.shape == (28, 48, 48, 1)
    assert "test images from test/" in d.description


def test_a_fer2013_csv_without_usage_holds_out_a_test_set(tmp_path):
    x, y = toy_faces(5, seed=1)
    path = tmp_path / "faces.csv"
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["emotion", "pixels"])
        for image, label in zip(x, y, strict=True):
            writer.writerow([label, " ".join(map(str, image.ravel()))])
    d = load_dataset(str(path))
    assert np.bincount(d.y_test).tolist() == [1] * 7
    assert len(d.x_train) == 28
    assert "held out for testing" in d.description


def test_a_grayscale_folder_with_bmp_and_gif_files(keras, tmp_path):
    """TensorFlow decodes BMP and GIF only in colour; one of them must not sink the folder."""
    root = write_image_folder(tmp_path / "faces", 3, seed=4)
    happy = root / "train" / "happy"
    Image.open(happy / "0.png").convert("RGB").save(happy / "extra.bmp")
    Image.open(happy / "1.png").save(happy / "extra.gif")
    d = load_dataset(str(root))
    assert len(d.x_train) + len(d.x_test) == 7 * 3 + 2
    assert d.sample_shape == (48, 48, 1)
    assert d.skipped_count == 0
    both = np.concatenate([d.x_train, d.x_test])
    original = np.asarray(Image.open(happy / "0.png"))
    distance = np.abs(both[..., 0].astype(int) - original).max(axis=(1, 2))
    assert (distance <= 1).sum() >= 2  # the PNG and its BMP copy, grey again


def _csv(path, header, rows):
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def test_a_csv_of_other_images_says_what_is_wrong_with_its_first_row(tmp_path):
    """Issue: sklearn's digits as a FER2013 CSV (1,797 rows of 8×8) said only "no readable
    training rows (1,797 bad rows)"."""
    rows = [[i % 7, " ".join(["3"] * 64), "Training"] for i in range(1797)]
    path = _csv(tmp_path / "digits.csv", ["emotion", "pixels", "Usage"], rows)
    with pytest.raises(DatasetError) as caught:
        load_dataset(DatasetSource("fer-csv", str(path)))
    message = str(caught.value)
    assert "all 1,797 rows are unreadable" in message
    assert "The first, line 2: 64 pixel values where a 48×48 face has 2,304" in message
    assert "(images of 8×8?)" in message
    assert "FER2013's layout" in message


def test_fer_rows_out_of_range_and_rows_only_for_testing(tmp_path):
    path = _csv(tmp_path / "a.csv", ["emotion", "pixels"], [[1, " ".join(["300"] * 2304)]])
    with pytest.raises(DatasetError, match=r"its only row is unreadable.*from 300 to 300"):
        load_dataset(DatasetSource("fer-csv", str(path)))
    x, y = toy_faces(1, seed=1)
    rows = [
        [label, " ".join(map(str, im.ravel())), "PublicTest"]
        for im, label in zip(x, y, strict=True)
    ]
    path = _csv(tmp_path / "b.csv", ["emotion", "pixels", "Usage"], rows)
    with pytest.raises(DatasetError, match="marks all 7 readable rows for testing"):
        load_dataset(DatasetSource("fer-csv", str(path)))


def test_a_csv_that_is_missing_or_not_text_says_so(tmp_path):
    """A missing FER2013 CSV said "found no header"."""
    with pytest.raises(DatasetError, match="no such file"):
        load_dataset(DatasetSource("fer-csv", str(tmp_path / "gone.csv")))
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"\xff\xd8\xff\xe0 not text")
    with pytest.raises(DatasetError, match="is not a CSV text file"):
        load_dataset(DatasetSource("fer-csv", str(binary)))
    with pytest.raises(DatasetError, match="is a folder"):
        load_dataset(DatasetSource("image-csv", str(tmp_path)))
