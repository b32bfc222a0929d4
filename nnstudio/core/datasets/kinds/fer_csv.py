"""FER2013's CSV: a 48x48 face per row (emotion,pixels[,Usage]); Training rows to train on, the
others to test on, bad rows skipped and counted."""

from __future__ import annotations

from nnstudio.core.codegen import docstring
from nnstudio.core.datasets.base import DatasetError, DatasetSource, csv_header
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import CSV_ROWS, HOLD_OUT, DataCode, hold_out_constants


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    lines = [
        *HOLD_OUT,
        "",
        "",
        *CSV_ROWS,
        "",
        "",
        "def load_data():",
        *docstring(
            "FER2013's CSV (emotion,pixels[,Usage]): a 48x48 face per row; Training rows to "
            "train on, the others to test on (or, without them, a share held out). Bad rows are "
            "skipped, as nnstudio skips them."
        ),
        "    splits = {True: ([], []), False: ([], [])}",
        "    for row in csv_rows(CSV_FILE):",
        "        try:",
        '            label = int(row["emotion"])',
        '            pixels = np.array(row["pixels"].split(), dtype="int64")',
        "        except (ValueError, TypeError, AttributeError):",
        "            continue",
        "        if not 0 <= label < 7 or pixels.size != 48 * 48:",
        "            continue",
        "        if pixels.min() < 0 or pixels.max() > 255:",
        "            continue",
        '        training = (row.get("usage") or "Training").strip().lower() == "training"',
        '        splits[training][0].append(pixels.astype("uint8").reshape(48, 48, 1))',
        "        splits[training][1].append(label)",
        "    x, y = np.stack(splits[True][0]), np.array(splits[True][1])",
        "    if not splits[False][0]:",
        "        return hold_out(x, y)",
        "    return (x, y), (np.stack(splits[False][0]), np.array(splits[False][1]))",
    ]
    return DataCode(
        lines,
        stdlib={"import csv"},
        constants=[
            ("CSV_FILE", source.path or "fer2013.csv", "FER2013's CSV"),
            *hold_out_constants(source),
        ],
        may_lack_test=True,
    )


def _load(source, input_shape, progress, cancelled):
    from nnstudio.core.datasets.tables import fer_csv_dataset  # imports Pillow

    return fer_csv_dataset(source, progress, cancelled)


def _known(source: DatasetSource):
    from pathlib import Path

    from nnstudio.core.toy_faces import EMOTIONS  # imports Pillow

    return Path(source.path or "").stem, tuple(e.capitalize() for e in EMOTIONS)


def header_says(column: str):
    """Whether a file is a CSV with this column (a file that is not text is not)."""

    def recognise(path) -> bool:
        try:
            return path.is_file() and column in csv_header(path)
        except DatasetError:
            return False

    return recognise


KINDS = (
    DatasetKind(
        "fer-csv",
        "FER2013 CSV (emotion,pixels,Usage)",
        _load,
        _script,
        _known,
        header_says("pixels"),
        file=True,
        images=True,
    ),
)
