"""A drawing prepared as MNIST's digits were: boxed into 20x20, centred by mass in 28x28."""

import numpy as np
import pytest
from PIL import Image

from nnstudio.core.datasets import load_dataset
from nnstudio.core.playground.digits import (
    PlaygroundError,
    center_of_mass,
    image_format,
    is_image_input,
    mnist_style,
    to_model_input,
)


def pad_with(*boxes, size=280):
    pad = np.zeros((size, size), np.uint8)
    for top, left, bottom, right in boxes:
        pad[top:bottom, left:right] = 255
    return pad


def ink_box(image):
    rows = np.flatnonzero(image.max(axis=1) > 0)
    cols = np.flatnonzero(image.max(axis=0) > 0)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def test_a_one_in_a_corner_is_boxed_to_20_and_centred_by_mass():
    one = mnist_style(pad_with((10, 20, 150, 40)))  # tall, thin, top left
    assert one.shape == (28, 28)
    assert one.dtype == np.uint8
    height, width = ink_box(one)
    assert 20 <= height <= 22  # 20 and the anti-aliasing's fringe
    assert width <= 6  # the aspect ratio is kept: not stretched to 20 wide
    cy, cx = center_of_mass(one.astype(float))
    assert cy == pytest.approx(14, abs=1)
    assert cx == pytest.approx(14, abs=1)


def test_mass_not_the_box_decides_the_centre():
    """A 7-like shape: heavy top bar, thin stem. Its mass is above the box's middle, so the
    box sits lower than a box-centred digit would — as far as the field allows: nothing of
    the drawing is pushed off the edge."""
    seven = mnist_style(pad_with((40, 40, 80, 240), (80, 200, 240, 215)))
    rows = np.flatnonzero(seven.max(axis=1) > 0)
    assert (rows[0] + rows[-1]) / 2 > 15
    assert rows[-1] == 27  # at the bottom edge, not beyond it
    box_centred = np.zeros((28, 28))
    box_centred[4:24] = seven[rows[0] : rows[-1] + 1]
    assert center_of_mass(seven.astype(float))[0] > center_of_mass(box_centred)[0] + 2


def test_empty_drawings_and_single_dots():
    assert not mnist_style(np.zeros((280, 280), np.uint8)).any()
    dot = mnist_style(pad_with((100, 100, 101, 101)))
    assert dot.max() > 0
    assert center_of_mass(dot.astype(float)) == pytest.approx((14, 14), abs=1)
    floats = mnist_style(pad_with((10, 20, 150, 40)) / 255.0)  # floats in [0, 1] too
    np.testing.assert_array_equal(floats, mnist_style(pad_with((10, 20, 150, 40))))
    with pytest.raises(PlaygroundError, match="2-D"):
        mnist_style(np.zeros((28, 28, 3)))


def test_real_mnist_digits_drawn_large_come_back_as_they_were():
    """Differential: MNIST's own test digits, blown up to the pad's 280x280 and prepared again,
    are close to the originals (centre of mass at 14 as in MNIST, similar ink)."""
    digits = load_dataset("mnist-sample").x_test[:50, ..., 0]
    differences = []
    for digit in digits:
        big = np.asarray(Image.fromarray(digit).resize((280, 280), Image.Resampling.BILINEAR))
        again = mnist_style(big)
        differences.append(np.abs(again.astype(float) - digit).mean())
        assert center_of_mass(again.astype(float)) == pytest.approx(
            center_of_mass(digit.astype(float)), abs=1.0
        )
    assert np.median(differences) < 12  # of 255; the digits' own ink averages about 31


@pytest.mark.parametrize(
    ("shape", "batch"),
    [
        ((28, 28, 1), (1, 28, 28, 1)),
        ((784,), (1, 784)),
        ((28, 28), (1, 28, 28)),
        ((48, 48, 1), (1, 48, 48, 1)),
        ((32, 32, 3), (1, 32, 32, 3)),
    ],
)
def test_the_drawing_is_fed_in_the_shape_the_model_takes(shape, batch):
    digit = mnist_style(pad_with((10, 20, 150, 40)))
    x = to_model_input(digit, shape)
    assert x.shape == batch
    assert x.dtype == np.float32
    assert 0 <= x.min() < x.max() <= 1
    if shape in ((28, 28, 1), (784,)):
        np.testing.assert_allclose(x.ravel(), digit.ravel() / 255, atol=1e-7)
    if shape == (32, 32, 3):  # gray replicated into the three channels
        np.testing.assert_array_equal(x[..., 0], x[..., 2])


@pytest.mark.parametrize("shape", [(10,), (28, 28, 4), (5, 5, 5, 1)])
def test_shapes_that_are_not_images_are_refused(shape):
    with pytest.raises(PlaygroundError, match=r"not an image; received an image of 28x28"):
        to_model_input(np.zeros((28, 28), np.uint8), shape)


@pytest.mark.parametrize(
    ("shape", "image"),
    [
        ((28, 28, 1), (28, 28, 1)),
        ((48, 48, 1), (48, 48, 1)),
        ((32, 32, 3), (32, 32, 3)),
        ((20, 30, 3), (20, 30, 3)),
        ((28, 28), (28, 28, 1)),
        ((784,), (28, 28, 1)),  # MNIST flattened for an MLP
        ((3072,), (32, 32, 3)),  # CIFAR-10 flattened
        ((64,), (8, 8, 1)),  # the smallest flat square
        ((192,), (8, 8, 3)),
        ((np.int64(28), np.int64(28), np.int64(1)), (28, 28, 1)),
    ],
)
def test_image_format_reads_the_models_input_as_an_image(shape, image):
    assert image_format(shape) == image
    assert all(type(d) is int for d in image_format(shape))
    assert is_image_input(shape)


@pytest.mark.parametrize(
    "shape",
    [(2,), (4,), (9,), (49,), (785,), (28, 28, 2), (28, 28, 4), (None, None, 3), (None, 784),
     (0, 28), (True, 28, 1), (28.0, 28.0, 1), (5, 5, 5, 1), ()],
)  # fmt: skip
def test_image_format_refuses_inputs_that_are_not_images(shape):
    """Iris's 4 features or a 3x3 board are not pictures; unknown sizes cannot be fed."""
    with pytest.raises(PlaygroundError, match=r"which is not an image; received a face\.png"):
        image_format(shape, "a face.png")
    assert not is_image_input(shape)


def test_integer_ink_is_clipped_and_odd_arrays_are_refused():
    pad = pad_with((10, 20, 150, 40)).astype(np.int32)
    np.testing.assert_array_equal(mnist_style(pad * 4 - 20), mnist_style(pad))  # 1000 and -20
    np.testing.assert_array_equal(
        to_model_input(pad * 4 - 20, (28, 28, 1)), to_model_input(pad, (28, 28, 1))
    )
    np.testing.assert_array_equal(  # floats are 0-1
        to_model_input(pad / 255, (28, 28, 1)), to_model_input(pad, (28, 28, 1))
    )
    rgba = np.zeros((28, 28, 4), np.uint8)
    assert to_model_input(rgba, (28, 28, 3)).shape == (1, 28, 28, 3)
    for odd in (np.zeros(784, np.uint8), np.zeros((28, 28, 2), np.uint8), np.zeros((1, 28, 28, 1))):
        with pytest.raises(PlaygroundError, match="an image is an array"):
            to_model_input(odd, (28, 28, 1))
