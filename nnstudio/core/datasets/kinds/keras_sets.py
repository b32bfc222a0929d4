"""The full datasets of ``keras.datasets`` (MNIST, Fashion-MNIST, CIFAR-10): downloaded into Keras'
cache when the person asks, or read from their own copy of the files."""

from __future__ import annotations

from pathlib import Path

from nnstudio.core.codegen import py
from nnstudio.core.datasets.base import DatasetSource
from nnstudio.core.datasets.downloads import KERAS_SETS, download_size_mb, load_keras_set
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import DataCode

_KERAS_MODULES = {"mnist": "mnist", "fashion-mnist": "fashion_mnist", "cifar10": "cifar10"}


def _keras_set(name: str, title: str) -> DataCode:
    return DataCode(
        [
            "def load_data():",
            f'    """{title} from keras.datasets (downloaded the first time)."""',
            f"    return keras.datasets.{_KERAS_MODULES[name]}.load_data()",
        ]
    )


def _own_copy(name: str, path: str, title: str) -> DataCode:
    """A full dataset from the file (or folder) the user pointed nnstudio to."""
    if name == "mnist":
        lines = [
            "def load_data():",
            f'    """{title} from your own mnist.npz."""',
            "    with np.load(DATA_FILE, allow_pickle=False) as data:",
            '        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])',
        ]
        return DataCode(lines, constants=[("DATA_FILE", path, "your copy of mnist.npz")])
    if name == "fashion-mnist":
        folder = path if Path(path).is_dir() else str(Path(path).parent)
        lines = [
            "def read_idx(name, offset):",
            '    """One of the gzipped IDX files: the bytes after its header."""',
            '    with gzip.open(os.path.join(DATA_FOLDER, name), "rb") as f:',
            '        return np.frombuffer(f.read(), "uint8", offset=offset)',
            "",
            "",
            "def load_data():",
            f'    """{title} from your own copy of its four .gz files."""',
            '    y = read_idx("train-labels-idx1-ubyte.gz", 8)',
            '    x = read_idx("train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)',
            '    y_test = read_idx("t10k-labels-idx1-ubyte.gz", 8)',
            '    x_test = read_idx("t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28)',
            "    return (x, y), (x_test, y_test)",
        ]
        return DataCode(
            lines,
            stdlib={"import gzip", "import os"},
            constants=[("DATA_FOLDER", folder, "the folder of Fashion-MNIST's .gz files")],
        )
    # Where nnstudio itself puts the archive for keras.datasets.cifar10 to find.
    cached = ", ".join(py(part) for part in KERAS_SETS["cifar10"].files[0].target.split("/"))
    lines = [
        "def load_data():",
        f'    """{title} from your own copy of the official archive, put where Keras looks."""',
        '    home = os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras"))',
        f"    target = os.path.join(home, {cached})",
        "    if not os.path.exists(target):",
        "        os.makedirs(os.path.dirname(target), exist_ok=True)",
        "        shutil.copyfile(DATA_FILE, target)",
        "    return keras.datasets.cifar10.load_data()",
    ]
    return DataCode(
        lines,
        stdlib={"import os", "import shutil"},
        constants=[("DATA_FILE", path, "your copy of cifar-10-python.tar.gz")],
    )


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    if source.path:
        return _own_copy(source.name, source.path, title)
    return _keras_set(source.name, title)


def _load(source, input_shape, progress, cancelled):
    return load_keras_set(source, progress, cancelled)


def _known(source: DatasetSource):
    spec = KERAS_SETS[source.name]
    return spec.title, spec.classes


#: Which of one's own files is which dataset.
_RECOGNISE = {
    "mnist": lambda path: path.is_file() and path.suffix.lower() == ".npz",
    "fashion-mnist": lambda path: (path / "train-images-idx3-ubyte.gz").exists(),
    "cifar10": lambda path: path.is_file() and path.name.lower().endswith((".tar.gz", ".tgz")),
}
_TITLES = {"mnist": "MNIST, full", "fashion-mnist": "Fashion-MNIST, full", "cifar10": "CIFAR-10"}

KINDS = tuple(
    DatasetKind(
        name,
        f"{_TITLES[name]} (download, {download_size_mb(name):.3g} MB)",
        _load,
        _script,
        _known,
        _RECOGNISE[name],
        images=True,
    )
    for name in ("mnist", "fashion-mnist", "cifar10")
)
