"""A folder of images, one subfolder per class (the FER2013 layout: ``train/angry/*.png``),
optionally with a separate test folder, read with ``keras.utils.image_dataset_from_directory``.

Every image is checked with Pillow first: unreadable files are skipped and counted, and Keras
reads only the good ones (through a folder of links), so one broken file never stops a load.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

from nnstudio.core import backend
from nnstudio.core.datasets.base import (
    Cancelled,
    Dataset,
    DatasetCancelled,
    DatasetError,
    DatasetSource,
    Progress,
    held_out,
    held_out_share,
    shuffled,
)

#: The image formats image_dataset_from_directory reads.
IMAGE_SUFFIXES = {".bmp", ".gif", ".jpeg", ".jpg", ".png"}
TRAIN_NAMES = ("train", "training")
TEST_NAMES = ("test", "testing", "privatetest", "publictest", "validation", "val")
SHOWN_SKIPS = 8


def find_splits(root: Path) -> tuple[Path, Path | None]:
    """The training folder and the test folder, if the root has them; else the root itself
    (and, if the root is itself a train/ folder, the test/ folder beside it)."""
    subfolders = {d.name.lower(): d for d in root.iterdir() if d.is_dir()}
    train = next((subfolders[n] for n in TRAIN_NAMES if n in subfolders), None)
    if train is not None:
        return train, next((subfolders[n] for n in TEST_NAMES if n in subfolders), None)
    if root.name.lower() in TRAIN_NAMES:
        siblings = {d.name.lower(): d for d in root.parent.iterdir() if d.is_dir() and d != root}
        return root, next((siblings[n] for n in TEST_NAMES if n in siblings), None)
    return root, None


def scan(folder: Path, cancelled: Cancelled) -> tuple[list[str], list[Path], list[str]]:
    """Class names, readable image files and "file: reason" for each unreadable one."""
    classes = sorted(d.name for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))
    good, bad = [], []
    for name in classes:
        for path in sorted((folder / name).rglob("*")):
            if path.suffix.lower() not in IMAGE_SUFFIXES or not path.is_file():
                continue
            if cancelled():
                raise DatasetCancelled("reading the image folder was cancelled")
            try:
                with Image.open(path) as image:
                    image.load()
                good.append(path)
            except (OSError, UnidentifiedImageError, ValueError, Image.DecompressionBombError) as e:
                bad.append(f"{path.relative_to(folder)}: {e}")
    return classes, good, bad


def natural_format(path: Path) -> tuple[tuple[int, int], str]:
    """(height, width) and "grayscale" or "rgb" of a sample image."""
    with Image.open(path) as image:
        return (image.height, image.width), "grayscale" if image.mode in (
            "L",
            "1",
            "I;16",
        ) else "rgb"


#: Formats TensorFlow decodes only in colour (a grayscale read fails on them).
COLOUR_ONLY = {".bmp", ".gif"}


def _read_with_keras(folder: Path, good: list[Path], classes, size, color, bad: bool):
    """image_dataset_from_directory over the readable files, as uint8 arrays.

    TensorFlow cannot decode a BMP or GIF as one channel ("`channels` must be 0, 3 or 4 for
    BMP"), so a grayscale folder that holds any is read in colour and converted here, with
    the luminance weights tf.image.rgb_to_grayscale uses.
    """
    if color == "grayscale" and any(p.suffix.lower() in COLOUR_ONLY for p in good):
        x, y = _read_with_keras(folder, good, classes, size, "rgb", bad)
        luminance = x.astype(np.float32) @ np.array([0.2989, 0.5870, 0.1140], np.float32)
        return np.clip(np.rint(luminance), 0, 255).astype(np.uint8)[..., None], y
    keras = backend.keras()
    with tempfile.TemporaryDirectory(prefix="nnstudio-images-") as clean:
        source = folder
        if bad:  # Keras reads whole folders: give it one without the broken files
            for path in good:
                link = Path(clean) / path.relative_to(folder)
                link.parent.mkdir(parents=True, exist_ok=True)
                try:
                    os.symlink(path, link)
                except OSError:
                    shutil.copyfile(path, link)
            for name in classes:
                (Path(clean) / name).mkdir(exist_ok=True)
            source = Path(clean)
        data = keras.utils.image_dataset_from_directory(
            source,
            labels="inferred",
            label_mode="int",
            class_names=classes,
            color_mode=color,
            batch_size=512,
            image_size=size,
            shuffle=False,
            verbose=False,
        )
        xs, ys = [], []
        for images, labels in data:
            xs.append(np.clip(np.rint(images.numpy()), 0, 255).astype(np.uint8))
            ys.append(labels.numpy().astype(np.int64))
    return np.concatenate(xs), np.concatenate(ys)


def folder_dataset(
    source: DatasetSource,
    input_shape: tuple | None,
    progress: Progress,
    cancelled: Cancelled,
) -> Dataset:
    root = Path(source.path or "")
    if not root.is_dir():
        raise DatasetError(f"{root}: not a folder; choose a folder with one subfolder per class")
    train_dir, test_dir = find_splits(root)
    progress(None, f"Checking the images in {train_dir.name}")
    classes, good, bad = scan(train_dir, cancelled)
    if len(classes) < 2 or not good:
        raise DatasetError(
            f"{train_dir}: found {len(classes)} class folder(s) and {len(good)} readable images; "
            "put each class's images in a subfolder named after it (train/happy/1.png, ...)"
        )
    size, color = natural_format(good[0])
    if input_shape is not None and len(input_shape) == 3 and None not in input_shape:
        size, color = tuple(input_shape[:2]), "grayscale" if input_shape[2] == 1 else "rgb"
    size = tuple(source.options.get("size", size))
    color = source.options.get("color", color)
    progress(None, f"Reading {len(good):,} images")
    try:
        x, y = _read_with_keras(train_dir, good, classes, size, color, bool(bad))
        x_test = y_test = None
        if test_dir is not None:
            test_classes, test_good, test_bad = scan(test_dir, cancelled)
            bad += [f"{test_dir.name}/{b}" for b in test_bad]
            known = [c for c in test_classes if c in classes]
            keep = [p for p in test_good if p.relative_to(test_dir).parts[0] in known]
            if keep:
                x_test, y_named = _read_with_keras(test_dir, keep, known, size, color, True)
                y_test = np.array([classes.index(known[i]) for i in y_named], dtype=np.int64)
    except DatasetCancelled:
        raise
    except Exception as e:  # a decoder failing on a file Pillow could read
        raise DatasetError(f"{root}: Keras could not read the images: {e}") from None
    seed = int(source.options.get("seed", 0))
    if x_test is not None:
        x, y = shuffled(x, y, seed)
        where = f" (test images from {test_dir.name}/)"
    else:
        share = held_out_share(source)
        x, y, x_test, y_test = held_out(x, y, share, seed)
        where = (
            f" ({share:.0%} of each class held out for testing: there is no test/ folder)"
            if x_test is not None
            else ""
        )
    return Dataset(
        source,
        root.name,
        x,
        y,
        x_test,
        y_test,
        tuple(classes),
        f"Images from {root}{where}",
        skipped_count=len(bad),
        skipped=tuple(bad[:SHOWN_SKIPS]),
    )
