"""A folder of images, one subfolder per class (FER2013's train/angry/*.png layout), read with
Keras' image_dataset_from_directory at the model's size and colour; a test/ folder beside train/
is the test set, else a fifth of each class is held out."""

from __future__ import annotations

from pathlib import Path

from nnstudio.core.codegen import docstring, py
from nnstudio.core.datasets.base import DatasetSource
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import HOLD_OUT, DataCode, hold_out_constants


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    from nnstudio.core.datasets.folders import find_splits

    root = Path(source.path or ".")
    train, test = (root, None) if not root.is_dir() else find_splits(root)
    # nnstudio reads the images at the model's size and colour; Keras' defaults otherwise.
    size = color = None
    if len(input_shape) == 3 and None not in input_shape:
        size = tuple(input_shape[:2])
        color = "grayscale" if input_shape[2] == 1 else "rgb"
    size, color = source.options.get("size", size), source.options.get("color", color)
    options = [f"        color_mode={py(color)},"] if color else []
    options += [f"        image_size={py(tuple(size))},"] if size else []
    seed = int(source.options.get("seed", 0))
    return DataCode(
        [
            "def read_images(folder):",
            '    """The images of a folder (one subfolder per class): uint8 arrays, labels."""',
            "    data = keras.utils.image_dataset_from_directory(",
            "        folder,",
            *options,
            "        batch_size=256,",
            "        shuffle=False,",
            "    )",
            "    x, y = [], []",
            "    for images, labels in data:",
            '        x.append(np.clip(np.rint(images.numpy()), 0, 255).astype("uint8"))',
            "        y += [CLASS_NAMES.index(data.class_names[i]) for i in labels.numpy()]",
            "    return np.concatenate(x), np.array(y)",
            "",
            "",
            *HOLD_OUT,
            "",
            "",
            "def load_data():",
            *docstring(
                "TRAIN_FOLDER, shuffled once as nnstudio does, and TEST_FOLDER; without a "
                "test folder, a share of each class held out."
            ),
            "    x, y = read_images(TRAIN_FOLDER)",
            "    if not TEST_FOLDER:",
            "        return hold_out(x, y)",
            f"    order = np.random.default_rng({seed}).permutation(len(x))",
            "    return (x[order], y[order]), read_images(TEST_FOLDER)",
        ],
        constants=[
            ("TRAIN_FOLDER", str(train), "one subfolder of images per class"),
            ("TEST_FOLDER", None if test is None else str(test), "None: no test folder"),
            *hold_out_constants(source),
        ],
        may_lack_test=True,
    )


def _load(source, input_shape, progress, cancelled):
    from nnstudio.core.datasets.folders import folder_dataset  # imports Pillow

    return folder_dataset(source, input_shape, progress, cancelled)


KINDS = (
    DatasetKind(
        "folder",
        "Image folder (one subfolder per class)",
        _load,
        _script,
        recognise=Path.is_dir,
        file=True,
        images=True,
        reads_at_model_size=True,
    ),
)
