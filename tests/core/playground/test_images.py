"""Image files as a model's input: every format and mode made upright, 8-bit and bounded in
memory; bad files named in a PlaygroundError; crops, shapes and scaling for the model."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from nnstudio.core.playground.digits import PlaygroundError
from nnstudio.core.playground.images import (
    ImageInput,
    model_input,
    open_image,
    prepare,
)

WHITE, RED, BLUE = (255, 255, 255), (255, 0, 0), (0, 0, 255)


def halves(width=40, height=30, left=(0, 0, 0), right=WHITE, mode="RGB"):
    """Dark left half, light right half: survives lossy formats and shows a crop's side."""
    image = Image.new("RGB", (width, height), left)
    image.paste(right, (width // 2, 0, width, height))
    return image.convert(mode)


def noise(width=40, height=30):
    """Random pixels: files that do not compress to nothing, to cut short."""
    rng = np.random.default_rng(0)
    return Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8))


def save(image, path, **options):
    image.save(path, **options)
    return path


# Formats ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "tolerance"),
    [("png", 0), ("bmp", 0), ("gif", 0), ("tiff", 0), ("jpg", 40), ("webp", 40)],
)
def test_every_format_opens_as_rgb_with_its_pixels(tmp_path, suffix, tolerance):
    original = halves()
    path = save(original, tmp_path / f"halves.{suffix}")
    image = open_image(path)
    assert image.name == f"halves.{suffix}"
    assert image.original_size == (40, 30)
    assert image.reduction == 1
    assert image.image.mode == "RGB"
    pixels = image.pixels
    assert pixels.shape == (30, 40, 3)
    assert pixels.dtype == np.uint8
    difference = np.abs(pixels.astype(int) - np.asarray(original, dtype=int))
    # Away from the edge between the halves (lossy formats blur it).
    assert difference[:, list(range(15)) + list(range(25, 40))].max() <= tolerance


def test_bytes_open_like_a_file_and_are_named_as_told(tmp_path):
    data = save(halves(), tmp_path / "a.png").read_bytes()
    image = open_image(data, name="pasted image")
    assert image.name == "pasted image"
    np.testing.assert_array_equal(image.pixels, open_image(tmp_path / "a.png").pixels)
    with pytest.raises(PlaygroundError, match=r"^the data is not an image file"):
        open_image(b"not an image")


def test_an_animation_gives_its_first_frame(tmp_path):
    frames = [Image.new("RGB", (8, 8), colour) for colour in (RED, BLUE)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    assert open_image(path).pixels[0, 0].tolist() == list(RED)


def test_an_eps_file_is_not_run_through_ghostscript(tmp_path):
    """EPS needs a program of its own to decode; the playground does not try it."""
    path = tmp_path / "drawing.eps"
    path.write_text("%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\nshowpage\n")
    with pytest.raises(PlaygroundError, match=r"drawing\.eps is not an image file nnstudio reads"):
        open_image(path)


# Modes -----------------------------------------------------------------------------------


def test_palette_images_with_and_without_transparency(tmp_path):
    palette = halves(left=RED, right=BLUE).quantize(2)
    assert palette.mode == "P"
    opened = open_image(save(palette, tmp_path / "p.png"))
    assert opened.original_mode == "P"
    assert opened.pixels[0, 0].tolist() == list(RED)
    assert opened.pixels[0, -1].tolist() == list(BLUE)

    red_index = palette.getpixel((0, 0))
    for suffix in ("png", "gif"):  # the red half is transparent: it becomes white
        path = save(palette, tmp_path / f"pt.{suffix}", transparency=red_index)
        pixels = open_image(path).pixels
        assert pixels[0, 0].tolist() == list(WHITE), suffix
        assert pixels[0, -1].tolist() == list(BLUE), suffix


def test_transparent_pixels_are_composited_on_white(tmp_path):
    rgba = Image.new("RGBA", (4, 2), (0, 0, 0, 0))  # transparent black
    rgba.putpixel((1, 0), (255, 0, 0, 255))  # opaque red
    rgba.putpixel((2, 0), (0, 0, 0, 128))  # half-transparent black: mid gray
    image = open_image(save(rgba, tmp_path / "cutout.png"))
    assert image.image.mode == "RGB"
    assert image.original_mode == "RGBA"
    pixels = image.pixels
    assert pixels[0, 0].tolist() == list(WHITE)
    assert pixels[0, 1].tolist() == list(RED)
    assert pixels[0, 2].tolist() == pytest.approx([127, 127, 127], abs=1)

    la = Image.new("LA", (2, 1), (0, 0))
    la.putpixel((1, 0), (30, 255))
    gray = open_image(save(la, tmp_path / "la.png"))
    assert gray.image.mode == "L"
    assert gray.pixels.tolist() == [[255, 30]]

    black = open_image(save(rgba, tmp_path / "on_black.png"), background=0)
    assert black.pixels[0, 0].tolist() == [0, 0, 0]


def test_twelve_bit_values_are_stretched_to_eight(tmp_path):
    values = np.array([[0, 1024, 2048, 4095]], dtype=np.uint16)
    path = save(Image.fromarray(values), tmp_path / "scan.png")
    image = open_image(path)
    assert image.original_mode == "I;16"
    assert image.image.mode == "L"
    assert image.pixels.tolist() == [[0, 64, 128, 255]]


def test_32_bit_integers_are_stretched_from_their_lowest_to_their_highest(tmp_path):
    values = np.array([[-1000, 0, 1000]], dtype=np.int32)
    image = open_image(save(Image.fromarray(values, "I"), tmp_path / "depth.tiff"))
    assert image.original_mode == "I"
    assert image.pixels.tolist() == [[0, 128, 255]]


def test_float_images_with_nan_and_infinities(tmp_path):
    values = np.array([[0.0, 0.5, 1.0, np.nan, np.inf, -np.inf]], dtype=np.float32)
    image = open_image(save(Image.fromarray(values, "F"), tmp_path / "f.tiff"))
    assert image.original_mode == "F"
    # NaN as the darkest finite value, infinities as the extremes.
    assert image.pixels.tolist() == [[0, 128, 255, 0, 255, 0]]


@pytest.mark.parametrize(
    ("values", "expected"),
    [(0.0, 0), (-3.0, 0), (0.25, 255), (np.nan, 0), (np.inf, 0)],
)
def test_a_float_image_of_one_value_is_black_or_white(values, expected):
    image = ImageInput.from_image(Image.fromarray(np.full((3, 3), values, np.float32), "F"))
    assert np.all(image.pixels == expected)


def test_cmyk_and_one_bit_images(tmp_path):
    cmyk = halves(left=RED, right=BLUE, mode="CMYK")
    for suffix, tolerance in (("jpg", 40), ("tiff", 0)):
        image = open_image(save(cmyk, tmp_path / f"cmyk.{suffix}"))
        assert image.original_mode == "CMYK"
        assert image.image.mode == "RGB"
        assert np.abs(image.pixels[0, 0].astype(int) - RED).max() <= tolerance
        assert np.abs(image.pixels[0, -1].astype(int) - BLUE).max() <= tolerance

    one_bit = open_image(save(halves(mode="1"), tmp_path / "bw.png"))
    assert one_bit.original_mode == "1"
    assert one_bit.image.mode == "L"
    assert set(np.unique(one_bit.pixels)) == {0, 255}


# Orientation -----------------------------------------------------------------------------


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_as_viewers_do(tmp_path, orientation):
    """Differential: the same turn as Pillow's ImageOps.exif_transpose, and the upright size."""
    stored = halves(40, 30, left=RED, right=BLUE)
    stored.putpixel((0, 0), (0, 255, 0))  # a corner to tell flips apart
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = save(stored, tmp_path / "photo.png", exif=exif)
    image = open_image(path)
    with Image.open(path) as reference:
        expected = ImageOps.exif_transpose(reference)
    np.testing.assert_array_equal(image.pixels, np.asarray(expected))
    assert image.original_size == expected.size
    assert image.original_size == ((30, 40) if orientation >= 5 else (40, 30))


@pytest.mark.parametrize("orientation", [6, 8])
def test_a_rotated_jpeg_is_upright_and_its_crop_is_in_upright_pixels(tmp_path, orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    path = save(halves(80, 40), tmp_path / "phone.jpg", exif=exif)
    image = open_image(path)
    assert image.original_size == (40, 80)
    assert image.image.size == (40, 80)
    # The stored left (dark) half is on top after 6 (270°) and at the bottom after 8.
    top = prepare(image, (8, 8, 1), crop=(0, 0, 40, 40))
    assert (top.mean() < 30) == (orientation == 6)


def test_damaged_exif_leaves_the_image_as_stored(tmp_path):
    path = save(halves(), tmp_path / "badexif.jpg", exif=b"Exif\x00\x00II*\x00\xff\xff\xff\xff")
    image = open_image(path)
    assert image.original_size == (40, 30)


# Size limits -----------------------------------------------------------------------------


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(tmp_path):
    path = save(halves(400, 300), tmp_path / "large.jpg", quality=95)
    for max_pixels, reduction in ((120_000, 1), (40_000, 2), (10_000, 4), (2_000, 8)):
        image = open_image(path, max_pixels=max_pixels)
        assert image.original_size == (400, 300)
        assert image.reduction == reduction
        assert image.image.size == (400 // reduction, -(-300 // reduction))  # rounded up
        assert image.image.width * image.image.height <= max_pixels
    assert "decoded at 1/8 of its size" in image.describe()
    assert image.describe().startswith("large.jpg: 400×300, RGB")
    with pytest.raises(PlaygroundError, match=r"large\.jpg is 400×300 pixels"):
        open_image(path, max_pixels=1_000)  # 1/8 would still be 50x38


def test_crops_are_in_original_pixels_on_a_reduced_jpeg(tmp_path):
    path = save(halves(400, 300), tmp_path / "large.jpg", quality=95)
    full, reduced = open_image(path), open_image(path, max_pixels=10_000)
    assert reduced.reduction == 4
    for crop in ((220, 10, 160, 120), (0, 0, 180, 300), (150, 50, 100, 100)):
        a = prepare(full, (16, 16, 1), crop).astype(int)
        b = prepare(reduced, (16, 16, 1), crop).astype(int)
        assert np.abs(a - b).mean() < 6, crop
    assert prepare(reduced, (4, 4, 1), (220, 10, 160, 120)).min() > 240  # the white half


def test_an_image_over_the_limit_is_refused_before_decoding(tmp_path):
    path = save(halves(400, 300), tmp_path / "large.png")
    with pytest.raises(PlaygroundError) as error:
        open_image(path, max_pixels=100_000)
    message = str(error.value)
    assert str(path) in message
    assert "400×300 pixels (0.12 megapixels)" in message
    assert "more than the 0.1 megapixels" in message
    assert "scale it down" in message


def test_pillows_bomb_check_is_a_message_not_a_warning(tmp_path, monkeypatch):
    """Warnings are errors here, so Pillow's DecompressionBombWarning would fail the test."""
    small, large = (
        save(halves(40, 30), tmp_path / "a.png"),
        save(halves(60, 40), tmp_path / "b.png"),
    )
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1_000)
    assert open_image(small).original_size == (40, 30)  # 1,200: Pillow only warns
    with pytest.raises(PlaygroundError, match=r"b\.png is too large to open safely"):
        open_image(large)  # 2,400: more than twice Pillow's limit


# Bad files -------------------------------------------------------------------------------


def damaged(tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: d / "missing.png", "cannot be read: No such file"),
        (lambda d: d, "is a folder, not an image file"),
        (lambda d: damaged(d, "empty.png", b""), r"is empty \(0 bytes\)"),
        (lambda d: damaged(d, "notes.png", b"just some text\n" * 10), "not an image file"),
        (
            lambda d: damaged(d, "cut.png", save(noise(), d / "x.png").read_bytes()[:2000]),
            "could not be decoded",
        ),
        (
            lambda d: damaged(d, "cut.jpg", save(noise(), d / "x.jpg").read_bytes()[:1000]),
            "could not be decoded",
        ),
        (lambda d: damaged(d, "header.jpg", b"\xff\xd8\xff\xe0" + bytes(30)), "not an image"),
    ],
    ids=["missing", "folder", "empty", "text", "truncated-png", "truncated-jpeg", "jpeg-header"],
)
def test_bad_files_are_a_message_naming_them(tmp_path, make, message):
    path = make(tmp_path)
    with pytest.raises(PlaygroundError, match=message) as error:
        open_image(path)
    assert str(path) in str(error.value)


def test_a_corrupt_png_is_a_message(tmp_path):
    data = bytearray(save(noise(), tmp_path / "x.png").read_bytes())
    start = data.index(b"IDAT") + 8
    data[start : start + 20] = bytes(20)  # the compressed pixels overwritten
    path = damaged(tmp_path, "corrupt.png", bytes(data))
    with pytest.raises(PlaygroundError, match=r"corrupt\.png could not be decoded"):
        open_image(path)


# Pasted images ---------------------------------------------------------------------------


def test_a_pasted_image_is_converted_like_a_file_and_left_untouched():
    pasted = Image.new("RGBA", (6, 4), (0, 0, 255, 0))
    image = ImageInput.from_image(pasted, "pasted image")
    assert image.name == "pasted image"
    assert image.original_size == (6, 4)
    assert image.original_mode == "RGBA"
    assert image.pixels.tolist() == np.full((4, 6, 3), 255).tolist()
    assert pasted.mode == "RGBA"
    assert pasted.getpixel((0, 0)) == (0, 0, 255, 0)
    gray = ImageInput.from_image(Image.new("L", (3, 3), 7))
    assert gray.name == "the image"
    assert gray.image.mode == "L"


# For the model ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    """An RGB photo, red left half, blue right half, 80x60."""
    path = tmp_path_factory.mktemp("photo") / "photo.png"
    return open_image(save(halves(80, 60, left=RED, right=BLUE), path))


@pytest.mark.parametrize(
    ("shape", "prepared"),
    [
        ((48, 48, 1), (48, 48, 1)),
        ((32, 32, 3), (32, 32, 3)),
        ((784,), (28, 28, 1)),
        ((3072,), (32, 32, 3)),
        ((28, 28), (28, 28, 1)),
        ((20, 30, 3), (20, 30, 3)),
    ],
)
def test_the_image_is_prepared_in_the_shape_the_model_takes(photo, shape, prepared):
    seen = prepare(photo, shape)
    assert seen.shape == prepared
    assert seen.dtype == np.uint8
    x = model_input(photo, shape)
    assert x.shape == (1, *shape)
    assert x.dtype == np.float32
    assert 0 <= x.min() < x.max() <= 1
    np.testing.assert_allclose(x.ravel(), seen.ravel() / 255, atol=1e-7)


def test_grayscale_is_luma_and_colour_keeps_the_channels(photo):
    gray = prepare(photo, (10, 10, 1))
    luma = np.asarray(Image.new("RGB", (1, 1), RED).convert("L"))[0, 0]
    assert gray[5, 0, 0] == luma  # ITU-R 601: red is 76
    colour = prepare(photo, (10, 10, 3))
    assert colour[5, 0].tolist() == list(RED)
    assert colour[5, -1].tolist() == list(BLUE)


@pytest.mark.parametrize("shape", [(10,), (4,), (28, 28, 4), (None, None, 3), (5, 5, 5, 1)])
def test_a_model_that_does_not_take_images_is_named_in_the_message(photo, shape):
    with pytest.raises(
        PlaygroundError, match=r"not an image; received photo\.png, an image of 80x60"
    ):
        prepare(photo, shape)


def test_a_crop_is_clamped_to_the_image(photo):
    # Half outside on the left: the same as the part inside.
    np.testing.assert_array_equal(
        prepare(photo, (8, 8, 3), (-40, 0, 80, 60)), prepare(photo, (8, 8, 3), (0, 0, 40, 60))
    )
    np.testing.assert_array_equal(
        prepare(photo, (8, 8, 3), (-10, -10, 1000, 1000)), prepare(photo, (8, 8, 3))
    )
    right = prepare(photo, (8, 8, 3), (40, 0, 40, 60))
    assert np.all(right == BLUE)


@pytest.mark.parametrize(
    "crop",
    [(100, 0, 10, 10), (0, 0, 0, 10), (-20, 0, 10, 10), (10, 10, -5, 5), (0, 0, np.nan, 5)],
)
def test_a_crop_leaving_nothing_is_refused(photo, crop):
    with pytest.raises(PlaygroundError, match=r"leaves nothing of photo\.png, which is 80×60"):
        prepare(photo, (8, 8, 1), crop)


@pytest.mark.parametrize("crop", [(1, 2, 3), "abcd", (1, 2, 3, "x")])
def test_a_crop_that_is_not_a_rectangle_is_refused(photo, crop):
    with pytest.raises(PlaygroundError, match=r"a crop is \(x, y, width, height\)"):
        prepare(photo, (8, 8, 1), crop)


@settings(max_examples=60, deadline=None)
@given(
    x=st.floats(0, 79),
    y=st.floats(0, 59),
    width=st.floats(1, 80),
    height=st.floats(1, 60),
    rows=st.integers(1, 40),
    cols=st.integers(1, 40),
    channels=st.sampled_from([1, 3]),
)
def test_any_crop_inside_the_image_gives_the_models_shape(
    photo, x, y, width, height, rows, cols, channels
):
    width, height = min(width, 80 - x), min(height, 60 - y)
    if width < 1 or height < 1:
        return
    seen = prepare(photo, (rows, cols, channels), (x, y, width, height))
    assert seen.shape == (rows, cols, channels)
    # Only red, blue and their blend: nothing from outside the image comes in.
    colour = prepare(photo, (rows, cols, 3), (x, y, width, height)).astype(int)
    assert np.all(colour[..., 1] == 0)
    assert np.all(np.abs(colour[..., 0] + colour[..., 2] - 255) <= 1)
