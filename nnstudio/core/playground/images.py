"""Image files as a model's input: photos and pictures in the common formats, made upright and
8-bit ("L" or "RGB"), then cropped, resized and converted to what the model takes. A bad file
is a PlaygroundError that names it and says what to do, never a traceback.

- Transparent pixels are composited onto white (``BACKGROUND``): that is how viewers and
  browsers show them, so the image the model gets is the one its author saw; a cut-out face
  or dark ink on a transparent sheet stays visible, where black would swallow it.
- 16-bit, 32-bit and float images ("I;16", "I", "F") have no fixed scale (12-bit sensors,
  depth maps, floats in [0, 1]), so their own range of values is stretched to 0-255.
- Memory is bounded: the size in the file's header is checked before anything is decoded.
  A JPEG larger than ``max_pixels`` is decoded at 1/2, 1/4 or 1/8 of its size by the JPEG
  decoder itself (``Image.draft``); any other image larger than that is refused.
- Only the formats of ``FORMATS`` are tried: Pillow also opens EPS (through Ghostscript, a
  program of its own) and scientific formats, which no picture to show a model comes in.
"""

from __future__ import annotations

import io
import math
import os
import struct
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import ExifTags, Image, UnidentifiedImageError

from nnstudio.core.playground.digits import PlaygroundError, image_format, to_model_input

#: The most pixels decoded into memory: a 50-megapixel photo, 150 MB as RGB.
MAX_PIXELS = 50_000_000
#: The gray level transparent pixels are shown on (and given to the model on): white.
BACKGROUND = 255
#: The formats tried, in Pillow's names (MPO, the JPEG of many cameras, opens as JPEG).
FORMATS = ("PNG", "JPEG", "BMP", "GIF", "TIFF", "WEBP", "AVIF", "PPM", "ICO", "QOI")
READABLE = "PNG, JPEG, BMP, GIF, TIFF, WebP"
#: What Pillow's decoders raise on damaged files (a fuzzed file can raise any of these).
DECODER_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    IndexError,
    KeyError,
    TypeError,
    struct.error,
    MemoryError,
)
DEEP_MODES = {"I", "I;16", "I;16L", "I;16B", "I;16N", "F"}
GRAY_MODES = {"1", "L", "LA", "La"}
#: EXIF orientation -> the transposition that makes the image upright (as ImageOps does).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
#: The orientations stored a quarter turn from upright: width and height swap.
QUARTER_TURNS = {5, 6, 7, 8}

#: A rectangle of the original image: (x, y, width, height) in its pixels.
Crop = tuple[float, float, float, float]


@dataclass(frozen=True, eq=False)
class ImageInput:
    """A decoded image, ready for any model: upright (EXIF orientation applied), "L" or "RGB",
    transparency composited onto the background.

    ``original_size`` (width, height, upright) and ``original_mode`` are the file's. ``image``
    is smaller than that when a huge JPEG was decoded at a reduced scale; crops are given in
    original pixels either way.
    """

    image: Image.Image
    name: str
    original_size: tuple[int, int]
    original_mode: str

    @classmethod
    def from_image(
        cls, image: Image.Image, name: str = "the image", background: int = BACKGROUND
    ) -> ImageInput:
        """An image already in memory (pasted, say), made upright and 8-bit as a file's is."""
        with _reading(name):
            image.load()
            return _decoded(image, name, image.size, image.mode, background)

    @property
    def pixels(self) -> np.ndarray:
        """The decoded image as uint8 (height, width) or (height, width, 3)."""
        return np.asarray(self.image)

    @property
    def reduction(self) -> int:
        """How many times smaller than the original the decoded image is (1, 2, 4 or 8)."""
        return max(1, round(self.original_size[0] / self.image.width))

    def describe(self) -> str:
        """One line: "face.png: 640×480, RGBA", and the reduction if any."""
        width, height = self.original_size
        text = f"{self.name}: {width:,}×{height:,}, {self.original_mode}"
        if self.reduction > 1:
            text += f", decoded at 1/{self.reduction} of its size"
        return text


def open_image(
    source: str | os.PathLike | bytes,
    max_pixels: int = MAX_PIXELS,
    *,
    name: str | None = None,
    background: int = BACKGROUND,
) -> ImageInput:
    """An image file (a path, or its bytes) decoded for a model: the first frame of an
    animation, upright, "L" or "RGB", never more than ``max_pixels`` in memory.

    Raises PlaygroundError naming the file when it is missing, a folder, empty, not an image,
    damaged or too large.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        label = name or "the data"
        size, file = len(source), io.BytesIO(source)
    else:
        path = Path(source)
        label, name, file = str(path), name or path.name, path
        if path.is_dir():
            raise PlaygroundError(f"{label} is a folder, not an image file; choose a file in it")
        size = path.stat().st_size if path.is_file() else None
    if size == 0:
        raise PlaygroundError(f"{label} is empty (0 bytes); choose an image file ({READABLE})")
    with _reading(label), Image.open(file, formats=_formats()) as image:
        original_size, original_mode = image.size, image.mode
        _reduce_to(image, max_pixels, label)
        image.load()
        return _decoded(image, name or label, original_size, original_mode, background)


def prepare(image: ImageInput, input_shape: tuple, crop: Crop | None = None) -> np.ndarray:
    """The image as the model takes it, uint8 (height, width, channels): the one to show.

    Cropped to ``crop`` (x, y, width, height in original pixels, clamped to the image),
    resized to the model's height and width, bilinear, stretched if the aspect ratio differs
    (as image_dataset_from_directory does), and converted to grayscale (ITU-R 601 luma, as
    PIL's "L" and tf.image.rgb_to_grayscale) or RGB as its channels say. The resize is
    anti-aliased: a photo is far larger than a model's input, and sampling 4 of its pixels in
    80 would give noise. A flat input takes the square image of ``image_format``.
    """
    width, height = image.original_size
    rows, cols, channels = image_format(
        input_shape, f"{image.name}, an image of {width}x{height} pixels"
    )
    resized = _resized(image, crop, (cols, rows))
    converted = resized.convert("L" if channels == 1 else "RGB")
    return np.asarray(converted).reshape(rows, cols, channels)


def model_input(image: ImageInput, input_shape: tuple, crop: Crop | None = None) -> np.ndarray:
    """The float32 batch of one, shaped (1, *input_shape) in [0, 1], that ``prepare``'s image
    gives the model."""
    return to_model_input(prepare(image, input_shape, crop), input_shape)


def _formats() -> tuple[str, ...]:
    """The formats of FORMATS this Pillow has (AVIF needs Pillow 11.2 or a plugin)."""
    Image.init()
    return tuple(f for f in FORMATS if f in Image.OPEN)


def _resized(image: ImageInput, crop: Crop | None, size: tuple[int, int]) -> Image.Image:
    """The crop of the decoded image resized to ``size`` (width, height), bilinear.

    Cut out first, to the crop's whole pixels: the resize's filter reaches past its box, and
    would blend in what is outside the crop. The whole image is not copied.
    """
    left, top, right, bottom = _box(image, crop)
    decoded = image.image
    x, y = math.floor(left), math.floor(top)
    whole = (x, y, min(math.ceil(right), decoded.width), min(math.ceil(bottom), decoded.height))
    cut = decoded if whole == (0, 0, *decoded.size) else decoded.crop(whole)
    box = (left - x, top - y, min(right - x, cut.width), min(bottom - y, cut.height))
    return cut.resize(size, Image.Resampling.BILINEAR, box=box)


def _box(image: ImageInput, crop: Crop | None) -> tuple[float, float, float, float]:
    """The crop as a box (left, top, right, bottom) of the decoded image, clamped to it."""
    width, height = image.original_size
    if crop is None:
        return 0, 0, image.image.width, image.image.height
    try:
        x, y, w, h = (float(v) for v in crop)
    except (TypeError, ValueError):
        raise PlaygroundError(
            f"a crop is (x, y, width, height) in pixels; received {crop!r}"
        ) from None
    left, top = max(x, 0), max(y, 0)
    right, bottom = min(x + w, width), min(y + h, height)
    tiny = 1 - 1e-6  # 0.485 + 1.0 - 0.485 is 0.99999... in floating point: still one pixel
    if not all(map(math.isfinite, (x, y, w, h))) or right - left < tiny or bottom - top < tiny:
        raise PlaygroundError(
            f"the crop (x, y, width, height) = {tuple(crop)} leaves nothing of {image.name}, "
            f"which is {width}×{height} pixels; choose a rectangle of at least 1×1 inside it"
        )
    # The JPEG decoder scales by exactly 1/2, 1/4 or 1/8, rounding the size up: a decoded
    # 38 rows of 300 are 37.5 rows of pixels and a partial one, not 300/38 pixels each.
    scale = image.reduction
    return left / scale, top / scale, right / scale, bottom / scale


def _reduce_to(image: Image.Image, max_pixels: int, label: str) -> None:
    """Make an opened, not yet decoded image decode to at most ``max_pixels``, or refuse it."""
    width, height = image.size
    for factor in (2, 4, 8):
        if width * height <= max_pixels:
            return
        if -(-width // factor) * -(-height // factor) <= max_pixels:
            image.draft(None, (max(1, width // factor), max(1, height // factor)))
            break  # only the JPEG decoder can do this; others keep their size
    if image.width * image.height > max_pixels:
        raise PlaygroundError(
            f"{label} is {width:,}×{height:,} pixels ({_megapixels(width * height)}), more "
            f"than the {_megapixels(max_pixels)} the playground decodes (a JPEG may be 64 times "
            "that); scale it down in an image editor and open the smaller copy"
        )


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:,.4g} megapixels"


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation (1, upright, to 8); 1 when the EXIF data is damaged: the pixels
    are fine, and shown as stored, as most viewers do."""
    try:
        orientation = image.getexif().get(ExifTags.Base.Orientation, 1)
    except DECODER_ERRORS:
        return 1
    return orientation if orientation in UPRIGHT else 1


def _decoded(
    image: Image.Image,
    name: str,
    original_size: tuple[int, int],
    original_mode: str,
    background: int,
) -> ImageInput:
    """The ImageInput of a loaded image: 8-bit "L" or "RGB", then upright (turning the
    8-bit copy, not the file's own pixels)."""
    orientation = _orientation(image)
    eight_bit = _eight_bit(image, background)
    if orientation in UPRIGHT:
        eight_bit = eight_bit.transpose(UPRIGHT[orientation])
    if orientation in QUARTER_TURNS:
        original_size = original_size[::-1]
    return ImageInput(eight_bit, name, tuple(original_size), original_mode)


def _eight_bit(image: Image.Image, background: int) -> Image.Image:
    """A new "L" or "RGB" image: deep images stretched, transparency composited onto the
    background."""
    if image.mode in DEEP_MODES:
        return _stretched(image)
    mode = "L" if image.mode in GRAY_MODES else "RGB"
    if not image.has_transparency_data:
        return image.convert(mode)  # a copy even when the mode is the same
    with_alpha = image.convert(mode + "A")
    out = Image.new(mode, image.size, background if mode == "L" else (background,) * 3)
    out.paste(with_alpha.convert(mode), mask=with_alpha.getchannel("A"))
    return out


def _stretched(image: Image.Image) -> Image.Image:
    """A 16-bit, 32-bit or float image as "L", its darkest value 0 and its brightest 255
    (not clipped: a 12-bit scan would be nearly white, floats in [0, 1] nearly black). NaN
    counts as the darkest value, infinities as the extremes. One value throughout has nothing
    to stretch: black if it is 0 or less, else white."""
    values = np.asarray(image, dtype=np.float32)
    finite = np.isfinite(values)
    low = float(values[finite].min()) if finite.any() else 0.0
    high = float(values[finite].max()) if finite.any() else 0.0
    if not finite.all():
        values = np.nan_to_num(values, nan=low, posinf=high, neginf=low)
    if high > low:
        values = np.clip((values - low) * (255 / (high - low)), 0, 255)
    else:
        values = np.full(values.shape, 255.0 if low > 0 else 0.0, np.float32)
    return Image.fromarray(np.rint(values).astype(np.uint8))


_DECODING = threading.RLock()


@contextmanager
def _reading(label: str) -> Iterator[None]:
    """Pillow's errors (and its warnings, which the test suite makes errors) while opening
    and decoding, as one PlaygroundError that names the file and says what to do."""
    try:
        # catch_warnings swaps the process's filters: two threads inside it at once could
        # leave "ignore" on for good, so files are decoded one at a time.
        with _DECODING, warnings.catch_warnings():
            # Decompression-bomb warnings (the size is checked here) and damaged metadata.
            warnings.simplefilter("ignore")
            yield
    except PlaygroundError:
        raise
    except Image.DecompressionBombError:
        limit = _megapixels(2 * (Image.MAX_IMAGE_PIXELS or 0))
        raise PlaygroundError(
            f"{label} is too large to open safely (more than {limit}, Pillow's limit against "
            "decompression bombs); scale it down in an image editor and open the smaller copy"
        ) from None
    except UnidentifiedImageError:
        raise PlaygroundError(
            f"{label} is not an image file nnstudio reads: its contents are in none of the "
            f"formats {READABLE}; choose an image file"
        ) from None
    except (FileNotFoundError, PermissionError, IsADirectoryError) as e:
        raise PlaygroundError(
            f"{label} cannot be read: {e.strerror}; choose another file"
        ) from None
    except DECODER_ERRORS as e:
        raise PlaygroundError(
            f"{label} could not be decoded ({e}); the file may be damaged or cut short: "
            "open it in an image viewer, save it again and open the copy"
        ) from None
