"""The logic gates AND, OR, NOT, XOR and XNOR: their truth tables, to train on and test on."""

from __future__ import annotations

from nnstudio.core.datasets.base import DatasetSource
from nnstudio.core.datasets.kind import DatasetKind
from nnstudio.core.datasets.script import DataCode, literal
from nnstudio.core.datasets.synthetic import GATES, gate_dataset


def _script(source: DatasetSource, input_shape: tuple, title: str) -> DataCode:
    data = gate_dataset(source)
    rows = ", ".join(literal([int(v) for v in row]) for row in data.x_train)
    labels = literal([int(v) for v in data.y_train])
    return DataCode(
        [
            "def load_data():",
            f'    """The truth table of {GATES[source.name][0]} (the test set is the same)."""',
            f'    x = np.array([{rows}], dtype="float32")',
            f"    y = np.array({labels})",
            "    return (x, y), (x, y)",
        ]
    )


def _load(source, input_shape, progress, cancelled):
    return gate_dataset(source)


def _known(source: DatasetSource):
    return f"{GATES[source.name][0]} gate", ("0", "1")


KINDS = tuple(
    DatasetKind(name, f"{title} gate", _load, _script, _known)
    for name, (title, _, _) in GATES.items()
)
