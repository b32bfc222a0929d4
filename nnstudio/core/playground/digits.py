"""A drawn digit prepared the way MNIST's digits were (LeCun et al.): the ink's bounding box
scaled, anti-aliased, into a 20x20 box keeping its aspect ratio, then placed in a 28x28 field
so that its centre of mass sits at the centre. A model trained on MNIST only knows digits that
look like that; a digit drawn small in a corner would otherwise be a stranger to it."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image

from nnstudio.core.errors import NnstudioError

#: MNIST's field and the box the digit is scaled into.
FIELD = 28
BOX = 20


class PlaygroundError(NnstudioError, ValueError):
    """An input cannot be given to the model; the message says why and what to do."""


def _as_ink(drawing: np.ndarray) -> np.ndarray:
    """Ink intensities as float32 in [0, 255]: uint8 as it is, floats in [0, 1] scaled."""
    array = np.asarray(drawing)
    if array.ndim != 2:
        raise PlaygroundError(f"a drawing is a 2-D array of ink; received shape {array.shape}")
    if array.dtype == np.uint8:
        return array.astype(np.float32)
    return np.clip(array.astype(np.float32), 0, 1) * 255


def center_of_mass(image: np.ndarray) -> tuple[float, float]:
    """The (row, column) of an image's centre of mass (its centre if it is empty)."""
    total = float(image.sum())
    if total <= 0:
        return (image.shape[0] - 1) / 2, (image.shape[1] - 1) / 2
    rows, cols = np.indices(image.shape)
    return float((rows * image).sum() / total), float((cols * image).sum() / total)


def mnist_style(drawing: np.ndarray) -> np.ndarray:
    """The 28x28 uint8 image the model sees for a drawing (white ink on black; uint8 0-255
    or floats 0-1, any size). An empty drawing gives zeros."""
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


def to_model_input(image: np.ndarray, input_shape: tuple) -> np.ndarray:
    """A uint8 image (h, w) or (h, w, c) as a float32 batch of one for a model taking
    ``input_shape``: scaled to [0, 1] as training scaled it, resized (bilinear) and converted
    to the model's channels; a flat input of n*n values takes the n x n grayscale image
    flattened (article 004's MLP takes MNIST's 784)."""
    shape = tuple(input_shape)
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[..., 0]
    if len(shape) == 1 and math.isqrt(shape[0]) ** 2 == shape[0]:
        side = math.isqrt(shape[0])
        target, channels = (side, side), 1
    elif len(shape) == 2:
        target, channels = shape, 1
    elif len(shape) == 3 and shape[2] in (1, 3):
        target, channels = shape[:2], shape[2]
    else:
        raise PlaygroundError(
            f"the model takes inputs of shape {shape}, which is not an image; received an "
            f"image of {array.shape[1]}x{array.shape[0]} pixels. Use a model whose input is "
            "(height, width, 1 or 3) or a flat square such as 784"
        )
    pil = Image.fromarray(array.astype(np.uint8))
    pil = pil.convert("L" if channels == 1 else "RGB")
    if pil.size != (target[1], target[0]):
        pil = pil.resize((target[1], target[0]), Image.Resampling.BILINEAR)
    x = np.asarray(pil, dtype=np.float32) / 255
    return x.reshape((1, *shape))
