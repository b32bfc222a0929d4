"""MNIST, Fashion-MNIST and CIFAR-10 in full, through ``keras.datasets``.

nnstudio downloads the files itself, with progress and cancel, to exactly where Keras caches
them (``$KERAS_HOME/datasets``, else ``~/.keras/datasets``), then lets ``keras.datasets``
load them. Offline, it says so plainly and offers the bundled sample or a file the user
already has: an ``mnist.npz``, a folder with Fashion-MNIST's four ``.gz`` files, or the official
CIFAR-10 archive (checked against its published checksum, since Keras unpickles it).
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nnstudio.core import backend
from nnstudio.core.datasets.base import (
    Cancelled,
    Dataset,
    DatasetCancelled,
    DatasetError,
    DatasetSource,
    Progress,
    check_arrays,
)
from nnstudio.core.datasets.bundled import DIGITS, FASHION
from nnstudio.core.formatting import capitalized

KERAS_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
CIFAR10 = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)


@dataclass(frozen=True)
class RemoteFile:
    url: str
    #: Where Keras' get_file looks for it, relative to the Keras home.
    target: str
    sha256: str | None
    size_mb: float


@dataclass(frozen=True)
class KerasSet:
    title: str
    files: tuple[RemoteFile, ...]
    classes: tuple[str, ...]
    description: str
    attribution: str
    sample_hint: str


KERAS_SETS = {
    "mnist": KerasSet(
        "MNIST",
        (
            RemoteFile(
                KERAS_BASE + "mnist.npz",
                "datasets/mnist.npz",
                "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
                11.5,
            ),
        ),
        DIGITS,
        "Handwritten digits 0-9: 60,000 training and 10,000 test images, 28×28 grayscale.",
        "Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0.",
        "mnist-sample",
    ),
    "fashion-mnist": KerasSet(
        "Fashion-MNIST",
        tuple(
            RemoteFile(KERAS_BASE + f, f"datasets/fashion-mnist/{f}", None, 30.0 / 4)
            for f in FASHION_FILES
        ),
        FASHION,
        "Zalando's clothes and shoes: 60,000 training and 10,000 test images, 28×28 grayscale.",
        "Fashion-MNIST, MIT licence, (c) 2017 Zalando SE.",
        "fashion-mnist-sample",
    ),
    "cifar10": KerasSet(
        "CIFAR-10",
        (
            RemoteFile(
                "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
                "datasets/cifar-10-batches-py-target_archive",
                "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",
                163.0,
            ),
        ),
        CIFAR10,
        "Small colour photos of 10 kinds of objects: 50,000 training and 10,000 test images, "
        "32×32.",
        "Alex Krizhevsky, Learning Multiple Layers of Features from Tiny Images, 2009.",
        "",
    ),
}


def keras_home() -> Path:
    """Where Keras caches (its own rule: $KERAS_HOME, else ~/.keras, else /tmp/.keras)."""
    home = Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser()
    if home.exists() and not os.access(home, os.W_OK):
        return Path(tempfile.gettempdir()) / ".keras"
    return home


def is_cached(name: str) -> bool:
    return all((keras_home() / f.target).exists() for f in KERAS_SETS[name].files)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download(
    remote: RemoteFile,
    spec: KerasSet,
    progress: Progress,
    cancelled: Cancelled,
    timeout: float = 20,
) -> Path:
    """Fetch one file into the Keras cache; a cancel or failure leaves no partial file."""
    what = spec.title
    target = keras_home() / remote.target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    try:
        with (
            urllib.request.urlopen(remote.url, timeout=timeout) as response,
            partial.open("wb") as f,
        ):
            total = int(response.headers.get("Content-Length") or 0) or None
            done = 0
            while block := response.read(1 << 16):
                if cancelled():
                    raise DatasetCancelled(f"download of {what} cancelled")
                f.write(block)
                done += len(block)
                fraction = done / total if total else None
                progress(fraction, f"Downloading {what}: {done / 2**20:.1f} MB")
        if remote.sha256 and _sha256(partial) != remote.sha256:
            raise DatasetError(
                f"the downloaded {what} is damaged (its checksum is wrong); try again"
            )
        os.replace(partial, target)
    except (urllib.error.URLError, TimeoutError, ConnectionError) as e:
        reason = getattr(e, "reason", e)
        raise DatasetError(offline_message(spec, str(reason))) from None
    finally:
        partial.unlink(missing_ok=True)
    return target


def needs_download(source: DatasetSource) -> bool:
    """Whether loading ``source`` would download it first (a full dataset not cached yet)."""
    return source.name in KERAS_SETS and not source.path and not is_cached(source.name)


def download_size_mb(name: str) -> float:
    return sum(f.size_mb for f in KERAS_SETS[name].files)


def offline_message(spec: KerasSet, reason: str) -> str:
    own = "point nnstudio to a copy you already have"
    if spec.sample_hint:
        fix = f"Use the bundled {spec.title} sample instead, or {own}."
    else:
        fix = capitalized(own) + "."
    return (
        f"{spec.title} could not be downloaded ({reason}): this computer seems to be offline. "
        + fix
    )


def load_keras_set(source: DatasetSource, progress: Progress, cancelled: Cancelled) -> Dataset:
    """The full dataset: from the user's own file if given, else from Keras (downloading)."""
    spec = KERAS_SETS[source.name]
    if source.path:
        arrays = _from_own_file(source.name, Path(source.path))
    else:
        for remote in spec.files:
            if not (keras_home() / remote.target).exists():
                download(remote, spec, progress, cancelled)
        progress(None, f"Reading {spec.title}")
        keras = backend.keras()
        loader = {
            "mnist": keras.datasets.mnist,
            "fashion-mnist": keras.datasets.fashion_mnist,
            "cifar10": keras.datasets.cifar10,
        }[source.name]
        arrays = loader.load_data()
    (x, y), (x_test, y_test) = arrays
    x, x_test = (a if a.ndim == 4 else a[..., None] for a in (x, x_test))
    y, y_test = (np.asarray(a).reshape(-1).astype(np.int64) for a in (y, y_test))
    check_arrays(x, y, spec.title)
    return Dataset(
        source, spec.title, x, y, x_test, y_test, spec.classes, spec.description, spec.attribution
    )


def _from_own_file(name: str, path: Path):
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    if name == "mnist":
        return _mnist_npz(path)
    if name == "fashion-mnist":
        return _fashion_folder(path if path.is_dir() else path.parent)
    return _cifar_archive(path)


def _mnist_npz(path: Path):
    try:
        with path.open("rb") as f, np.load(f, allow_pickle=False) as data:
            x, y, xt, yt = (data[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    except (KeyError, ValueError, OSError, EOFError, zipfile.BadZipFile) as e:
        raise DatasetError(
            f"{path} is not an mnist.npz (x_train, y_train, x_test, y_test): {e}"
        ) from None
    if x.ndim != 3 or x.dtype != np.uint8:
        raise DatasetError(
            f"{path}: x_train must be uint8 images (N, 28, 28); found {x.dtype} {x.shape}"
        )
    return (x, y), (xt, yt)


def _idx(path: Path, offset: int) -> np.ndarray:
    try:
        with gzip.open(path, "rb") as f:
            return np.frombuffer(f.read(), np.uint8, offset=offset)
    except (OSError, EOFError, ValueError) as e:
        raise DatasetError(f"{path} cannot be read: {e}") from None


def _fashion_folder(folder: Path):
    missing = [f for f in FASHION_FILES if not (folder / f).exists()]
    if missing:
        raise DatasetError(
            f"{folder} lacks Fashion-MNIST's {', '.join(missing)}; the folder needs all four .gz "
            "files (Debian's dataset-fashion-mnist package has them in /usr/share/datasets)"
        )
    y, x, yt, xt = (_idx(folder / f, 8 if "labels" in f else 16) for f in FASHION_FILES)
    if x.size != len(y) * 784 or xt.size != len(yt) * 784:
        raise DatasetError(f"{folder}: the Fashion-MNIST files do not match each other")
    return (x.reshape(-1, 28, 28), y), (xt.reshape(-1, 28, 28), yt)


def _cifar_archive(path: Path):
    # Keras unpickles this archive: only the official file, with its published checksum.
    if path.is_dir() or _sha256(path) != KERAS_SETS["cifar10"].files[0].sha256:
        raise DatasetError(
            f"{path} is not the official cifar-10-python.tar.gz (its checksum differs). "
            "nnstudio opens only the official archive, because it holds pickled Python data"
        )
    target = keras_home() / KERAS_SETS["cifar10"].files[0].target
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, target)
    return backend.keras().datasets.cifar10.load_data()
