"""The two samples bundled with nnstudio: 8,000 training and 2,000 test images each, offline."""

from __future__ import annotations

from nnstudio.core.codegen import py
from nnstudio.core.datasets.base import DatasetSource
from nnstudio.core.datasets.bundled import SAMPLES, load_sample
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import DataCode

_SAMPLE_FALLBACK = {"mnist-sample": "mnist", "fashion-mnist-sample": "fashion_mnist"}


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    name = source.name
    title, file_name = SAMPLES[name][:2]
    full = _SAMPLE_FALLBACK[name]
    return DataCode(
        [
            "def load_data():",
            f'    """The {title} bundled with nnstudio (8,000 training and 2,000 test images), or',
            f'    the whole dataset from keras.datasets.{full} where nnstudio is not installed."""',
            "    try:",
            f'        sample = files("nnstudio.resources") / "datasets" / {py(file_name)}',
            "    except ModuleNotFoundError:",
            f"        return keras.datasets.{full}.load_data()",
            '    with sample.open("rb") as f, np.load(f) as data:',
            '        return (data["x_train"], data["y_train"]), (data["x_test"], data["y_test"])',
        ],
        stdlib={"from importlib.resources import files"},
    )


def _load(source, input_shape, progress, cancelled):
    return load_sample(source.name)


def _known(source: DatasetSource):
    return SAMPLES[source.name][0], SAMPLES[source.name][2]


KINDS = tuple(
    DatasetKind(name, f"{SAMPLES[name][0]} (bundled)", _load, _script, _known, images=True)
    for name in SAMPLES
)
