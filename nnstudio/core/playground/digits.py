"""A drawn digit prepared the way MNIST's digits were (LeCun et al.): the ink's bounding box
scaled, anti-aliased, into a 20x20 box keeping its aspect ratio, then placed in a 28x28 field
so that its centre of mass sits at the centre. A model trained on MNIST only knows digits that
look like that; a digit drawn small in a corner would otherwise be a stranger to it.

Any uint8 image (this digit, an image file from ``images``) is then fed in the shape the model
takes by ``to_model_input``, following the rule of ``image_format``."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from nnstudio.core.errors import NnstudioError

#: MNIST's field and the box the digit is scaled into.
FIELD = 28
BOX = 20
#: The smallest flat input read as an image: 8x8 (64 values, as scikit-learn's digits).
MIN_FLAT_SIDE = 8


class PlaygroundError(NnstudioError, ValueError):
    """An input cannot be given to the model; the message says why and what to do."""


def _levels(array: np.ndarray) -> np.ndarray:
    """Intensities as float32 in [0, 255]: integers as 0-255 (clipped), floats and booleans
    as 0-1 (clipped) and scaled."""
    if np.issubdtype(array.dtype, np.integer):
        return np.clip(array, 0, 255).astype(np.float32)
    return np.clip(array.astype(np.float32), 0, 1) * 255


def _as_ink(drawing: np.ndarray) -> np.ndarray:
    """A drawing's ink intensities as float32 in [0, 255] (see ``_levels``)."""
    array = np.asarray(drawing)
    if array.ndim != 2:
        raise PlaygroundError(f"a drawing is a 2-D array of ink; received shape {array.shape}")
    return _levels(array)


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The (row, column) of an image's centre of mass (its centre if it is empty)."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def mnist_style(drawing: np.ndarray) -> np.ndarray:
    """The 28x28 uint8 image the model sees for a drawing: show this one beside the pad.

    ``drawing`` is white ink on black, any size: integers 0-255 (uint8 from a canvas) or
    floats 0-1. An empty drawing gives zeros; a single dot is scaled up like any other ink."""
    ink = _as_ink(drawing)
    rows = np.flatnonzero(ink.max(axis=1) > 0)
    cols = np.flatnonzero(ink.max(axis=0) > 0)
    out = np.zeros((FIELD, FIELD), np.float32)
    if rows.size == 0:
        return out.astype(np.uint8)
    crop = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    height, width = crop.shape
    scale = BOX / max(height, width)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    # LANCZOS on a float image: anti-aliased, as MNIST's normalization was.
    small = np.asarray(Image.fromarray(crop).resize(size, Image.Resampling.LANCZOS))
    small = np.clip(small, 0, 255)
    cy, cx = center_of_mass(small)
    top = _place(FIELD / 2 - cy, small.shape[0])
    left = _place(FIELD / 2 - cx, small.shape[1])
    out[top : top + small.shape[0], left : left + small.shape[1]] = small
    return np.round(out).astype(np.uint8)


def _place(offset: float, size: int) -> int:
    """Where the box starts so its centre of mass lands mid-field, kept inside the field."""
    return int(min(max(round(offset), 0), FIELD - size))


def _dims(input_shape: tuple) -> tuple[int, ...] | None:
    """The shape's sizes as ints, or None if any is unknown (None) or not a positive size."""
    dims = []
    for d in input_shape:
        if isinstance(d, bool) or not isinstance(d, int | np.integer) or d <= 0:
            return None
        dims.append(int(d))
    return tuple(dims)


def image_format(input_shape: tuple, received: str = "an image") -> tuple[int, int, int]:
    """(height, width, channels) of the image that feeds a model taking ``input_shape``.

    (h, w, 1) and (h, w, 3) are images as they are, (h, w) a grayscale one. A flat input is
    an image flattened row by row, as training reshapes image datasets for it: n = s*s values
    an s x s grayscale image (MNIST's 784), n = 3*s*s an s x s colour one (CIFAR-10's 3072),
    from 8 x 8 up (4 or 9 numbers are features, not a 2x2 or 3x3 picture).
    Anything else raises PlaygroundError; ``received`` says what was to be fed, for the message.
    """
    shape = tuple(input_shape)
    dims = _dims(shape)
    if dims is not None and len(dims) == 1:
        n = dims[0]
        for channels in (1, 3):
            side = math.isqrt(n // channels)
            if side >= MIN_FLAT_SIDE and side * side * channels == n:
                return side, side, channels
    if dims is not None and len(dims) == 2:
        return dims[0], dims[1], 1
    if dims is not None and len(dims) == 3 and dims[2] in (1, 3):
        return dims
    raise PlaygroundError(
        f"the model takes inputs of shape {shape}, which is not an image; received {received}. "
        "Use a model whose input is (height, width, 1 or 3 channels) or a flat square such as "
        "784 (28x28) or 3072 (32x32x3)"
    )


def is_image_input(input_shape: tuple) -> bool:
    """Whether a model taking ``input_shape`` takes images (see ``image_format``)."""
    try:
        image_format(input_shape)
    except PlaygroundError:
        return False
    return True


def to_model_input(image: np.ndarray, input_shape: tuple) -> np.ndarray:
    """A uint8 image (h, w) or (h, w, c) as a float32 batch of one for a model taking
    ``input_shape``: resized (bilinear) and converted to the model's channels (gray replicated
    into RGB, RGB to ITU-R 601 luma) as ``image_format`` says, and scaled to [0, 1] as
    training scaled it. Feed it ``mnist_style``'s digit or ``images.prepare``'s image; other
    integers are clipped to 0-255, floats taken as 0-1."""
    shape = tuple(input_shape)
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise PlaygroundError(
            "an image is an array (height, width) or (height, width, 1, 3 or 4 channels); "
            f"received shape {np.shape(image)}"
        )
    height, width, channels = image_format(
        shape, f"an image of {array.shape[1]}x{array.shape[0]} pixels"
    )
    pil = Image.fromarray(np.rint(_levels(array)).astype(np.uint8))
    pil = pil.convert("L" if channels == 1 else "RGB")
    if pil.size != (width, height):
        pil = pil.resize((width, height), Image.Resampling.BILINEAR)
    x = np.asarray(pil, dtype=np.float32) / 255
    return x.reshape((1, *shape))
