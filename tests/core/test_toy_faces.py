"""The synthetic toy-face dataset: shapes, determinism, class counts, variety, learnability
(checked with small numpy classifiers, without TensorFlow) and the FER2013 folder layout."""

import numpy as np
import pytest
from PIL import Image

from nnstudio.core.toy_faces import EMOTIONS, toy_face, toy_faces, write_image_folder

FER_LIKE = [40, 5, 40, 70, 45, 30, 45]


@pytest.fixture(scope="module")
def learning_split():
    """200 training faces per class from one seed, 50 test faces per class from another."""
    return toy_faces(200, seed=1), toy_faces(50, seed=2)


def _features(images: np.ndarray) -> np.ndarray:
    """Images reduced to 24x24 by 2x2 averaging, each standardised to mean 0, std 1."""
    small = images.reshape(len(images), 24, 2, 24, 2).mean(axis=(2, 4)).reshape(len(images), -1)
    small -= small.mean(axis=1, keepdims=True)
    return small / (small.std(axis=1, keepdims=True) + 1e-9)


def test_emotions_follow_the_fer2013_label_order():
    assert EMOTIONS == ("angry", "disgust", "fear", "happy", "sad", "surprise", "neutral")


def test_shapes_types_and_ranges():
    x, y = toy_faces(6, seed=3)
    assert x.shape == (42, 48, 48)
    assert x.dtype == np.uint8
    assert y.shape == (42,)
    assert y.dtype == np.int64
    assert set(y.tolist()) == set(range(7))
    assert x.min() < 40
    assert x.max() > 215
    assert all(image.max() - image.min() > 60 for image in x)  # every face has contrast


def test_one_face_and_other_sizes():
    face = toy_face(3, np.random.default_rng(0))
    assert face.shape == (48, 48)
    assert face.dtype == np.uint8
    x, _ = toy_faces(2, seed=0, size=32)
    assert x.shape == (14, 32, 32)


def test_same_seed_same_faces_other_seed_other_faces():
    x1, y1 = toy_faces(5, seed=7)
    x2, y2 = toy_faces(5, seed=7)
    x3, y3 = toy_faces(5, seed=8)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(x1, x3)
    assert not np.array_equal(y1, y3)


def test_balanced_with_one_count():
    _, y = toy_faces(9, seed=0)
    assert np.bincount(y, minlength=7).tolist() == [9] * 7


def test_exact_counts_with_seven_counts_and_shuffled():
    x, y = toy_faces(FER_LIKE, seed=0)
    assert len(x) == sum(FER_LIKE)
    assert np.bincount(y, minlength=7).tolist() == FER_LIKE
    assert not np.all(np.diff(y) >= 0)  # not sorted by label
    assert len(set(y[:40].tolist())) >= 5  # the classes are mixed from the start


def test_zero_count_for_a_class():
    _, y = toy_faces([3, 0, 3, 3, 3, 3, 3], seed=0)
    assert 1 not in y
    assert len(y) == 18


@pytest.mark.parametrize("counts", [[1, 2, 3], [1] * 8, [1, 1, 1, -1, 1, 1, 1], -2])
def test_bad_counts_are_refused(counts):
    with pytest.raises(ValueError, match="count_per_class"):
        toy_faces(counts)


def test_bad_emotion_and_size_are_refused():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"emotion must be 0\.\.6"):
        toy_face(7, rng)
    with pytest.raises(ValueError, match="size must be at least 8"):
        toy_face(0, rng, size=4)


def test_faces_of_one_class_all_differ():
    x, y = toy_faces(30, seed=4)
    for label in range(7):
        faces = x[y == label].reshape(30, -1).astype(np.int64)
        distances = np.abs(faces[:, None, :] - faces[None, :, :]).mean(axis=2)
        off_diagonal = distances[~np.eye(30, dtype=bool)]
        assert off_diagonal.min() > 5, EMOTIONS[label]  # mean absolute pixel difference


def test_a_linear_classifier_learns_the_emotions(learning_split):
    """Ridge least squares on 24x24 pixels: about 0.55 on unseen faces, chance is 1/7."""
    (x_train, y_train), (x_test, y_test) = learning_split
    train = np.hstack([_features(x_train), np.ones((len(x_train), 1))])
    test = np.hstack([_features(x_test), np.ones((len(x_test), 1))])
    weights = np.linalg.solve(
        train.T @ train + 100 * np.eye(train.shape[1]), train.T @ np.eye(7)[y_train]
    )
    accuracy = np.mean(np.argmax(test @ weights, axis=1) == y_test)
    assert 0.35 < accuracy < 0.995


def test_class_centroids_do_not_separate_the_faces(learning_split):
    """The faces vary too much in place, size and light for a nearest centroid to be perfect."""
    (x_train, y_train), (x_test, y_test) = learning_split
    train, test = _features(x_train), _features(x_test)
    centroids = np.stack([train[y_train == label].mean(axis=0) for label in range(7)])
    distances = ((test[:, None, :] - centroids[None, :, :]) ** 2).sum(axis=2)
    accuracy = np.mean(np.argmin(distances, axis=1) == y_test)
    assert accuracy < 0.995


def test_write_image_folder_layout_and_content(tmp_path):
    root = write_image_folder(tmp_path / "fer", FER_LIKE, seed=5, test_count_per_class=3)
    assert root == tmp_path / "fer"
    assert sorted(p.name for p in (root / "train").iterdir()) == sorted(EMOTIONS)
    assert sorted(p.name for p in (root / "test").iterdir()) == sorted(EMOTIONS)
    for label, emotion in enumerate(EMOTIONS):
        assert len(list((root / "train" / emotion).glob("*.png"))) == FER_LIKE[label]
        assert len(list((root / "test" / emotion).glob("*.png"))) == 3
    # The train files are toy_faces(FER_LIKE, seed=5), numbered per emotion in array order.
    x, y = toy_faces(FER_LIKE, seed=5)
    for label, emotion in enumerate(EMOTIONS):
        for number in (0, FER_LIKE[label] - 1):
            with Image.open(root / "train" / emotion / f"{number}.png") as image:
                assert image.mode == "L"
                assert image.size == (48, 48)
                np.testing.assert_array_equal(np.asarray(image), x[y == label][number])


def test_test_images_are_not_copies_of_training_images(tmp_path):
    root = write_image_folder(tmp_path, 4, seed=0, test_count_per_class=4)
    train = [np.asarray(Image.open(p)) for p in sorted((root / "train").rglob("*.png"))]
    test = [np.asarray(Image.open(p)) for p in sorted((root / "test").rglob("*.png"))]
    assert len(train) == len(test) == 28
    assert not any(np.array_equal(a, b) for a in test for b in train)


def test_no_test_folder_without_test_counts(tmp_path):
    root = write_image_folder(str(tmp_path), 1, seed=0)
    assert (root / "train" / "happy" / "0.png").is_file()
    assert not (root / "test").exists()
