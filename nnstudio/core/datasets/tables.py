"""Datasets given as CSV files: FER2013's ``emotion,pixels,Usage`` and article 003's
"Identify the Digits" (``filename,label`` next to a folder of images). Bad rows and unreadable
images are skipped and counted."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from nnstudio.core.datasets.base import (
    Cancelled,
    Dataset,
    DatasetCancelled,
    DatasetError,
    DatasetSource,
    Progress,
    check_arrays,
    csv_header,
    held_out,
    held_out_share,
    name_column,
)
from nnstudio.core.toy_faces import EMOTIONS

SHOWN_SKIPS = 8
FER_SIDE = 48


def _rows(path: Path, progress: Progress, cancelled: Cancelled, what: str):
    size = max(path.stat().st_size, 1)
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        reader.fieldnames = [c.strip().lower() for c in reader.fieldnames or []]
        for n, row in enumerate(reader):
            if n % 1000 == 0:
                if cancelled():
                    raise DatasetCancelled(f"reading {path.name} was cancelled")
                progress(min(f.buffer.tell() / size, 1.0), f"Reading {what}: {n:,} rows")
            yield n + 2, row  # line numbers as a spreadsheet shows them


def _side(count: int) -> str:
    """ "8×8" when a pixel count is a square, else "" (a CSV of another dataset's images)."""
    side = int(count**0.5)
    return f"{side}×{side}" if side > 1 and side * side == count else ""


def _nothing_readable(path: Path, what: str, bad: list[str], layout: str = "") -> str:
    """Why a CSV gave nothing to train on: how many rows were bad, and the first one's reason."""
    if not bad:
        return f"{path.name}: no {what}: the file has a header but no rows"
    rows = "its only row is" if len(bad) == 1 else f"all {len(bad):,} rows are"
    expected = f"; is it in {layout}?" if layout else ""
    return f"{path.name}: no {what}: {rows} unreadable. The first, {bad[0]}{expected}"


def _fer_row(row: dict) -> tuple[np.ndarray, int]:
    """One FER2013 row's pixel values and emotion; ValueError (or the error of a missing
    cell) saying why the row cannot be used."""
    emotion = (row["emotion"] or "").strip()
    if not emotion.isdigit():
        raise ValueError(f"emotion {emotion!r} is not a number from 0 to 6")
    label = int(emotion)
    pixels = np.array(row["pixels"].split(), dtype=np.int64)
    if not 0 <= label < len(EMOTIONS):
        raise ValueError(f"emotion {label} is not in 0-6")
    if pixels.size != FER_SIDE * FER_SIDE:
        raise ValueError(
            f"{pixels.size:,} pixel values where a 48×48 face has 2,304"
            + (f" (images of {_side(pixels.size)}?)" if _side(pixels.size) else "")
        )
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(
            f"pixel values from {pixels.min()} to {pixels.max()}; they must be in 0-255"
        )
    return pixels, label


def fer_csv_dataset(source: DatasetSource, progress: Progress, cancelled: Cancelled) -> Dataset:
    """FER2013's CSV: a 48×48 face per row as 2,304 space-separated pixel values."""
    path = Path(source.path or "")
    header = csv_header(path)
    if not {"emotion", "pixels"} <= set(header):
        raise DatasetError(
            f"{path.name}: a FER2013 CSV has the columns emotion,pixels[,Usage]; "
            f"found {','.join(header) or 'no header'}"
        )
    splits: dict[bool, tuple[list, list]] = {True: ([], []), False: ([], [])}
    bad: list[str] = []
    for line, row in _rows(path, progress, cancelled, "FER2013"):
        try:
            pixels, label = _fer_row(row)
        except (ValueError, TypeError, AttributeError) as e:
            bad.append(f"line {line}: {e}")
            continue
        training = (row.get("usage") or "Training").strip().lower() == "training"
        splits[training][0].append(pixels.astype(np.uint8).reshape(FER_SIDE, FER_SIDE, 1))
        splits[training][1].append(label)
    if not splits[True][0] and splits[False][0]:
        raise DatasetError(
            f"{path.name}: no training rows: the Usage column marks all "
            f"{len(splits[False][0]):,} readable rows for testing; mark some Training"
        )
    if not splits[True][0]:
        raise DatasetError(_nothing_readable(path, "training rows", bad, "FER2013's layout"))
    x, y = (np.stack(splits[True][0]), np.array(splits[True][1], dtype=np.int64))
    test = splits[False]
    if test[0]:
        x_test, y_test = np.stack(test[0]), np.array(test[1], dtype=np.int64)
        where = "Training rows for training, the others for testing"
    else:  # no Usage column (or only Training rows)
        share = held_out_share(source)
        x, y, x_test, y_test = held_out(x, y, share, int(source.options.get("seed", 0)))
        where = f"{share:.0%} of each emotion held out for testing: no rows are marked for testing"
    return Dataset(
        source,
        "FER2013",
        x,
        y,
        x_test,
        y_test,
        tuple(e.capitalize() for e in EMOTIONS),
        f"Faces expressing 7 emotions, 48×48 grayscale, from the FER2013 CSV ({where}).",
        skipped_count=len(bad),
        skipped=tuple(bad[:SHOWN_SKIPS]),
    )


def _image_folder_for(csv_path: Path, first: str) -> Path:
    """Where the CSV's images are: next to it, or in a subfolder that holds the first one."""
    folder = csv_path.parent
    if (folder / first).exists():
        return folder
    for candidate in sorted(folder.glob("**/" + Path(first).name)):
        depth = len(candidate.relative_to(folder).parts)
        if depth <= 4:
            return candidate.parent
    raise DatasetError(
        f"{csv_path.name}: cannot find the image {first} next to it or in its subfolders"
    )


def image_folder_for_csv(csv_path: Path) -> Path:
    """Where a CSV's images are, found from its first row; the CSV's folder if that fails
    (the CSV cannot be read now: an exported script names where it would look)."""
    try:
        column = name_column(csv_header(csv_path))
        with csv_path.open(newline="", encoding="utf-8-sig") as f:
            reader = csv.DictReader(f)
            reader.fieldnames = [c.strip().lower() for c in reader.fieldnames or []]
            first = next(reader)[column]
        return _image_folder_for(csv_path, first)
    except (OSError, UnicodeDecodeError, csv.Error, StopIteration, KeyError, DatasetError):
        return csv_path.parent


def _label_order(label: str) -> tuple:
    """Numbers in numeric order ("2" before "10"), then names in alphabetical order."""
    number = label.lstrip("-").isdigit()
    return (not number, int(label) if number else 0, label)


def image_csv_dataset(
    source: DatasetSource, input_shape: tuple | None, progress: Progress, cancelled: Cancelled
) -> Dataset:
    """A CSV of image file names and labels (article 003's "Identify the Digits")."""
    path = Path(source.path or "")
    header = csv_header(path)
    name_col = name_column(header)
    if name_col is None or "label" not in header:
        raise DatasetError(
            f"{path.name}: expected the columns filename,label; found {','.join(header)}"
        )
    rows = [(line, row) for line, row in _rows(path, progress, cancelled, path.name)]
    if not rows:
        raise DatasetError(f"{path.name}: no rows")
    folder = Path(source.options.get("images") or _image_folder_for(path, rows[0][1][name_col]))
    color = source.options.get("color")
    size = source.options.get("size")
    if input_shape is not None and len(input_shape) == 3 and None not in input_shape:
        size = size or tuple(input_shape[:2])
        color = color or ("grayscale" if input_shape[2] == 1 else "rgb")
    images, labels, bad = [], [], []
    for line, row in rows:
        label = (row.get("label") or "").strip()
        if not label:  # a test list (article 003's test.csv) or a row left unlabelled
            bad.append(f"line {line}: {row[name_col]}: no label")
            continue
        try:
            with Image.open(folder / row[name_col]) as image:
                image = image.convert("L" if (color or "grayscale") == "grayscale" else "RGB")
                if size is None:
                    size = (image.height, image.width)
                if (image.height, image.width) != tuple(size):
                    image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)
                array = np.asarray(image, dtype=np.uint8)
        except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as e:
            bad.append(f"line {line}: {row[name_col]}: {e}")
            continue
        images.append(array if array.ndim == 3 else array[..., None])
        labels.append(label)
    if not images:
        raise DatasetError(
            _nothing_readable(path, "rows with both a label and a readable image", bad)
        )
    names = sorted(set(labels), key=_label_order)
    x, y = np.stack(images), np.array([names.index(v) for v in labels], dtype=np.int64)
    check_arrays(x, y, path.name)
    share = held_out_share(source)
    x, y, x_test, y_test = held_out(x, y, share, int(source.options.get("seed", 0)))
    return Dataset(
        source,
        path.stem,
        x,
        y,
        x_test,
        y_test,
        class_names=tuple(names),
        description=f"Images listed in {path.name}, read from {folder}"
        + (f" ({share:.0%} of each class held out for testing)." if x_test is not None else "."),
        skipped_count=len(bad),
        skipped=tuple(bad[:SHOWN_SKIPS]),
    )
