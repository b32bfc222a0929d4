"""What every dataset is: arrays in memory, class names, and what was skipped while loading.

Images stay uint8 (N, height, width, channels) in memory and are scaled to [0, 1] on the fly
by the training pipeline, so full MNIST or CIFAR-10 cost their size, not four times it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from nnstudio.core.errors import NnstudioError

#: Reports progress: a fraction in [0, 1] (None when unknown) and what is happening.
Progress = Callable[[float | None, str], None]
#: Says whether the user asked to stop.
Cancelled = Callable[[], bool]


def no_progress(fraction: float | None, text: str) -> None:
    """A progress callback that ignores everything."""


def never_cancelled() -> bool:
    return False


class DatasetError(NnstudioError, ValueError):
    """A dataset cannot be loaded; the message says why and what to do instead."""


class DatasetCancelled(NnstudioError):
    """The user cancelled loading (a download, a large folder)."""


@dataclass(frozen=True)
class DatasetSource:
    """How to get a dataset (again): a built-in name or a kind of file, a path, options.

    This is what a project file and ``nnstudio train --dataset`` record, never the data.
    """

    name: str
    path: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.path is not None:
            out["path"] = self.path
        if self.options:
            out["options"] = dict(self.options)
        return out

    def with_options(self, **options: Any) -> DatasetSource:
        return DatasetSource(self.name, self.path, {**self.options, **options})


@dataclass(frozen=True, eq=False)
class Dataset:
    """A dataset in memory: a training split, an optional test split, and what it means."""

    source: DatasetSource
    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    #: One name per class; empty for regression (the targets are numbers).
    class_names: tuple[str, ...] = ()
    description: str = ""
    attribution: str = ""
    #: How many samples could not be read, and a few of them with the reason.
    skipped_count: int = 0
    skipped: tuple[str, ...] = ()
    #: How raw samples became the model's inputs and how its answers return to their own
    #: units, where the dataset did more than scale pixels: a table's ``TableEncoding``.
    preprocessing: Any = None
    #: For a table: each of the file's columns as read (``table_file.Column``: its kind,
    #: missing cells, examples), which the Data tab's column table shows.
    columns: tuple = ()

    @property
    def task(self) -> str:
        return "classification" if self.class_names else "regression"

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def is_image(self) -> bool:
        return self.x_train.ndim == 4

    @property
    def has_test(self) -> bool:
        return self.x_test is not None and len(self.x_test) > 0

    def counts(self, split: str = "train") -> np.ndarray:
        """Samples per class in a split."""
        y = self.y_train if split == "train" else self.y_test
        if y is None or not self.class_names:
            return np.zeros(self.num_classes, dtype=np.int64)
        return np.bincount(y.astype(np.int64), minlength=self.num_classes)

    def class_weights(self) -> dict[int, float]:
        """Weights that make every class count as much in training ("balanced", as
        scikit-learn computes them): n_samples / (n_classes * n_in_class)."""
        counts = self.counts()
        total, k = counts.sum(), self.num_classes
        return {i: float(total / (k * c)) if c else 0.0 for i, c in enumerate(counts)}

    def imbalance(self) -> tuple[float, list[str]]:
        """The ratio of the largest class to the smallest, and a line per class."""
        counts = self.counts()
        if not len(counts) or counts.max() == 0:
            return 1.0, []
        total, largest = counts.sum(), counts.max()
        lines = [
            f"{name}: {c:,} ({c / total:.1%})"
            + (f", {largest / c:.0f}x fewer than the largest" if c and largest / c >= 2 else "")
            for name, c in zip(self.class_names, counts, strict=True)
        ]
        smallest = counts[counts > 0].min() if (counts > 0).any() else 1
        return float(largest / smallest), lines

    def describe(self) -> str:
        """One line: sizes, shape, classes."""
        n, test = len(self.x_train), len(self.x_test) if self.has_test else 0
        what = "images" if self.is_image else "rows" if self.columns else "samples"
        parts = [f"{n:,} training" + (f" and {test:,} test" if test else "") + f" {what}"]
        if self.is_image:
            h, w, c = self.sample_shape
            parts.append(f"{h}×{w} " + ("grayscale" if c == 1 else "colour"))
        elif self.columns:
            parts.append(f"{self.sample_shape[0]:,} inputs from {len(self.columns)} columns")
        else:
            parts.append("inputs of " + " × ".join(str(s) for s in self.sample_shape))
        if self.class_names:
            parts.append(f"{self.num_classes} classes")
        else:
            parts.append("a number to predict")
        if self.skipped_count:
            parts.append(f"{self.skipped_count:,} unreadable skipped")
        return ", ".join(parts)


def csv_header(path: Path) -> list[str]:
    """The column names of a CSV file, lower-cased ([] if it has none); DatasetError, saying
    why, when it is missing, a folder, unreadable or not text."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as f:
            return [c.strip().lower() for c in next(csv.reader(f), [])]
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DatasetError(f"{path} is a folder; choose the CSV file in it") from None
    except OSError as e:
        raise DatasetError(f"{path} cannot be read: {e.strerror or e}") from None
    except (UnicodeDecodeError, csv.Error):
        raise DatasetError(f"{path.name} is not a CSV text file (UTF-8)") from None


NAME_COLUMNS = ("filename", "file", "image", "path")


def name_column(header: list[str]) -> str | None:
    """The column of a CSV of images that holds the file names."""
    return next((c for c in NAME_COLUMNS if c in header), None)


def check_arrays(x: np.ndarray, y: np.ndarray, what: str) -> None:
    """Refuse arrays that do not make a dataset, with a message saying why."""
    if len(x) != len(y):
        raise DatasetError(f"{what}: {len(x):,} inputs but {len(y):,} labels")
    if len(x) == 0:
        raise DatasetError(f"{what}: no samples")


def shuffled(x: np.ndarray, y: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """The same permutation of both, reproducible: data read class by class (folders) must not
    stay sorted, or a validation split would hold only the last classes."""
    order = np.random.default_rng(seed).permutation(len(x))
    return x[order], y[order]


#: The share of a dataset without its own test split that is held out to test on.
TEST_FRACTION = 0.2


def held_out(
    x: np.ndarray, y: np.ndarray, fraction: float, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Split off a test set, the same share of every class (so a rare class is tested too),
    reproducibly: ``(x_train, y_train, x_test, y_test)``. A class keeps at least one sample
    for training; if nothing can be held out the test split is ``None``. Both splits come out
    shuffled."""
    rng = np.random.default_rng(seed)
    test = np.zeros(len(y), dtype=bool)
    for label in np.unique(y):
        members = np.flatnonzero(y == label)
        k = min(round(len(members) * fraction), len(members) - 1)
        if k > 0:
            test[rng.choice(members, k, replace=False)] = True
    train_order = rng.permutation(np.flatnonzero(~test))
    if not test.any():
        return x[train_order], y[train_order], None, None
    test_order = rng.permutation(np.flatnonzero(test))
    return x[train_order], y[train_order], x[test_order], y[test_order]


def held_out_share(source: DatasetSource) -> float:
    """The share to hold out for testing, from the source's options (0 keeps everything)."""
    try:
        fraction = float(source.options.get("test_fraction", TEST_FRACTION))
    except (TypeError, ValueError):
        raise DatasetError("test_fraction must be a number between 0 and 0.9") from None
    if not 0 <= fraction <= 0.9:
        raise DatasetError(f"test_fraction must be between 0 and 0.9, not {fraction:g}")
    return fraction
