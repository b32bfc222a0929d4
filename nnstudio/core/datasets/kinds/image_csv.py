"""A CSV of image files and their labels (article 003's "Identify the Digits"): the images read
at the model's size and colour from the folder beside the CSV; a fifth of each class held out."""

from __future__ import annotations

from pathlib import Path

from nnstudio.core.codegen import docstring, py
from nnstudio.core.datasets.base import DatasetError, DatasetSource
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import CSV_ROWS, HOLD_OUT, DataCode, hold_out_constants


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    from nnstudio.core.datasets.base import csv_header, name_column
    from nnstudio.core.datasets.tables import image_folder_for_csv

    path = Path(source.path or "labels.csv")
    folder = source.options.get("images") or image_folder_for_csv(path)
    try:
        column = name_column(csv_header(path)) or "filename"
    except DatasetError:  # the CSV cannot be read now: the script names the usual column
        column = "filename"
    color, size = source.options.get("color"), source.options.get("size")
    if len(input_shape) == 3 and None not in input_shape:
        size = size or tuple(input_shape[:2])
        color = color or ("grayscale" if input_shape[2] == 1 else "rgb")
    mode = "L" if (color or "grayscale") == "grayscale" else "RGB"
    lines = [
        *HOLD_OUT,
        "",
        "",
        *CSV_ROWS,
        "",
        "",
        "def label_order(label):",
        '    """Numbers in numeric order ("2" before "10"), then names alphabetically."""',
        '    number = label.lstrip("-").isdigit()',
        "    return (not number, int(label) if number else 0, label)",
        "",
        "",
        "def load_data():",
        *docstring(
            "The images listed in CSV_FILE (a file name and a label per row), read from "
            "IMAGE_FOLDER at IMAGE_SIZE (the first image's size if None); a share of each class "
            "is held out to test on. Unlabelled rows and unreadable images are skipped, as "
            "nnstudio skips them."
        ),
        "    images, labels, size = [], [], IMAGE_SIZE",
        "    for row in csv_rows(CSV_FILE):",
        '        label = (row.get("label") or "").strip()',
        "        if not label:",
        "            continue",
        "        try:",
        "            with Image.open(os.path.join(IMAGE_FOLDER, row[NAME_COLUMN])) as image:",
        f"                image = image.convert({py(mode)})",
        "                size = size or (image.height, image.width)",
        "                if (image.height, image.width) != tuple(size):",
        "                    image = image.resize((size[1], size[0]), Image.Resampling.BILINEAR)",
        '                array = np.asarray(image, dtype="uint8")',
        "        except (OSError, ValueError, Image.DecompressionBombError):",
        "            continue",
        "        images.append(array if array.ndim == 3 else array[..., None])",
        "        labels.append(label)",
        "    names = sorted(set(labels), key=label_order)",
        "    return hold_out(np.stack(images), np.array([names.index(v) for v in labels]))",
    ]
    return DataCode(
        lines,
        stdlib={"import csv", "import os"},
        imports={"from PIL import Image"},
        constants=[
            ("CSV_FILE", str(path), "a file name and a label per row"),
            ("IMAGE_FOLDER", str(folder), "where the CSV's images are"),
            ("NAME_COLUMN", column, "the column of the file names"),
            ("IMAGE_SIZE", None if size is None else tuple(size), "(height, width)"),
            *hold_out_constants(source),
        ],
        may_lack_test=True,
    )


def _lists_images(path) -> bool:
    """A CSV with a label and a column of file names (any other CSV with a label is a table)."""
    from nnstudio.core.datasets.base import DatasetError, csv_header, name_column

    try:
        header = csv_header(path) if path.is_file() else []
    except DatasetError:
        return False
    return "label" in header and name_column(header) is not None


def _load(source, input_shape, progress, cancelled):
    from nnstudio.core.datasets.tables import image_csv_dataset  # imports Pillow

    return image_csv_dataset(source, input_shape, progress, cancelled)


KINDS = (
    DatasetKind(
        "image-csv",
        "CSV of image files (filename,label)",
        _load,
        _script,
        recognise=_lists_images,
        file=True,
        images=True,
        reads_at_model_size=True,
    ),
)
