"""The ``load_data()`` of an exported training script: each dataset loaded with plain Keras and
NumPy, as close to nnstudio's own loading as they allow.

- MNIST, Fashion-MNIST, CIFAR-10: ``keras.datasets`` (which downloads them, as nnstudio does).
- The bundled samples: nnstudio's own .npz where nnstudio is installed, else the full dataset
  from ``keras.datasets`` (the sample is its first 10,000 images, so the script still trains
  the same model on the same kind of data).
- Logic gates: the truth table, written out. A function: the same points, computed with NumPy.
- An image folder: ``keras.utils.image_dataset_from_directory`` at the model's size and colour,
  shuffled once with nnstudio's seed; without a test folder, the same fifth of each class held
  out as nnstudio holds it out.
- FER2013's CSV and a CSV of image files: read with ``csv``, NumPy and Pillow as nnstudio reads
  them (bad rows skipped).
- A full dataset from the user's own copy (mnist.npz, Fashion-MNIST's .gz files, the CIFAR-10
  archive): read from that copy.
- Toy faces: drawn by nnstudio's generator, so that script needs nnstudio installed and says so.
- A table: read with pandas and encoded with the trained model's own encoding (written out), the
  same test rows held out.

Each returns ``(x_train, y_train), (x_test, y_test)`` (the test pair may be None, None). Each
kind of dataset writes its own (``datasets.kinds``); this module picks it.
"""

from __future__ import annotations

from nnstudio.core.codegen import docstring
from nnstudio.core.datasets import DatasetSource, kind
from nnstudio.core.datasets.script import DataCode, constant_lines, literal, literal_lines

__all__ = ["DataCode", "constant_lines", "data_code", "literal", "literal_lines"]


def data_code(
    source: DatasetSource, input_shape: tuple, title: str, preprocessing=None
) -> DataCode:
    """``load_data()`` (and its helpers) for a dataset source: the kind's own (encoding the
    data with the model's ``preprocessing``, for a table), or nnstudio's loader where no other
    library reads it (the toy faces)."""
    dataset_kind = kind(source.name)
    if preprocessing is not None and dataset_kind.preprocessed_script is not None:
        return dataset_kind.preprocessed_script(source, preprocessing)
    script = dataset_kind.script
    if script is not None:
        return script(source, tuple(input_shape), title)
    return _nnstudio(source, title)


def _nnstudio(source: DatasetSource, title: str) -> DataCode:
    what = title or source.name
    return DataCode(
        [
            "def load_data():",
            *docstring(
                f"{what}, made by nnstudio's own generator: for them this script needs "
                "nnstudio installed."
            ),
            "    from nnstudio.core.datasets import load_dataset, source_from_dict",
            "",
            "    source = source_from_dict(DATASET)",
            "    data = load_dataset(source, INPUT_SHAPE)",
            "    return (data.x_train, data.y_train), (data.x_test, data.y_test)",
        ],
        constants=[("DATASET", source.to_dict(), "where the data is, as nnstudio saved it")],
        may_lack_test=True,
    )
