"""Training runs as records: what was trained, how, and what came out — kept in the project,
overlaid and compared side by side, as article 003 does by hand (784-50-10 against wide,
deep, dropout, more epochs and a CNN)."""

from __future__ import annotations

import csv
import io
import math
from dataclasses import MISSING, asdict, dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from nnstudio.core.architecture import Architecture, architecture_from_dict
from nnstudio.core.errors import NnstudioError

#: Per-batch losses kept with a run: enough to draw its curve.
MAX_BATCH_POINTS = 2000
#: The statuses of runs that did not train (their weights are not worth keeping).
FAILED_STATUSES = ("diverged", "failed")


def result_sentence(message: str, test: dict[str, float] | None) -> str:
    """What a run came to, as the Training tab says it: "Completed 10 epochs. Test: accuracy
    0.9660, loss 0.1080." """
    text = (message[:1].upper() + message[1:]) + "."
    if test:
        text += " Test: " + ", ".join(f"{k} {v:.4f}" for k, v in test.items()) + "."
    return text


class RunFormatError(NnstudioError, ValueError):
    """A saved run cannot be read."""


def thin(values: list[float], limit: int = MAX_BATCH_POINTS) -> list[float]:
    """At most ``limit`` points: means of consecutive groups, so a curve keeps its shape."""
    if len(values) <= limit:
        return list(values)
    size = math.ceil(len(values) / limit)
    return [
        sum(chunk) / len(chunk)
        for chunk in (values[i : i + size] for i in range(0, len(values), size))
    ]


@dataclass(frozen=True)
class RunRecord:
    id: int
    started: str
    architecture: dict[str, Any]
    dataset: dict[str, Any]
    settings: dict[str, Any]
    status: str
    message: str
    epochs: int
    duration: float
    samples_per_second: float
    seed: int
    params: int
    history: dict[str, list[float]] = field(default_factory=dict)
    batch_losses: list[float] = field(default_factory=list)
    test: dict[str, float] | None = None

    @property
    def model(self) -> Architecture:
        return architecture_from_dict(self.architecture)

    @property
    def first_epoch(self) -> int:
        """The number (from 1) of the first epoch in the history: a continued run's history
        holds its own epochs only, which end at ``epochs``."""
        rows = max((len(v) for k, v in self.history.items() if k != "epoch"), default=0)
        return max(self.epochs - rows, 0) + 1

    @property
    def ok(self) -> bool:
        """The run trained (it did not fail or diverge)."""
        return self.status not in FAILED_STATUSES

    @property
    def sentence(self) -> str:
        return result_sentence(self.message, self.test)

    @property
    def final(self) -> dict[str, float]:
        """The last epoch's logs."""
        return {k: v[-1] for k, v in self.history.items() if v}

    @property
    def score(self) -> tuple[str, float] | None:
        """The headline figure: test (else validation, else training) accuracy or mae."""
        for source, key in (
            (self.test or {}, "accuracy"),
            (self.final, "val_accuracy"),
            (self.final, "accuracy"),
            (self.test or {}, "mae"),
            (self.final, "val_mae"),
            (self.final, "mae"),
        ):
            if key in source:
                return key, source[key]
        return None

    @property
    def label(self) -> str:
        score = self.score
        figure = f" — {score[0].replace('_', ' ')} {score[1]:.4g}" if score else ""
        return (
            f"Run {self.id}: {self.architecture.get('name', 'model')}, {self.epochs} epochs{figure}"
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_from_dict(doc: Any) -> RunRecord:
    if not isinstance(doc, dict):
        raise RunFormatError(f"a run must be an object; received {type(doc).__name__}")
    known = {f.name for f in fields(RunRecord)}
    required = {
        f.name for f in fields(RunRecord) if f.default is MISSING and f.default_factory is MISSING
    }
    unknown, missing = set(doc) - known, required - set(doc)
    if unknown or missing:
        raise RunFormatError(f"a run has unknown keys {sorted(unknown)} or lacks {sorted(missing)}")
    try:
        architecture_from_dict(doc["architecture"])
        return RunRecord(**doc)
    except (TypeError, NnstudioError) as e:
        raise RunFormatError(f"run {doc.get('id')}: {e}") from None


def history_csv(record: RunRecord) -> str:
    """The run's per-epoch history as CSV: an ``epoch`` column (1, 2, ...), then one column per
    logged value in the order Keras logged them (loss, accuracy, val_loss, ..., learning_rate).
    A value missing for an epoch (or not a number, in a file edited by hand) is left empty."""
    history = {k: v for k, v in record.history.items() if k != "epoch"}
    rows = max((len(v) for v in history.values()), default=0)
    first = record.first_epoch
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["epoch", *history])
    for i in range(rows):
        writer.writerow([first + i, *(_cell(values, i) for values in history.values())])
    return out.getvalue()


def _cell(values: list, i: int) -> str:
    value = values[i] if i < len(values) else None
    is_number = isinstance(value, int | float) and not isinstance(value, bool)
    return repr(float(value)) if is_number else ""


def _layers(architecture: dict) -> str:
    try:
        return " → ".join(layer.describe() for layer in architecture_from_dict(architecture).layers)
    except NnstudioError:
        return "?"


def differences(runs: list[RunRecord]) -> list[tuple[str, list[str]]]:
    """Rows (what, value per run) of what differs between runs, then their results."""

    def show(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.4g}"
        if isinstance(value, dict):
            return ", ".join(
                f"{k} {show(v)}" for k, v in value.items() if v not in (0, 0.0, "none")
            )
        return "—" if value is None else str(value)

    rows = [
        ("model", [r.architecture.get("name", "") for r in runs]),
        ("layers", [_layers(r.architecture) for r in runs]),
        ("input", [show(r.architecture.get("input_shape")) for r in runs]),
        ("parameters", [f"{r.params:,}" for r in runs]),
        ("dataset", [show(r.dataset.get("name")) for r in runs]),
    ]
    keys = sorted({k for r in runs for k in r.settings})
    rows += [(k.replace("_", " "), [show(r.settings.get(k)) for r in runs]) for k in keys]
    varying = [row for row in rows if len(set(row[1])) > 1] if len(runs) > 1 else rows
    results = [
        ("epochs trained", [str(r.epochs) for r in runs]),
        ("status", [r.status for r in runs]),
        ("time", [f"{r.duration:.1f} s" for r in runs]),
    ]
    for key in ("accuracy", "val_accuracy", "loss", "val_loss", "mae", "val_mae"):
        if any(key in r.final for r in runs):
            results.append(
                (f"final {key.replace('_', ' ')}", [show(r.final.get(key)) for r in runs])
            )
    for key in ("accuracy", "loss", "mae"):
        if any(r.test and key in r.test for r in runs):
            results.append((f"test {key}", [show((r.test or {}).get(key)) for r in runs]))
    return varying + results
